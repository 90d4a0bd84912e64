#pragma once

#include "JsonJob.h"

namespace taskdesk::models {

// GET /api/agent/notifications/unread-count -> {unreadCount}.
class UnreadCountJob : public JsonJob
{
    Q_OBJECT
public:
    using JsonJob::JsonJob;

    int unreadCount() const { return m_count; }

signals:
    void unreadCountReceived(int unread);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    int m_count = 0;
};

} // namespace taskdesk::models
