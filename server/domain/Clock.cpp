#include "Clock.h"

#include <cstdio>
#include <ctime>

namespace taskdesk::domain {

std::string Clock::nowIso() const
{
    return toIso(now());
}

std::string Clock::toIso(TimePoint t)
{
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    int millis = static_cast<int>(ms % 1000);
    if (millis < 0) {
        millis += 1000;
        --secs;
    }
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96]; // room for any int the format could print, so no truncation is possible
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buf;
}

std::optional<TimePoint> Clock::parseIso(const std::string& s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (s.size() < 10 || s.size() > 40)
        return std::nullopt;
    auto digits = [&](std::size_t pos, std::size_t n, int& out) {
        if (pos + n > s.size())
            return false;
        out = 0;
        for (std::size_t i = pos; i < pos + n; ++i) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    if (!digits(0, 4, y) || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' || !digits(8, 2, d))
        return std::nullopt;
    std::size_t pos = 10;
    long long offsetSeconds = 0;
    long long millis = 0;
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')
            return std::nullopt;
        if (!digits(pos + 1, 2, h) || s.size() < pos + 6 || s[pos + 3] != ':' || !digits(pos + 4, 2, mi))
            return std::nullopt;
        pos += 6;
        if (pos < s.size() && s[pos] == ':') {
            if (!digits(pos + 1, 2, sec))
                return std::nullopt;
            pos += 3;
            if (pos < s.size() && s[pos] == '.') {
                ++pos;
                int n = 0;
                long long frac = 0;
                while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                    if (n < 3) {
                        frac = frac * 10 + (s[pos] - '0');
                    }
                    ++n;
                    ++pos;
                }
                if (n == 0)
                    return std::nullopt;
                for (int k = n; k < 3; ++k)
                    frac *= 10;
                millis = frac;
            }
        }
        if (pos >= s.size())
            return std::nullopt; // a time needs a zone: Z or an offset
        if (s[pos] == 'Z' || s[pos] == 'z') {
            ++pos;
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh, om;
            if (!digits(pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' || !digits(pos + 4, 2, om))
                return std::nullopt;
            if (oh > 23 || om > 59)
                return std::nullopt;
            offsetSeconds = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
            pos += 6;
        } else {
            return std::nullopt;
        }
        if (pos != s.size())
            return std::nullopt;
    }
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap ? 1 : 0))
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    const std::time_t t = timegm(&tm);
    // A time point counts nanoseconds, which run out in April 2262: a later time is refused as
    // malformed rather than overflowing (found by tests/fuzz).
    constexpr long long lastSecond =
        std::chrono::duration_cast<std::chrono::seconds>(TimePoint::max().time_since_epoch()).count() - 1;
    if (t - offsetSeconds > lastSecond)
        return std::nullopt;
    return TimePoint(std::chrono::seconds(t - offsetSeconds)) + std::chrono::milliseconds(millis);
}

} // namespace taskdesk::domain
