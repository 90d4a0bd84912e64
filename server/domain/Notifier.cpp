#include "Notifier.h"

#include "Ids.h"
#include "WebhookService.h"

namespace taskdesk::domain {

using store::sqlText;

std::string Notifier::notify(store::Transaction& tx, const Clock& clock, const std::string& profileId,
                             const std::string& type, const std::string& entityType,
                             const std::string& entityId, const std::string& message)
{
    const std::string id = newId("ntf_");
    const std::string now = clock.nowIso();
    tx.exec("INSERT INTO notifications(id, profile_id, type, entity_type, entity_id, message, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            {sqlText(id), sqlText(profileId), sqlText(type), sqlText(entityType), sqlText(entityId),
             sqlText(message), sqlText(now)});
    // The profile's matching webhooks get their outbox rows in this same transaction.
    const boost::json::object payload{
        {"id", id},           {"type", type},     {"entityType", entityType}, {"entityId", entityId},
        {"message", message}, {"createdAt", now}, {"readAt", nullptr}};
    WebhookService::enqueue(tx, profileId, type, payload, now);
    return id;
}

boost::json::object Notifier::rowToJson(store::Rows& r, int c)
{
    boost::json::object o;
    o["id"] = r.str(c);
    o["type"] = r.str(c + 1);
    o["entityType"] = r.str(c + 2);
    o["entityId"] = r.str(c + 3);
    o["message"] = r.str(c + 4);
    o["createdAt"] = r.str(c + 5);
    if (auto read = r.optStr(c + 6))
        o["readAt"] = *read;
    else
        o["readAt"] = nullptr;
    return o;
}

} // namespace taskdesk::domain
