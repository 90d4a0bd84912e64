#pragma once

#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class EventsJob;
class JsonJob;
class PagedListJob;
class UnreadCountJob;

// Notifications, the unread count and the events long poll.
class NotificationJobs
{
public:
    explicit NotificationJobs(ApiClient* client) : m_client(client) {}

    // GET /api/agent/notifications?unreadOnly -> "notifications"
    PagedListJob* list(bool unreadOnly = false, const QString& cursor = {}, int limit = 20);
    // GET /api/agent/notifications/unread-count
    UnreadCountJob* unreadCount();
    // POST /api/agent/notifications/:id/read -> "notification"
    EntityJob* markRead(const QString& notificationId);
    // POST /api/agent/notifications/read-all -> {updated}
    JsonJob* markAllRead();
    // GET /api/agent/events?after=&wait= ; its timeout is the wait plus a margin
    EventsJob* events(const QString& after, int waitSeconds);

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
