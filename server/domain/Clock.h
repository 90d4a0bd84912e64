#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

namespace taskdesk::domain {

using TimePoint = std::chrono::system_clock::time_point;

// Wall time, injectable so tests can move past review windows and payout holds.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual TimePoint now() const
    {
        return std::chrono::system_clock::now() + std::chrono::milliseconds(m_offsetMs.load());
    }
    // Moves this clock forward (tests and the sandbox's fast-forward only).
    void advance(std::chrono::milliseconds by) { m_offsetMs += by.count(); }

    std::string nowIso() const;
    static std::string toIso(TimePoint t);
    // Parses an ISO-8601 UTC/offset time ("2026-01-02T03:04:05Z", fractional seconds and
    // "+hh:mm" allowed, date-only "2026-01-02" allowed). nullopt when malformed.
    static std::optional<TimePoint> parseIso(const std::string& text);

private:
    std::atomic<long long> m_offsetMs{0};
};

} // namespace taskdesk::domain
