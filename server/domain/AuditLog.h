#pragma once

#include "Actor.h"
#include "Database.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// The audit trail: every state change with who made it (profile, credential,
// delegation), when, and the entity's state before and after. Rows are written
// inside the transaction that makes the change, so a change and its record
// commit together or not at all. Nothing secret goes in: callers pass the
// public JSON of an entity, never token values, API secrets or payload keys.
class AuditLog
{
public:
    // actor may be null for changes the platform makes itself (auto-accept,
    // payout release); those are recorded as credential "system".
    static void record(store::Transaction& tx, const Actor* actor, const std::string& entityType,
                       const std::string& entityId, const std::string& action,
                       const boost::json::value& before, const boost::json::value& after,
                       const std::string& atIso);

    struct Filter
    {
        std::string entityType;
        std::string entityId;
        std::string actorId;
        std::string delegationId;
    };
    // Newest first, paged by id: {entries: [{id, actorId, credential, delegationId,
    // entityType, entityId, action, before, after, createdAt}], nextCursor}.
    static boost::json::object list(store::Transaction& tx, const Filter& filter,
                                    const boost::json::object& query);
    // Oldest first, for a case file's timeline: every entry of one entity.
    static boost::json::array forEntity(store::Transaction& tx, const std::string& entityType,
                                        const std::string& entityId);
};

} // namespace taskdesk::domain
