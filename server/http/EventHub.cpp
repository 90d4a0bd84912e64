#include "EventHub.h"

#include "Database.h"
#include "Notifier.h"
#include "Platform.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcEvents, "taskdesk.server.events", QtInfoMsg)

namespace taskdesk::http {

namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

namespace {
constexpr auto kScanInterval = std::chrono::milliseconds(250);
// A notification can commit a little after a newer one did (two transactions
// racing); scanning a few seconds back by creation time catches it.
constexpr auto kLookback = std::chrono::seconds(5);
} // namespace

EventHub::EventHub(domain::Platform& platform) : m_p(platform) {}

EventHub::~EventHub()
{
    shutdown();
}

void EventHub::start()
{
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable())
        return;
    m_stop = false;
    m_scanCutoff = domain::Clock::toIso(m_p.clock.now() - kLookback);
    m_thread = std::thread([this] { run(); });
}

void EventHub::shutdown()
{
    std::map<std::uint64_t, Waiter> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        dropped.swap(m_waiters);
        m_byProfile.clear();
    }
    m_cv.notify_all();
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
    // dropped goes out of scope here: the completions are released unanswered.
}

void EventHub::poke()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_waiters.empty())
            return;
        m_poked = true;
    }
    m_cv.notify_one();
}

std::size_t EventHub::waiterCount() const
{
    std::lock_guard lock(m_mutex);
    return m_waiters.size();
}

void EventHub::addWaiter(const std::string& profileId, const std::string& afterId, std::chrono::seconds wait,
                         Response::Completion done)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stop)
            return;
        const auto id = m_nextId++;
        m_waiters.emplace(
            id, Waiter{id, profileId, afterId, std::chrono::steady_clock::now() + wait, std::move(done)});
        m_byProfile.emplace(profileId, id);
        // Something may have arrived between the handler's check and now.
        m_poked = true;
    }
    m_cv.notify_one();
}

Response EventHub::eventsResponse(domain::Platform& platform, const std::string& profileId,
                                  const std::string& afterId, int limit, bool& any)
{
    store::Transaction tx(platform.db, store::Transaction::Mode::Read);
    json::array events;
    std::string cursor = afterId;
    {
        auto r = tx.query((std::string("SELECT ") + domain::Notifier::Columns +
                           " FROM notifications WHERE profile_id = ? AND id > ? ORDER BY id LIMIT ?")
                              .c_str(),
                          {sqlText(profileId), sqlText(afterId), sqlInt(limit)});
        while (r.next()) {
            auto o = domain::Notifier::rowToJson(r);
            cursor = std::string(o["id"].as_string());
            events.push_back(std::move(o));
        }
    }
    any = !events.empty();
    json::object out;
    out["events"] = std::move(events);
    out["cursor"] = cursor.empty() ? json::value(nullptr) : json::value(cursor);
    return Response::json(200, out);
}

std::set<std::string> EventHub::profilesWithNews()
{
    std::set<std::string> profiles;
    const std::string nextCutoff = domain::Clock::toIso(m_p.clock.now() - kLookback);
    store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
    auto r = tx.query("SELECT DISTINCT profile_id FROM notifications WHERE created_at >= ?",
                      {sqlText(m_scanCutoff)});
    while (r.next())
        profiles.insert(r.str(0));
    m_scanCutoff = nextCutoff;
    return profiles;
}

void EventHub::run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        auto next = std::chrono::steady_clock::now() + kScanInterval;
        if (m_waiters.empty())
            next = std::chrono::steady_clock::now() + std::chrono::hours(1);
        m_cv.wait_until(lock, next, [this] { return m_stop || m_poked; });
        if (m_stop)
            break;
        m_poked = false;
        if (m_waiters.empty())
            continue;

        // Which waiting profiles may have news? Read outside the lock.
        lock.unlock();
        std::set<std::string> news;
        try {
            news = profilesWithNews();
        } catch (const std::exception& e) {
            qCWarning(lcEvents) << "scan failed:" << e.what();
        }
        lock.lock();
        if (m_stop)
            break;

        const auto now = std::chrono::steady_clock::now();
        std::vector<Waiter> candidates;
        for (auto it = m_waiters.begin(); it != m_waiters.end();) {
            if (news.count(it->second.profileId) || it->second.deadline <= now) {
                auto range = m_byProfile.equal_range(it->second.profileId);
                for (auto b = range.first; b != range.second; ++b)
                    if (b->second == it->first) {
                        m_byProfile.erase(b);
                        break;
                    }
                candidates.push_back(std::move(it->second));
                it = m_waiters.erase(it);
            } else {
                ++it;
            }
        }
        lock.unlock();
        std::vector<Waiter> stillWaiting;
        for (auto& w : candidates) {
            try {
                bool any = false;
                Response res = eventsResponse(m_p, w.profileId, w.afterId, 100, any);
                if (any || w.deadline <= now)
                    w.done(std::move(res));
                else
                    stillWaiting.push_back(std::move(w)); // news for this profile, but older than its cursor
            } catch (const std::exception& e) {
                qCWarning(lcEvents) << "answering a waiter failed:" << e.what();
                w.done(Response::error(503, "UNAVAILABLE", "The database is unavailable; try again", true));
            }
        }
        lock.lock();
        for (auto& w : stillWaiting) {
            if (m_stop)
                break;
            m_byProfile.emplace(w.profileId, w.id);
            m_waiters.emplace(w.id, std::move(w));
        }
    }
}

} // namespace taskdesk::http
