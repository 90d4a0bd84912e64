#pragma once

#include "Clock.h"
#include "Database.h"

#include <boost/json/object.hpp>
#include <string>

namespace taskdesk::domain {

// Records a notification for a profile inside the caller's transaction, so a
// notification exists exactly when the change it reports was committed.
class Notifier
{
public:
    static std::string notify(store::Transaction& tx, const Clock& clock, const std::string& profileId,
                              const std::string& type, const std::string& entityType,
                              const std::string& entityId, const std::string& message);
    static boost::json::object rowToJson(store::Rows& r, int firstColumn = 0);
    static constexpr const char* Columns = "id, type, entity_type, entity_id, message, created_at, read_at";
};

} // namespace taskdesk::domain
