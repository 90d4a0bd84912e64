#include "ApiError.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace taskdesk::models {

namespace {

QString origin(const QUrl& server)
{
    return server.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment)
        .toString();
}

QString networkReason(QNetworkReply::NetworkError e, const QString& detail)
{
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused (is the server running?)");
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection unexpectedly");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host not found (check the address)");
    case QNetworkReply::TimeoutError:
        return QStringLiteral("the connection timed out");
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return QStringLiteral("the network is unavailable");
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("the secure connection failed (%1)").arg(detail);
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyAuthenticationRequiredError:
        return QStringLiteral("the proxy failed (%1)").arg(detail);
    default:
        return detail.isEmpty() ? QStringLiteral("network error %1").arg(int(e)) : detail;
    }
}

} // namespace

ApiError ApiError::fromHttp(int status, const QByteArray& body, const QString& reasonPhrase)
{
    ApiError e;
    e.m_kind = Kind::Http;
    e.m_httpStatus = status;
    e.m_detail = reasonPhrase;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        e.m_serverMessage = o.value(QLatin1String("error")).toString();
        e.m_code = o.value(QLatin1String("code")).toString();
        e.m_serverRetry = o.value(QLatin1String("retry")).toBool();
        const QJsonObject fields = o.value(QLatin1String("fields")).toObject();
        for (auto it = fields.begin(); it != fields.end(); ++it)
            e.m_fields.append({it.key(), it.value().toVariant().toString()});
    }
    return e;
}

ApiError ApiError::fromNetwork(QNetworkReply::NetworkError error, const QString& detail, const QUrl& server)
{
    ApiError e;
    e.m_kind = Kind::Network;
    e.m_networkError = error;
    e.m_detail = networkReason(error, detail);
    e.m_serverMessage = origin(server);
    return e;
}

ApiError ApiError::timeout(const QUrl& server, int seconds)
{
    ApiError e;
    e.m_kind = Kind::Timeout;
    e.m_networkError = QNetworkReply::TimeoutError;
    e.m_serverMessage = origin(server);
    e.m_detail = QString::number(seconds);
    return e;
}

ApiError ApiError::badReply(const QString& why)
{
    ApiError e;
    e.m_kind = Kind::BadReply;
    e.m_detail = why;
    return e;
}

ApiError ApiError::aborted()
{
    ApiError e;
    e.m_kind = Kind::Aborted;
    e.m_networkError = QNetworkReply::OperationCanceledError;
    return e;
}

QString ApiError::fieldReason(const QString& field) const
{
    for (const auto& [name, reason] : m_fields)
        if (name == field)
            return reason;
    return {};
}

QString ApiError::message() const
{
    const QString tries = m_attempts > 1 ? QStringLiteral(" (tried %1 times)").arg(m_attempts) : QString();
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::Network:
        return QStringLiteral("Cannot reach the server at %1: %2.%3").arg(m_serverMessage, m_detail, tries);
    case Kind::Timeout:
        return QStringLiteral("The server at %1 did not answer in time (%2 s).%3")
            .arg(m_serverMessage, m_detail, tries);
    case Kind::BadReply:
        return QStringLiteral("The server sent an answer this console does not understand: %1.")
            .arg(m_detail);
    case Kind::Aborted:
        return QStringLiteral("The request was cancelled.");
    case Kind::Http:
        break;
    }
    QString text = m_serverMessage;
    if (text.isEmpty())
        text = QStringLiteral("The server answered %1 %2.").arg(m_httpStatus).arg(m_detail).simplified();
    // The server usually names every field in its text already; add the ones it did not.
    QStringList missing;
    for (const auto& [name, reason] : m_fields)
        if (!text.contains(reason))
            missing << QStringLiteral("%1: %2").arg(name, reason);
    if (!missing.isEmpty())
        text += QStringLiteral(" (%1)").arg(missing.join(QStringLiteral("; ")));
    if (m_httpStatus == 401)
        text += QStringLiteral(" Sign in again.");
    else if (m_httpStatus >= 500 || m_httpStatus == 429)
        text += QStringLiteral(" Try again later.") + tries;
    return text;
}

} // namespace taskdesk::models
