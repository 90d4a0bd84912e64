#include "UnreadCountJob.h"

namespace taskdesk::models {

ApiError UnreadCountJob::processJson(const QJsonObject& json)
{
    const QJsonValue v = json.value(QLatin1String("unreadCount"));
    if (!v.isDouble() || v.toDouble() < 0)
        return ApiError::badReply(QStringLiteral("the answer has no unreadCount"));
    m_count = v.toInt();
    emit unreadCountReceived(m_count);
    return {};
}

} // namespace taskdesk::models
