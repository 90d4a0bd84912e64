#pragma once

#include "JsonJob.h"

#include <QJsonArray>

namespace taskdesk::models {

// GET /api/agent/events?after=&wait= (long poll) -> {events: [...], cursor}.
class EventsJob : public JsonJob
{
    Q_OBJECT
public:
    using JsonJob::JsonJob;

    const QJsonArray& events() const { return m_events; }
    const QString& cursor() const { return m_cursor; }

signals:
    void eventsReceived(const QJsonArray& events, const QString& cursor);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    QJsonArray m_events;
    QString m_cursor;
};

} // namespace taskdesk::models
