#include "LiveUpdates.h"

#include "ApiClient.h"
#include "EventsJob.h"
#include "ModelsLogging.h"
#include "NotificationJobs.h"
#include "PagedListJob.h"
#include "UnreadCountJob.h"

#include <QJsonObject>
#include <algorithm>

namespace taskdesk::models {

namespace {
// Polls are their own retry: one attempt each, the next poll is the next try.
ApiJob::RetryPolicy singleAttempt()
{
    ApiJob::RetryPolicy p;
    p.maxAttempts = 1;
    return p;
}

template <class Job> void abortJob(QPointer<Job>& job, QObject* owner)
{
    if (job) {
        QObject::disconnect(job, nullptr, owner, nullptr);
        job->abort();
    }
    job = nullptr;
}
} // namespace

LiveUpdates::LiveUpdates(ApiClient* client, QObject* parent) : QObject(parent), m_client(client)
{
    m_pollTimer.setInterval(m_pollInterval);
    connect(&m_pollTimer, &QTimer::timeout, this, &LiveUpdates::pollNow);
    m_eventsRetryTimer.setSingleShot(true);
    connect(&m_eventsRetryTimer, &QTimer::timeout, this, &LiveUpdates::longPoll);
}

LiveUpdates::~LiveUpdates()
{
    stop();
}

void LiveUpdates::setPollInterval(std::chrono::milliseconds interval)
{
    m_pollInterval = interval;
    m_pollTimer.setInterval(interval);
}

void LiveUpdates::start()
{
    if (m_running)
        return;
    m_running = true;
    m_pollTimer.start();
    pollNow();
    if (m_eventsEnabled && m_eventsSupport != EventsSupport::Unsupported)
        primeEvents();
}

void LiveUpdates::stop()
{
    m_running = false;
    m_pollTimer.stop();
    m_eventsRetryTimer.stop();
    abortJob(m_countJob, this);
    abortJob(m_eventsJob, this);
    abortJob(m_primeJob, this);
    // A later start() may be for another profile or server: begin afresh.
    m_primed = false;
    m_cursor.clear();
    m_unread = -1;
    m_eventsFailures = 0;
    m_inError = false;
    m_eventsSupport = EventsSupport::Unknown;
}

void LiveUpdates::pollNow()
{
    if (!m_running || m_countJob)
        return;
    m_countJob = m_client->notifications().unreadCount();
    m_countJob->setRetryPolicy(singleAttempt());
    connect(m_countJob, &UnreadCountJob::unreadCountReceived, this, [this](int unread) {
        m_countJob = nullptr;
        if (m_inError) {
            m_inError = false;
            emit recovered();
        }
        if (unread != m_unread) {
            m_unread = unread;
            emit notificationsChanged(unread);
        }
    });
    connect(m_countJob, &ApiJob::failed, this, &LiveUpdates::onPollFailed);
    m_countJob->start();
}

void LiveUpdates::onPollFailed(const ApiError& error)
{
    m_countJob = nullptr;
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    m_inError = true;
    emit errorOccurred(error);
}

// The newest notification's id is where the event stream starts, so the first
// long poll does not replay history.
void LiveUpdates::primeEvents()
{
    if (m_primed) {
        longPoll();
        return;
    }
    m_primeJob = m_client->notifications().list(false, {}, 1);
    m_primeJob->setRetryPolicy(singleAttempt());
    connect(m_primeJob, &PagedListJob::pageReceived, this, [this](const QJsonArray& items, const QString&) {
        m_primeJob = nullptr;
        m_cursor =
            items.isEmpty() ? QString() : items.first().toObject().value(QLatin1String("id")).toString();
        m_primed = true;
        longPoll();
    });
    connect(m_primeJob, &ApiJob::failed, this, [this](const ApiError& error) {
        m_primeJob = nullptr;
        if (error.kind() != ApiError::Kind::Aborted)
            onEventsFailed(error);
    });
    m_primeJob->start();
}

void LiveUpdates::longPoll()
{
    if (!m_running || m_eventsJob || m_eventsSupport == EventsSupport::Unsupported)
        return;
    if (!m_primed) {
        primeEvents();
        return;
    }
    m_eventsJob = m_client->notifications().events(m_cursor, m_eventsWait);
    m_eventsJob->setRetryPolicy(singleAttempt());
    connect(m_eventsJob, &EventsJob::eventsReceived, this, &LiveUpdates::onEvents);
    connect(m_eventsJob, &ApiJob::failed, this, &LiveUpdates::onEventsFailed);
    m_eventsJob->start();
}

void LiveUpdates::onEvents(const QJsonArray& events, const QString& cursor)
{
    m_eventsJob = nullptr;
    m_eventsFailures = 0;
    setEventsSupport(EventsSupport::Supported);
    if (!cursor.isEmpty())
        m_cursor = cursor;
    if (!events.isEmpty()) {
        emit eventsArrived(events);
        pollNow(); // the count changed with them
    }
    // Straight back into the next long poll, from the event loop.
    m_eventsRetryTimer.start(0);
}

void LiveUpdates::onEventsFailed(const ApiError& error)
{
    m_eventsJob = nullptr;
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    if (error.kind() == ApiError::Kind::Http && (error.httpStatus() == 404 || error.httpStatus() == 405)) {
        qCInfo(lcModelsLive) << "the server has no events endpoint; polling the unread count only";
        setEventsSupport(EventsSupport::Unsupported);
        return;
    }
    if (error.kind() == ApiError::Kind::Http && error.httpStatus() == 400) {
        // The server does not know our cursor (another server, a reset): start from now.
        m_primed = false;
        m_cursor.clear();
    }
    // Anything else: back off (1, 2, 4 ... 60 s) and try again; polling covers the gap.
    ++m_eventsFailures;
    const int seconds = std::min(60, 1 << std::min(m_eventsFailures - 1, 6));
    qCInfo(lcModelsLive) << "events long poll failed" << error.httpStatus() << error.code() << "- again in"
                         << seconds << "s";
    if (m_running)
        m_eventsRetryTimer.start(std::chrono::seconds(seconds));
}

void LiveUpdates::setEventsSupport(EventsSupport support)
{
    if (support == m_eventsSupport)
        return;
    m_eventsSupport = support;
    emit eventsSupportChanged(support);
}

} // namespace taskdesk::models
