#include "NotificationJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "EventsJob.h"
#include "PagedListJob.h"
#include "UnreadCountJob.h"

#include <algorithm>

namespace taskdesk::models {

PagedListJob* NotificationJobs::list(bool unreadOnly, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    if (unreadOnly)
        q.addQueryItem(QStringLiteral("unreadOnly"), QStringLiteral("true"));
    return m_client->list(QStringLiteral("/api/agent/notifications"), QStringLiteral("notifications"), q);
}

UnreadCountJob* NotificationJobs::unreadCount()
{
    return m_client->typed<UnreadCountJob>("GET", QStringLiteral("/api/agent/notifications/unread-count"));
}

EntityJob* NotificationJobs::markRead(const QString& notificationId)
{
    return m_client->entity("POST",
                            QStringLiteral("/api/agent/notifications/") + ApiClient::segment(notificationId) +
                                QStringLiteral("/read"),
                            QStringLiteral("notification"));
}

JsonJob* NotificationJobs::markAllRead()
{
    return m_client->json("POST", QStringLiteral("/api/agent/notifications/read-all"));
}

EventsJob* NotificationJobs::events(const QString& after, int waitSeconds)
{
    const int wait = std::clamp(waitSeconds, 0, 30);
    QUrlQuery q;
    ApiClient::addQuery(q, QStringLiteral("after"), after);
    q.addQueryItem(QStringLiteral("wait"), QString::number(wait));
    auto* job = m_client->typed<EventsJob>("GET", QStringLiteral("/api/agent/events"), q);
    job->setTimeout(std::max(job->timeout(), std::chrono::milliseconds((wait + 15) * 1000)));
    return job;
}

} // namespace taskdesk::models
