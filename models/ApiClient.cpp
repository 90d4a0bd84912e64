#include "ApiClient.h"

#include "AuthJobs.h"
#include "BidJobs.h"
#include "ContractJobs.h"
#include "DisputeJobs.h"
#include "EntityJob.h"
#include "NotificationJobs.h"
#include "PagedListJob.h"
#include "ReviewJobs.h"
#include "SkillJobs.h"
#include "TaskJobs.h"
#include "WalletJobs.h"

namespace taskdesk::models {

ApiClient::ApiClient(QNetworkAccessManager* nam, QObject* parent) : QObject(parent), m_nam(nam) {}

void ApiClient::setBaseUrl(const QUrl& url)
{
    if (url == m_baseUrl)
        return;
    m_baseUrl = url;
    emit baseUrlChanged(m_baseUrl);
}

AuthJobs ApiClient::auth()
{
    return AuthJobs(this);
}
TaskJobs ApiClient::tasks()
{
    return TaskJobs(this);
}
BidJobs ApiClient::bids()
{
    return BidJobs(this);
}
ContractJobs ApiClient::contracts()
{
    return ContractJobs(this);
}
WalletJobs ApiClient::wallet()
{
    return WalletJobs(this);
}
NotificationJobs ApiClient::notifications()
{
    return NotificationJobs(this);
}

ReviewJobs ApiClient::review()
{
    return ReviewJobs(this);
}

SkillJobs ApiClient::skills()
{
    return SkillJobs(this);
}

DisputeJobs ApiClient::disputes()
{
    return DisputeJobs(this);
}

QUrl ApiClient::urlFor(const QString& path, const QUrlQuery& query) const
{
    QUrl url = m_baseUrl;
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path, QUrl::TolerantMode);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

QString ApiClient::segment(const QString& id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

QUrlQuery ApiClient::pageQuery(const QString& cursor, int limit)
{
    QUrlQuery q;
    addQuery(q, QStringLiteral("cursor"), cursor);
    if (limit > 0)
        q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return q;
}

void ApiClient::addQuery(QUrlQuery& query, const QString& key, const QString& value)
{
    if (!value.isEmpty())
        query.addQueryItem(key, QString::fromLatin1(QUrl::toPercentEncoding(value)));
}

void ApiClient::prepare(ApiJob* job)
{
    job->setTokenProvider(m_tokenProvider);
    job->setTimeout(m_timeout);
    job->setRetryPolicy(m_retry);
    connect(job, &ApiJob::failed, this, [this](const ApiError& e) {
        if (e.kind() == ApiError::Kind::Http && e.httpStatus() == 401)
            emit authenticationFailed(e);
    });
}

JsonJob* ApiClient::json(const QByteArray& method, const QString& path, const QJsonObject& body,
                         const QUrlQuery& query)
{
    auto* job = new JsonJob(m_nam, method, urlFor(path, query), this);
    if (method != "GET" && method != "HEAD" && method != "DELETE")
        job->setJsonBody(body);
    prepare(job);
    return job;
}

EntityJob* ApiClient::entity(const QByteArray& method, const QString& path, const QString& key,
                             const QJsonObject& body)
{
    auto* job = new EntityJob(m_nam, method, urlFor(path), key, this);
    if (method != "GET" && method != "HEAD" && method != "DELETE")
        job->setJsonBody(body);
    prepare(job);
    return job;
}

PagedListJob* ApiClient::list(const QString& path, const QString& key, const QUrlQuery& query)
{
    auto* job = new PagedListJob(m_nam, urlFor(path, query), key, this);
    prepare(job);
    return job;
}

} // namespace taskdesk::models
