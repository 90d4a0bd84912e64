#include "EventsJob.h"

namespace taskdesk::models {

ApiError EventsJob::processJson(const QJsonObject& json)
{
    const QJsonValue events = json.value(QLatin1String("events"));
    if (!events.isArray())
        return ApiError::badReply(QStringLiteral("the answer has no events list"));
    m_events = events.toArray();
    m_cursor = json.value(QLatin1String("cursor")).toString();
    // An answer without a cursor still moves on past what it delivered.
    if (m_cursor.isEmpty() && !m_events.isEmpty())
        m_cursor = m_events.last().toObject().value(QLatin1String("id")).toString();
    emit eventsReceived(m_events, m_cursor);
    return {};
}

} // namespace taskdesk::models
