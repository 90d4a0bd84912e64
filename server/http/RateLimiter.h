#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace taskdesk::store {
class Database;
}

namespace taskdesk::http {

// Fixed-window request counting per (class, caller). In memory per process, and,
// once a store is attached, also in the database (table rate_limits) so that a
// limit holds across every server process on it:
// - limits of at most kStrictLimit requests (register, login, bids) count every
//   hit with one atomic upsert and are exact across processes;
// - larger ones (the 600/min default) count locally and push their hits in
//   batches (every 5% of the limit, or after a second), so that a busy caller
//   costs a database write per batch; across P processes such a limit may be
//   exceeded by at most about (P - 1) x 5% before every process sees it.
// A database that fails open: the request goes on (its own transaction will fail
// soon enough if the store is really down).
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
    // Counts one request; returns the seconds to wait when over the limit. Opens its own
    // transaction when a store is attached: never call it inside one.
    std::optional<int> hit(const std::string& rateClass, const std::string& caller);
    // The in-memory check alone (callers already inside a transaction).
    std::optional<int> hitLocal(const std::string& rateClass, const std::string& caller);
    bool enabled() const { return m_enabled; }
    void useStore(store::Database* db) { m_db = db; }
    // The profile a bearer token belongs to (cached; nullopt for unknown or revoked tokens),
    // so that signed-in callers can be counted before the request's transaction opens.
    std::optional<std::string> profileForToken(const std::string& tokenValue);
    static constexpr int kStrictLimit = 100;

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

    // The shared count: what this process last learnt from the database, and its hits not yet pushed.
    struct Shared
    {
        std::int64_t windowEndMs = 0; // epoch ms
        std::int64_t hits = 0;
        int pending = 0;
        std::chrono::steady_clock::time_point lastSync{};
    };
    std::optional<int> hitShared(const std::string& key, const Limit& limit);
    // Adds delta hits to key's window in the database; returns {hits, window end (epoch ms)}.
    std::pair<std::int64_t, std::int64_t> push(const std::string& key, int delta, const Limit& limit,
                                               bool sweep);
    store::Database* m_db = nullptr;
    std::map<std::string, Shared> m_shared;
    std::chrono::steady_clock::time_point m_lastDbSweep{};
    struct TokenEntry
    {
        std::string profileId;
        std::chrono::steady_clock::time_point expires;
    };
    std::map<std::string, TokenEntry> m_tokens; // sha256(token) -> profile
};

} // namespace taskdesk::http
