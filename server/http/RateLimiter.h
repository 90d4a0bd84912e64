#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace taskdesk::http {

// Fixed-window request counting per (class, caller). In memory, per process.
class RateLimiter
{
public:
    struct Limit
    {
        int requests;
        std::chrono::seconds window;
    };
    explicit RateLimiter(bool enabled) : m_enabled(enabled) {}
    void setLimit(const std::string& rateClass, Limit limit) { m_limits[rateClass] = limit; }
    // Counts one request; returns the seconds to wait when over the limit.
    std::optional<int> hit(const std::string& rateClass, const std::string& caller);
    bool enabled() const { return m_enabled; }

private:
    struct Window
    {
        std::chrono::steady_clock::time_point start;
        int count = 0;
    };
    bool m_enabled;
    std::map<std::string, Limit> m_limits;
    std::mutex m_mutex;
    std::map<std::string, Window> m_windows;
    std::chrono::steady_clock::time_point m_lastSweep = std::chrono::steady_clock::now();
};

} // namespace taskdesk::http
