#include "ApiJob.h"

#include "ModelsLogging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QUuid>
#include <algorithm>

namespace taskdesk::models {

namespace {

const QByteArray kIdempotencyHeader = QByteArrayLiteral("Idempotency-Key");

// Retry-After is either delta-seconds or an HTTP date; -1 when absent or unreadable.
int parseRetryAfter(const QByteArray& value)
{
    if (value.isEmpty())
        return -1;
    bool ok = false;
    const int seconds = value.trimmed().toInt(&ok);
    if (ok)
        return std::max(0, seconds);
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(value.trimmed()), Qt::RFC2822Date);
    if (!when.isValid())
        return -1;
    return static_cast<int>(std::max<qint64>(0, QDateTime::currentDateTimeUtc().secsTo(when)));
}

bool transientNetworkError(QNetworkReply::NetworkError e)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false; // host not found, TLS, protocol: the same again will not help
    }
}

} // namespace

ApiJob::ApiJob(QNetworkAccessManager* nam, QByteArray method, QUrl url, QObject* parent)
    : QObject(parent), m_nam(nam), m_method(std::move(method)), m_url(std::move(url))
{
    if (m_method == "POST" || m_method == "PATCH")
        m_idempotencyKey = QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    m_timeoutTimer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_timeoutTimer, &QTimer::timeout, this, &ApiJob::onTimeout);
    connect(&m_retryTimer, &QTimer::timeout, this, &ApiJob::sendAttempt);
}

ApiJob::~ApiJob()
{
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        delete m_reply;
    }
}

void ApiJob::setJsonBody(const QJsonObject& body)
{
    setBody(QJsonDocument(body).toJson(QJsonDocument::Compact), QByteArrayLiteral("application/json"));
}

void ApiJob::setBody(const QByteArray& body, const QByteArray& contentType)
{
    m_body = body;
    m_contentType = contentType;
}

bool ApiJob::isIdempotentMethod(const QByteArray& method)
{
    return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

bool ApiJob::isRepeatable() const
{
    return isIdempotentMethod(m_method) || !m_idempotencyKey.isEmpty();
}

void ApiJob::start()
{
    if (m_running || m_done)
        return;
    m_running = true;
    m_elapsed.start();
    sendAttempt();
}

void ApiJob::abort()
{
    if (m_done)
        return;
    m_retryTimer.stop();
    m_timeoutTimer.stop();
    if (m_reply) {
        disconnect(m_reply, nullptr, this, nullptr);
        m_reply->abort();
        m_reply->deleteLater();
        m_reply = nullptr;
    }
    fail(ApiError::aborted());
}

QString ApiJob::logPath() const
{
    // The path names the call; the query may carry search text, and nothing
    // else (headers, bodies) is logged at all.
    return QString::fromLatin1(m_method) + QLatin1Char(' ') + m_url.path();
}

void ApiJob::sendAttempt()
{
    ++m_attempt;
    m_timedOut = false;
    QNetworkRequest req(m_url);
    req.setRawHeader(QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json"));
    req.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("TaskDesk-Console/0.1"));
    req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    if (!m_contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, m_contentType);
    if (m_tokenProvider) {
        const QString token = m_tokenProvider();
        if (!token.isEmpty())
            req.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + token.toUtf8());
    }
    if (!m_idempotencyKey.isEmpty() && !isIdempotentMethod(m_method))
        req.setRawHeader(kIdempotencyHeader, m_idempotencyKey);

    QNetworkReply* reply = nullptr;
    if (m_method == "GET")
        reply = m_nam->get(req);
    else if (m_method == "HEAD")
        reply = m_nam->head(req);
    else
        reply = m_nam->sendCustomRequest(req, m_method, m_body);
    reply->setParent(this);
    m_reply = reply;
    connect(reply, &QNetworkReply::finished, this, &ApiJob::onReplyFinished);
    connect(reply, &QNetworkReply::downloadProgress, this, &ApiJob::restartTimeout);
    connect(reply, &QNetworkReply::uploadProgress, this, &ApiJob::restartTimeout);
    restartTimeout();
    qCDebug(lcModelsApi).noquote() << logPath() << "attempt" << m_attempt;
}

void ApiJob::restartTimeout()
{
    if (m_timeout.count() > 0)
        m_timeoutTimer.start(m_timeout);
}

void ApiJob::onTimeout()
{
    if (!m_reply)
        return;
    m_timedOut = true;
    m_reply->abort(); // finishes the reply synchronously or soon: onReplyFinished decides
}

void ApiJob::onReplyFinished()
{
    QNetworkReply* reply = m_reply;
    if (!reply)
        return;
    m_reply = nullptr;
    m_timeoutTimer.stop();
    reply->deleteLater();

    m_httpStatus = m_timedOut ? 0 : reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = m_httpStatus > 0 ? reply->readAll() : QByteArray();
    ApiError error;
    int retryAfter = -1;
    if (m_timedOut) {
        error = ApiError::timeout(m_url, static_cast<int>((m_timeout.count() + 999) / 1000));
    } else if (m_httpStatus == 0) {
        error = ApiError::fromNetwork(reply->error(), reply->errorString(), m_url);
    } else if (m_httpStatus >= 200 && m_httpStatus < 300) {
        m_replayed = reply->rawHeader(QByteArrayLiteral("Idempotent-Replayed")) == "true";
        qCDebug(lcModelsApi).noquote() << logPath() << m_httpStatus << "in" << m_elapsed.elapsed() << "ms"
                                       << (m_replayed ? "(replayed)" : "");
        ApiError parseError = processReply(body);
        if (parseError.isError()) {
            fail(parseError);
            return;
        }
        succeed();
        return;
    } else {
        error = ApiError::fromHttp(m_httpStatus, body,
                                   reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        retryAfter = parseRetryAfter(reply->rawHeader(QByteArrayLiteral("Retry-After")));
    }
    error.setAttempts(m_attempt);

    if (m_attempt < m_retry.maxAttempts && shouldRetry(error)) {
        const int delay = retryDelayMs(retryAfter);
        qCInfo(lcModelsApi).noquote() << logPath() << "attempt" << m_attempt << "failed"
                                      << (m_httpStatus ? QString::number(m_httpStatus)
                                          : m_timedOut ? QStringLiteral("(timeout)")
                                                       : QStringLiteral("(network)"))
                                      << error.code() << "- retrying in" << delay << "ms";
        emit retrying(m_attempt + 1, delay, error);
        m_retryTimer.start(delay);
        return;
    }
    fail(error);
}

bool ApiJob::shouldRetry(const ApiError& error) const
{
    if (!isRepeatable())
        return false;
    switch (error.kind()) {
    case ApiError::Kind::Timeout:
        return true;
    case ApiError::Kind::Network:
        return transientNetworkError(error.networkError());
    case ApiError::Kind::Http:
        if (error.httpStatus() == 429 || error.httpStatus() == 500 || error.httpStatus() == 502 ||
            error.httpStatus() == 503 || error.httpStatus() == 504)
            return true;
        // The first request with this key is still running on the server: ask again.
        return error.httpStatus() == 409 && error.code() == QLatin1String("IDEMPOTENCY_IN_PROGRESS");
    default:
        return false;
    }
}

int ApiJob::retryDelayMs(int retryAfterSeconds) const
{
    const qint64 cap = std::max<qint64>(0, m_retry.maxDelay.count());
    if (retryAfterSeconds >= 0)
        return static_cast<int>(std::min<qint64>(qint64(retryAfterSeconds) * 1000, cap));
    const int exponent = std::min(m_attempt - 1, 16);
    const qint64 base = m_retry.baseDelay.count() << exponent;
    // +-25% jitter so that many consoles do not come back in step.
    const qint64 jitter = base / 4;
    const qint64 delay =
        base - jitter + (jitter > 0 ? QRandomGenerator::global()->bounded(2 * jitter + 1) : 0);
    return static_cast<int>(std::clamp<qint64>(delay, 0, cap));
}

void ApiJob::succeed()
{
    m_running = false;
    m_done = true;
    emit finished();
    if (m_autoDelete)
        deleteLater();
}

void ApiJob::fail(ApiError error)
{
    m_running = false;
    m_done = true;
    if (error.attempts() < m_attempt)
        error.setAttempts(m_attempt);
    m_error = error;
    if (error.kind() != ApiError::Kind::Aborted)
        qCInfo(lcModelsApi).noquote()
            << logPath()
            << "failed:" << (m_httpStatus ? QString::number(m_httpStatus) : QStringLiteral("no answer"))
            << error.code() << "after" << m_attempt << "attempt(s)";
    emit failed(m_error);
    if (m_autoDelete)
        deleteLater();
}

} // namespace taskdesk::models
