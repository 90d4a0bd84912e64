#include "ContractHistory.h"

#include "ApiClient.h"
#include "ContractJobs.h"
#include "EntityJob.h"
#include "NotificationJobs.h"
#include "PagedListJob.h"

#include <algorithm>
#include <utility>

namespace taskdesk::models {

namespace {

QJsonArray oldestFirst(const QJsonArray& items)
{
    QList<QJsonObject> list;
    for (const QJsonValue& v : items)
        list << v.toObject();
    std::stable_sort(list.begin(), list.end(), [](const QJsonObject& a, const QJsonObject& b) {
        const QString ka =
            a.value(QLatin1String("createdAt")).toString() + a.value(QLatin1String("id")).toString();
        const QString kb =
            b.value(QLatin1String("createdAt")).toString() + b.value(QLatin1String("id")).toString();
        return ka < kb;
    });
    QJsonArray out;
    for (const QJsonObject& o : list)
        out.append(o);
    return out;
}

} // namespace

ContractHistory::ContractHistory(ApiClient* client, QObject* parent) : QObject(parent), m_client(client) {}

ContractHistory::~ContractHistory()
{
    clear();
}

void ContractHistory::clear()
{
    for (const QPointer<ApiJob>& job : std::as_const(m_jobs))
        if (job) {
            disconnect(job, nullptr, this, nullptr);
            job->abort();
        }
    m_jobs.clear();
    m_pending = 0;
    m_id.clear();
    m_contract = {};
    m_submissions = {};
    m_reviews = {};
    m_messages = {};
    m_notifications = {};
    m_timeline.clear();
}

void ContractHistory::track(ApiJob* job)
{
    m_jobs << job;
    ++m_pending;
    connect(job, &ApiJob::finished, this, &ContractHistory::partDone);
    connect(job, &ApiJob::failed, this, &ContractHistory::partDone);
}

void ContractHistory::load(const QString& contractId, const QString& me)
{
    clear();
    m_id = contractId;
    m_me = me;
    m_failed = false;

    EntityJob* contract = m_client->contracts().get(contractId);
    connect(contract, &EntityJob::received, this, [this](const QJsonObject& c) { m_contract = c; });
    connect(contract, &ApiJob::failed, this, [this](const ApiError& error) {
        if (error.kind() == ApiError::Kind::Aborted)
            return;
        m_failed = true;
        emit failed(error);
    });
    PagedListJob* subs = m_client->contracts().submissions(contractId, {}, 100);
    connect(subs, &PagedListJob::pageReceived, this,
            [this](const QJsonArray& items, const QString&) { m_submissions = oldestFirst(items); });
    PagedListJob* reviews = m_client->contracts().reviews(contractId);
    connect(reviews, &PagedListJob::pageReceived, this,
            [this](const QJsonArray& items, const QString&) { m_reviews = oldestFirst(items); });
    PagedListJob* messages = m_client->contracts().messages(contractId, {}, 100);
    connect(messages, &PagedListJob::pageReceived, this,
            [this](const QJsonArray& items, const QString&) { m_messages = items; });
    PagedListJob* notifications = m_client->notifications().list(false, {}, 100);
    connect(notifications, &PagedListJob::pageReceived, this,
            [this](const QJsonArray& items, const QString&) { m_notifications = items; });

    const QList<ApiJob*> jobs{contract, subs, reviews, messages, notifications};
    for (ApiJob* job : jobs)
        track(job);
    for (ApiJob* job : jobs)
        job->start();
}

void ContractHistory::partDone()
{
    if (--m_pending > 0)
        return;
    m_jobs.clear();
    if (m_failed)
        return;
    m_timeline =
        ContractTimeline::build(m_contract, m_submissions, m_reviews, m_messages, m_notifications, m_me);
    emit loaded();
}

} // namespace taskdesk::models
