// Routes for the events long poll.
#include "Access.h"
#include "Actor.h"
#include "ApiServer.h"
#include "Database.h"
#include "DomainError.h"
#include "EventHub.h"
#include "Ids.h"
#include "Notifier.h"
#include "Platform.h"

#include <algorithm>
#include <charconv>

namespace taskdesk::http {

namespace json = boost::json;

void ApiServer::registerEventRoutes()
{
    Route r;
    r.method = "GET";
    r.pattern = "/api/agent/events";
    r.auth = AuthMode::Required;
    r.scope = "notifications:read";
    r.summary = "Long poll: notifications after a cursor, oldest first; waits up to `wait` seconds (0-30) "
                "for new ones";
    auto* hub = m_events.get();
    auto* platform = &m_p;
    r.handler = [hub, platform](RouteContext& c, store::Transaction& tx) -> json::value {
        const auto& a = c.requireActor();
        domain::requireScope(a, "notifications:read");
        std::string after;
        if (const auto* v = c.query.if_contains("after"); v && v->is_string())
            after = std::string(v->as_string());
        if (!after.empty() && !domain::looksLikeId(after, "ntf_"))
            throw domain::DomainError::invalid("after", "must be a notification id");
        int wait = 0;
        if (const auto* v = c.query.if_contains("wait"); v && v->is_string()) {
            const std::string s(v->as_string());
            auto res = std::from_chars(s.data(), s.data() + s.size(), wait);
            if (res.ec != std::errc() || res.ptr != s.data() + s.size())
                throw domain::DomainError::invalid("wait", "must be a whole number of seconds (0-30)");
            wait = std::clamp(wait, 0, 30);
        }
        if (after.empty()) {
            // No cursor: start from now, so only what arrives from here on is an event.
            // A profile with no notifications yet gets the cursor before every id.
            after = tx.scalarText("SELECT MAX(id) FROM notifications WHERE profile_id = ?",
                                  {store::sqlText(a.profileId)})
                        .value_or("ntf_" + std::string(28, '0'));
        }
        json::array events;
        std::string cursor = after;
        {
            auto rows = tx.query((std::string("SELECT ") + domain::Notifier::Columns +
                                  " FROM notifications WHERE profile_id = ? AND id > ? ORDER BY id LIMIT 100")
                                     .c_str(),
                                 {store::sqlText(a.profileId), store::sqlText(after)});
            while (rows.next()) {
                auto o = domain::Notifier::rowToJson(rows);
                cursor = std::string(o["id"].as_string());
                events.push_back(std::move(o));
            }
        }
        if (events.empty() && wait > 0) {
            const std::string profile = a.profileId;
            c.deferred = [hub, profile, after, wait](Response::Completion done) {
                hub->addWaiter(profile, after, std::chrono::seconds(wait), std::move(done));
            };
        }
        (void)platform;
        json::object out;
        out["events"] = std::move(events);
        out["cursor"] = cursor.empty() ? json::value(nullptr) : json::value(cursor);
        return out;
    };
    m_router.add(std::move(r));
}

} // namespace taskdesk::http
