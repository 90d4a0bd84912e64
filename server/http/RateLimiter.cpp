#include "RateLimiter.h"

namespace taskdesk::http {

std::optional<int> RateLimiter::hit(const std::string& rateClass, const std::string& caller)
{
    if (!m_enabled)
        return std::nullopt;
    auto lim = m_limits.find(rateClass);
    if (lim == m_limits.end())
        return std::nullopt;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    if (now - m_lastSweep > std::chrono::minutes(5)) {
        for (auto it = m_windows.begin(); it != m_windows.end();)
            it = now - it->second.start > std::chrono::hours(2) ? m_windows.erase(it) : std::next(it);
        m_lastSweep = now;
    }
    auto& w = m_windows[rateClass + '\n' + caller];
    if (w.count == 0 || now - w.start >= lim->second.window) {
        w.start = now;
        w.count = 0;
    }
    if (w.count >= lim->second.requests) {
        const auto left = std::chrono::duration_cast<std::chrono::seconds>(lim->second.window - (now - w.start)).count();
        return static_cast<int>(left < 1 ? 1 : left);
    }
    ++w.count;
    return std::nullopt;
}

} // namespace taskdesk::http
