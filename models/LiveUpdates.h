#pragma once

#include "ApiError.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <chrono>

namespace taskdesk::models {

class ApiClient;
class EventsJob;
class PagedListJob;
class UnreadCountJob;

// Keeps the console current: polls the unread count, and where the server
// has GET /api/agent/events long-polls it as well (a 404 or 405 there means
// "not on this server": polling alone carries on). Models subscribe by
// connecting notificationsChanged or eventsArrived to their refresh().
class LiveUpdates : public QObject
{
    Q_OBJECT
public:
    enum class EventsSupport
    {
        Unknown,
        Supported,
        Unsupported
    };
    Q_ENUM(EventsSupport)

    explicit LiveUpdates(ApiClient* client, QObject* parent = nullptr);
    ~LiveUpdates() override;

    void setPollInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds pollInterval() const { return m_pollInterval; }
    void setEventsWait(int seconds) { m_eventsWait = seconds; }
    void setEventsEnabled(bool enabled) { m_eventsEnabled = enabled; }

    void start();
    // Stops and forgets the cursor, the count and what the server supports;
    // stop() then start() after switching profiles.
    void stop();
    bool isRunning() const { return m_running; }
    // Polls the unread count now (e.g. after the user read something).
    void pollNow();

    // -1 until the first answer.
    int unreadCount() const { return m_unread; }
    EventsSupport eventsSupport() const { return m_eventsSupport; }

signals:
    void notificationsChanged(int unread);
    void eventsArrived(const QJsonArray& events);
    void eventsSupportChanged(taskdesk::models::LiveUpdates::EventsSupport support);
    // A poll failed (the server is down, the token was revoked, ...); polling goes on.
    void errorOccurred(const taskdesk::models::ApiError& error);
    // Polls work again after errorOccurred().
    void recovered();

private:
    void primeEvents();
    void longPoll();
    void onEvents(const QJsonArray& events, const QString& cursor);
    void onEventsFailed(const ApiError& error);
    void onPollFailed(const ApiError& error);
    void setEventsSupport(EventsSupport support);

    ApiClient* m_client;
    QTimer m_pollTimer;
    QTimer m_eventsRetryTimer;
    QPointer<UnreadCountJob> m_countJob;
    QPointer<EventsJob> m_eventsJob;
    QPointer<PagedListJob> m_primeJob;
    std::chrono::milliseconds m_pollInterval{15'000};
    int m_eventsWait = 25;
    bool m_eventsEnabled = true;
    bool m_running = false;
    bool m_primed = false;
    bool m_inError = false;
    int m_unread = -1;
    int m_eventsFailures = 0;
    QString m_cursor;
    EventsSupport m_eventsSupport = EventsSupport::Unknown;
};

} // namespace taskdesk::models
