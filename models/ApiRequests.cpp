#include "ApiRequests.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "JsonJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
bool hasBody(const QByteArray& method)
{
    return method != "GET" && method != "HEAD" && method != "DELETE";
}
} // namespace

ApiRequests::ApiRequests(ApiClient* client, ApiJob::TokenProvider tokens)
    : m_client(client), m_tokens(std::move(tokens))
{}

QString ApiRequests::segment(const QString& id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

QUrlQuery ApiRequests::pageQuery(const QString& cursor, int limit)
{
    QUrlQuery q;
    if (!cursor.isEmpty())
        q.addQueryItem(QStringLiteral("cursor"), QString::fromLatin1(QUrl::toPercentEncoding(cursor)));
    if (limit > 0)
        q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return q;
}

QUrl ApiRequests::urlFor(const QString& path, const QUrlQuery& query) const
{
    QUrl url = m_client ? m_client->baseUrl() : QUrl();
    QString base = url.path(QUrl::FullyEncoded);
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path, QUrl::TolerantMode);
    if (!query.isEmpty())
        url.setQuery(query);
    return url;
}

void ApiRequests::prepare(ApiJob* job) const
{
    job->setTokenProvider(m_tokens);
    if (!m_client)
        return;
    job->setTimeout(m_client->timeout());
    job->setRetryPolicy(m_client->retryPolicy());
    ApiClient* client = m_client;
    QObject::connect(job, &ApiJob::failed, client, [client](const ApiError& e) {
        if (e.kind() == ApiError::Kind::Http && e.httpStatus() == 401)
            emit client->authenticationFailed(e);
    });
}

JsonJob* ApiRequests::json(const QByteArray& method, const QString& path, const QJsonObject& body,
                           const QUrlQuery& query) const
{
    auto* job = new JsonJob(m_client ? m_client->networkAccessManager() : nullptr, method,
                            urlFor(path, query), m_client);
    if (hasBody(method))
        job->setJsonBody(body);
    prepare(job);
    return job;
}

EntityJob* ApiRequests::entity(const QByteArray& method, const QString& path, const QString& key,
                               const QJsonObject& body) const
{
    auto* job = new EntityJob(m_client ? m_client->networkAccessManager() : nullptr, method, urlFor(path, {}),
                              key, m_client);
    if (hasBody(method))
        job->setJsonBody(body);
    prepare(job);
    return job;
}

PagedListJob* ApiRequests::list(const QString& path, const QString& key, const QUrlQuery& query) const
{
    auto* job = new PagedListJob(m_client ? m_client->networkAccessManager() : nullptr, urlFor(path, query),
                                 key, m_client);
    prepare(job);
    return job;
}

} // namespace taskdesk::models
