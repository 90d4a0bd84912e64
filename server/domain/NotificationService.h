#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// Notifications as OpenTask: list, unread count, read one, read all.
class NotificationService
{
public:
    explicit NotificationService(Platform& p) : m_p(p) {}
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object unreadCount(store::Transaction& tx, const Actor& a);
    boost::json::object markRead(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object markAllRead(store::Transaction& tx, const Actor& a);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
