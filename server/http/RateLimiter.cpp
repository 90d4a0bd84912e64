#include "RateLimiter.h"

#include "Database.h"
#include "Digest.h"

#include <QLoggingCategory>
#include <algorithm>
#include <thread>

Q_LOGGING_CATEGORY(lcLimits, "taskdesk.server.ratelimits", QtInfoMsg)

namespace taskdesk::http {

namespace {
std::int64_t epochMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
int secondsUntil(std::int64_t endMs, std::int64_t nowMs)
{
    const auto left = (endMs - nowMs + 999) / 1000;
    return static_cast<int>(std::max<std::int64_t>(1, left));
}
} // namespace

std::optional<int> RateLimiter::hit(const std::string& rateClass, const std::string& caller)
{
    if (auto wait = hitLocal(rateClass, caller))
        return wait;
    if (!m_enabled || !m_db)
        return std::nullopt;
    auto lim = m_limits.find(rateClass);
    if (lim == m_limits.end())
        return std::nullopt;
    return hitShared(rateClass + '\n' + caller, lim->second);
}

std::optional<int> RateLimiter::hitShared(const std::string& key, const Limit& limit)
{
    const auto now = std::chrono::steady_clock::now();
    const std::int64_t nowMs = epochMs();
    const bool strict = limit.requests <= kStrictLimit;
    int delta = 0;
    bool sweep = false;
    {
        std::lock_guard lock(m_mutex);
        auto& s = m_shared[key];
        ++s.pending;
        const bool due = strict || s.pending >= std::max(1, limit.requests / 20) ||
                         now - s.lastSync >= std::chrono::seconds(1) || nowMs >= s.windowEndMs;
        if (!due) {
            if (nowMs < s.windowEndMs && s.hits + s.pending > limit.requests)
                return secondsUntil(s.windowEndMs, nowMs);
            return std::nullopt;
        }
        delta = s.pending;
        s.pending = 0;
        s.lastSync = now;
        if (now - m_lastDbSweep > std::chrono::minutes(5)) {
            m_lastDbSweep = now;
            sweep = true;
        }
        if (m_shared.size() > 100000)
            m_shared.clear(); // the database keeps the truth
    }
    try {
        const auto [hits, windowEnd] = push(key, delta, limit, sweep);
        {
            std::lock_guard lock(m_mutex);
            auto& s = m_shared[key];
            s.hits = hits;
            s.windowEndMs = windowEnd;
        }
        if (hits > limit.requests)
            return secondsUntil(windowEnd, nowMs);
    } catch (const std::exception& e) {
        qCWarning(lcLimits) << "shared rate limit count failed (request allowed):" << e.what();
    }
    return std::nullopt;
}

std::pair<std::int64_t, std::int64_t> RateLimiter::push(const std::string& key, int delta, const Limit& limit,
                                                        bool sweep)
{
    using store::sqlInt;
    using store::sqlText;
    const std::int64_t windowMs = std::chrono::duration_cast<std::chrono::milliseconds>(limit.window).count();
    for (int attempt = 0;; ++attempt) {
        try {
            const std::int64_t nowMs = epochMs();
            store::Transaction tx(*m_db, store::Transaction::Mode::Write);
            if (m_db->backend() == store::Backend::Postgres)
                tx.exec("SET LOCAL synchronous_commit TO OFF"); // a counter, not a record: no fsync wait
            // One atomic statement: a window that ended starts afresh at this hit; else the hits add up.
            // (Every right-hand side sees the row as it was before the update.)
            std::int64_t hits = 0, start = nowMs;
            {
                auto r = tx.query(
                    "INSERT INTO rate_limits(rate_key, window_start, window_ms, hits) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (rate_key) DO UPDATE SET"
                    " hits = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= "
                    "excluded.window_start"
                    " THEN excluded.hits ELSE rate_limits.hits + excluded.hits END,"
                    " window_start = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= "
                    "excluded.window_start"
                    " THEN excluded.window_start ELSE rate_limits.window_start END,"
                    " window_ms = excluded.window_ms"
                    " RETURNING hits, window_start",
                    {sqlText(key), sqlInt(nowMs), sqlInt(windowMs), sqlInt(delta)});
                if (r.next()) {
                    hits = r.i64(0);
                    start = r.i64(1);
                }
            }
            if (sweep) // windows that ended over an hour ago (the longest window is an hour)
                tx.exec("DELETE FROM rate_limits WHERE window_start < ?", {sqlInt(nowMs - 2 * 3600 * 1000)});
            tx.commit();
            return {hits, start + windowMs};
        } catch (const store::StoreError& e) {
            if (e.kind() != store::StoreError::Kind::Retryable || attempt >= 5)
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
        }
    }
}

std::optional<std::string> RateLimiter::profileForToken(const std::string& tokenValue)
{
    if (!m_db || tokenValue.size() < 8 || tokenValue.size() > 200)
        return std::nullopt;
    const std::string hash = crypto::Digest::sha256Hex(tokenValue);
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(m_mutex);
        auto it = m_tokens.find(hash);
        if (it != m_tokens.end() && it->second.expires > now)
            return it->second.profileId;
    }
    std::optional<std::string> profile;
    try {
        store::Transaction tx(*m_db, store::Transaction::Mode::Read);
        profile = tx.scalarText("SELECT profile_id FROM tokens WHERE token_hash = ? AND revoked_at IS NULL",
                                {store::sqlText(hash)});
        tx.rollback();
    } catch (const std::exception&) {
        return std::nullopt; // the request's own transaction reports the store's trouble
    }
    if (profile) {
        std::lock_guard lock(m_mutex);
        if (m_tokens.size() > 50000)
            m_tokens.clear();
        m_tokens[hash] = TokenEntry{*profile, now + std::chrono::minutes(1)};
    }
    return profile;
}

std::optional<int> RateLimiter::hitLocal(const std::string& rateClass, const std::string& caller)
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
        const auto left =
            std::chrono::duration_cast<std::chrono::seconds>(lim->second.window - (now - w.start)).count();
        return static_cast<int>(left < 1 ? 1 : left);
    }
    ++w.count;
    return std::nullopt;
}

} // namespace taskdesk::http
