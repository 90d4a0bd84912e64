#include "Ids.h"

#include "Random.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace taskdesk::domain {

std::string newId(std::string_view prefix)
{
    // Monotonic within the process even when the wall clock steps back.
    static std::mutex mutex;
    static long long last = 0;
    long long ms;
    {
        std::lock_guard lock(mutex);
        ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
        if (ms <= last)
            ms = last + 1;
        last = ms;
    }
    char time[16];
    std::snprintf(time, sizeof time, "%012llx", ms);
    return std::string(prefix) + time + crypto::Random::hex(8);
}

bool looksLikeId(std::string_view id, std::string_view prefix)
{
    if (id.size() != prefix.size() + 28 || id.substr(0, prefix.size()) != prefix)
        return false;
    for (char c : id.substr(prefix.size()))
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

} // namespace taskdesk::domain
