#include "AgentClient.h"

#include "AgentLogging.h"
#include "Random.h"
#include "RequestSigner.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <string_view>

namespace taskdesk::agent {

QString AgentClient::Reply::code() const
{
    return json.value(QStringLiteral("code")).toString();
}

QString AgentClient::Reply::describe() const
{
    if (status == 0)
        return QStringLiteral("no answer from the server (%1)").arg(transportError);
    const QString error = json.value(QStringLiteral("error")).toString();
    if (error.isEmpty())
        return QStringLiteral("HTTP %1").arg(status);
    return QStringLiteral("%1 (HTTP %2 %3)").arg(error).arg(status).arg(code());
}

AgentClient::AgentClient(const QUrl& baseUrl) : m_base(baseUrl)
{
    m_prefix = baseUrl.path(QUrl::FullyEncoded);
    while (m_prefix.endsWith(QLatin1Char('/')))
        m_prefix.chop(1);
}

void AgentClient::useToken(crypto::SecureBuffer token)
{
    m_token = std::move(token);
    m_secret = {};
    m_keyId.clear();
}

void AgentClient::useApiKey(const QString& keyId, crypto::SecureBuffer secret)
{
    m_keyId = keyId;
    m_secret = std::move(secret);
    m_token = {};
}

QByteArray AgentClient::targetFor(const QString& pathAndQuery) const
{
    return (m_prefix + pathAndQuery).toUtf8();
}

AgentClient::Reply AgentClient::get(const QString& pathAndQuery)
{
    return send("GET", pathAndQuery, {});
}

AgentClient::Reply AgentClient::post(const QString& path, const QJsonObject& body)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

AgentClient::Reply AgentClient::send(const QByteArray& method, const QString& pathAndQuery,
                                     const QByteArray& body,
                                     const QList<QPair<QByteArray, QByteArray>>& extraHeaders)
{
    const QByteArray target = targetFor(pathAndQuery);
    // The URL is assembled from encoded parts so that the target on the wire is exactly the
    // one that was signed (the HMAC covers it byte for byte).
    QUrl url = m_base;
    url.setPath(QString(), QUrl::StrictMode);
    QByteArray full = url.toEncoded(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (full.endsWith('/'))
        full.chop(1);
    QNetworkRequest req(QUrl::fromEncoded(full + target, QUrl::StrictMode));
    req.setTransferTimeout(m_timeoutMs);
    req.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("taskdesk-agent"));
    req.setRawHeader("Accept", "application/json");
    if (!body.isEmpty() || method == "POST")
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (method == "POST")
        req.setRawHeader("Idempotency-Key", QByteArray::fromStdString(crypto::Random::base64url(18)));
    for (const auto& [name, value] : extraHeaders)
        req.setRawHeader(name, value);
    if (!m_token.isEmpty()) {
        // The header value is an ordinary QByteArray for as long as Qt needs it; it is the
        // one copy of the token outside secure memory, wiped right after the request.
        QByteArray auth = QByteArrayLiteral("Bearer ") + m_token.view().toByteArray();
        req.setRawHeader("Authorization", auth);
        crypto::SecureBuffer::wipe(auth);
    } else if (!m_secret.isEmpty()) {
        // The canonical string has no nonce, so the same request twice in one second would
        // carry the same signature, which the server refuses as a replay (a poll loop does
        // exactly that). Such a repeat waits for the next second and is signed afresh.
        std::string ts, sig;
        for (;;) {
            const qint64 now = QDateTime::currentSecsSinceEpoch();
            if (now != m_signedSecond) {
                m_signedSecond = now;
                m_signedThisSecond.clear();
            }
            ts = std::to_string(now);
            sig = crypto::RequestSigner::sign(
                std::string_view(m_secret.constChar(), m_secret.size()), ts, method.toStdString(),
                std::string_view(target.constData(), std::size_t(target.size())),
                std::string_view(body.constData(), std::size_t(body.size())));
            if (!m_signedThisSecond.contains(sig))
                break;
            QThread::msleep(std::max<qint64>(1, 1000 - QDateTime::currentMSecsSinceEpoch() % 1000));
        }
        m_signedThisSecond.insert(sig);
        req.setRawHeader("X-Agent-Key", m_keyId.toUtf8());
        req.setRawHeader("X-Agent-Timestamp", QByteArray::fromStdString(ts));
        req.setRawHeader("X-Agent-Signature", QByteArray::fromStdString(sig));
    }

    QNetworkReply* reply = m_nam.sendCustomRequest(req, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();

    Reply out;
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    if (out.status == 0)
        out.transportError = reply->errorString();
    if (reply->hasRawHeader("Retry-After")) {
        bool ok = false;
        const int seconds = reply->rawHeader("Retry-After").trimmed().toInt(&ok);
        if (ok && seconds >= 0)
            out.retryAfterSeconds = seconds;
    }
    QJsonParseError perr{};
    const auto doc = QJsonDocument::fromJson(out.body, &perr);
    if (perr.error == QJsonParseError::NoError && doc.isObject())
        out.json = doc.object();
    qCDebug(lcAgent) << method << pathAndQuery << "->" << out.status;
    reply->deleteLater();
    return out;
}

} // namespace taskdesk::agent
