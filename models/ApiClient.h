#pragma once

#include "ApiJob.h"

#include <QJsonObject>
#include <QObject>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;

namespace taskdesk::models {

class AuthJobs;
class BidJobs;
class ContractJobs;
class DisputeJobs;
class EntityJob;
class JsonJob;
class NotificationJobs;
class PagedListJob;
class ReviewJobs;
class SkillJobs;
class TaskJobs;
class WalletJobs;

// The one place that knows the server: base URL, credentials, timeouts and
// retry policy. It makes jobs (not started; connect, then start()) through one
// small family class per area, which alone knows the paths:
//   auto* job = client.tasks().post(body);
//   connect(job, &EntityJob::received, this, &PostTaskCommand::onPosted);
//   job->start();
class ApiClient : public QObject
{
    Q_OBJECT
public:
    explicit ApiClient(QNetworkAccessManager* nam, QObject* parent = nullptr);

    void setBaseUrl(const QUrl& url);
    const QUrl& baseUrl() const { return m_baseUrl; }
    // Called for every attempt, so a job always sends the current token.
    void setTokenProvider(ApiJob::TokenProvider provider) { m_tokenProvider = std::move(provider); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setRetryPolicy(const ApiJob::RetryPolicy& policy) { m_retry = policy; }
    const ApiJob::RetryPolicy& retryPolicy() const { return m_retry; }
    QNetworkAccessManager* networkAccessManager() const { return m_nam; }

    AuthJobs auth();
    TaskJobs tasks();
    BidJobs bids();
    ContractJobs contracts();
    WalletJobs wallet();
    NotificationJobs notifications();
    ReviewJobs review();
    SkillJobs skills();
    DisputeJobs disputes();

signals:
    void baseUrlChanged(const QUrl& url);
    // Any job got a 401: the token is missing, expired or revoked.
    void authenticationFailed(const taskdesk::models::ApiError& error);

private:
    friend class AuthJobs;
    friend class TaskJobs;
    friend class BidJobs;
    friend class ContractJobs;
    friend class WalletJobs;
    friend class NotificationJobs;
    friend class ReviewJobs;
    friend class SkillJobs;
    friend class DisputeJobs;

    // path is already encoded (see segment()); query values are encoded here.
    QUrl urlFor(const QString& path, const QUrlQuery& query = {}) const;
    // One path segment from an opaque id, percent-encoded.
    static QString segment(const QString& id);
    static QUrlQuery pageQuery(const QString& cursor, int limit);
    // Adds key=value unless value is empty. QUrlQuery leaves '+' and '%' as they
    // are, so the value goes in percent-encoded: "c++" arrives as "c++".
    static void addQuery(QUrlQuery& query, const QString& key, const QString& value);

    JsonJob* json(const QByteArray& method, const QString& path, const QJsonObject& body = {},
                  const QUrlQuery& query = {});
    EntityJob* entity(const QByteArray& method, const QString& path, const QString& key,
                      const QJsonObject& body = {});
    PagedListJob* list(const QString& path, const QString& key, const QUrlQuery& query);
    template <class Job>
    Job* typed(const QByteArray& method, const QString& path, const QUrlQuery& query = {})
    {
        auto* job = new Job(m_nam, method, urlFor(path, query), this);
        prepare(job);
        return job;
    }
    void prepare(ApiJob* job);

    QNetworkAccessManager* m_nam;
    QUrl m_baseUrl;
    ApiJob::TokenProvider m_tokenProvider;
    std::chrono::milliseconds m_timeout{30'000};
    ApiJob::RetryPolicy m_retry;
};

} // namespace taskdesk::models
