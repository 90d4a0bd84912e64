#include "NotificationService.h"

#include "Access.h"
#include "DomainError.h"
#include "Notifier.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

json::object NotificationService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "notifications:read");
    const auto page = pageFrom(query);
    bool unreadOnly = false;
    if (const auto* u = query.if_contains("unreadOnly"); u && u->is_string())
        unreadOnly = u->as_string() == "1" || u->as_string() == "true";
    auto r = tx.query(
        (std::string("SELECT ") + Notifier::Columns +
         " FROM notifications WHERE profile_id = ? AND (? = 0 OR read_at IS NULL) AND (? = '' OR id < ?)"
         " ORDER BY id DESC LIMIT ?")
            .c_str(),
        {sqlText(a.profileId), sqlInt(unreadOnly ? 1 : 0), sqlText(page.cursor), sqlText(page.cursor),
         sqlInt(page.limit + 1)});
    json::array items;
    while (r.next())
        items.push_back(Notifier::rowToJson(r));
    json::object out;
    finishPage(out, "notifications", std::move(items), page.limit);
    return out;
}

json::object NotificationService::unreadCount(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "notifications:read");
    json::object out;
    out["unreadCount"] =
        tx.scalarInt("SELECT COUNT(*) FROM notifications WHERE profile_id = ? AND read_at IS NULL",
                     {sqlText(a.profileId)})
            .value_or(0);
    return out;
}

json::object NotificationService::markRead(store::Transaction& tx, const Actor& a, const std::string& id)
{
    if (!tx.scalarInt("SELECT 1 FROM notifications WHERE id = ? AND profile_id = ?",
                      {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::notFound("Notification");
    requireScope(a, "notifications:write");
    tx.exec("UPDATE notifications SET read_at = ? WHERE id = ? AND read_at IS NULL",
            {sqlText(m_p.clock.nowIso()), sqlText(id)});
    auto r =
        tx.query((std::string("SELECT ") + Notifier::Columns + " FROM notifications WHERE id = ?").c_str(),
                 {sqlText(id)});
    r.next();
    json::object out;
    out["notification"] = Notifier::rowToJson(r);
    return out;
}

json::object NotificationService::markAllRead(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "notifications:write");
    const int n = tx.exec("UPDATE notifications SET read_at = ? WHERE profile_id = ? AND read_at IS NULL",
                          {sqlText(m_p.clock.nowIso()), sqlText(a.profileId)});
    json::object out;
    out["updated"] = n;
    return out;
}

} // namespace taskdesk::domain
