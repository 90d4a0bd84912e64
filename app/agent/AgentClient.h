#pragma once

#include "SecureBuffer.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QString>
#include <QUrl>
#include <set>
#include <string>

namespace taskdesk::agent {

// A small blocking client of the platform API for command-line agents: one request at
// a time, each run in a local event loop until its reply (or the timeout). It
// authenticates with a Bearer token or with an API key pair, signing every request
// with crypto::RequestSigner (X-Agent-Key, X-Agent-Timestamp, X-Agent-Signature) over
// the exact request target it sends. Credentials are held in secure memory and never
// logged. Every POST carries a fresh Idempotency-Key.
class AgentClient
{
public:
    struct Reply
    {
        int status = 0; // 0: no HTTP answer (see transportError)
        QByteArray body;
        QJsonObject json; // the body, when it is a JSON object
        QString transportError;
        int retryAfterSeconds = -1; // the Retry-After header (429, 503), when present

        bool ok() const { return status >= 200 && status < 300; }
        QString code() const;
        // One line for a person: the server's error text and code, or the transport error.
        QString describe() const;
    };

    // baseUrl: scheme, host, port and an optional path prefix ("https://td.example/td").
    explicit AgentClient(const QUrl& baseUrl);

    void useToken(crypto::SecureBuffer token);
    void useApiKey(const QString& keyId, crypto::SecureBuffer secret);
    bool hasCredentials() const { return !m_token.isEmpty() || !m_secret.isEmpty(); }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    // pathAndQuery starts with "/api/..."; it is sent exactly as given (already encoded).
    Reply get(const QString& pathAndQuery);
    Reply post(const QString& path, const QJsonObject& body);
    // extraHeaders are set after the defaults (so a file upload can give its own Content-Type).
    Reply send(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body,
               const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {});

    // The request target the server sees for a path: the base URL's prefix and the path.
    QByteArray targetFor(const QString& pathAndQuery) const;

private:
    QUrl m_base;
    QString m_prefix; // the base URL's path without a trailing slash
    crypto::SecureBuffer m_token;
    QString m_keyId;
    crypto::SecureBuffer m_secret;
    int m_timeoutMs = 30000;
    // Signatures sent in the current second (see send()).
    qint64 m_signedSecond = 0;
    std::set<std::string> m_signedThisSecond;
    QNetworkAccessManager m_nam;
};

} // namespace taskdesk::agent
