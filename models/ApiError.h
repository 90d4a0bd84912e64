#pragma once

#include <QList>
#include <QMetaType>
#include <QNetworkReply>
#include <QPair>
#include <QString>
#include <QUrl>

namespace taskdesk::models {

// Why a request failed, in one place: the server's {error, code, fields} for an
// HTTP answer, or the transport's reason when there was none. message() is the
// one sentence the UI shows; the rest is there for decisions (retry, sign in
// again, highlight a field).
class ApiError
{
public:
    enum class Kind
    {
        None,
        Network,  // no HTTP answer: refused, unreachable, reset, TLS, ...
        Timeout,  // no answer within the job's timeout
        Http,     // the server answered with a status >= 400
        BadReply, // a 2xx whose body is not the JSON the call promises
        Aborted,  // the caller called abort()
    };

    ApiError() = default;

    static ApiError fromHttp(int status, const QByteArray& body, const QString& reasonPhrase);
    static ApiError fromNetwork(QNetworkReply::NetworkError error, const QString& detail, const QUrl& server);
    static ApiError timeout(const QUrl& server, int seconds);
    static ApiError badReply(const QString& why);
    static ApiError aborted();

    Kind kind() const { return m_kind; }
    bool isError() const { return m_kind != Kind::None; }
    int httpStatus() const { return m_httpStatus; }
    // The server's machine code (VALIDATION, STATE_CONFLICT, ...), empty when there was none.
    const QString& code() const { return m_code; }
    // The server's own human text, unchanged.
    const QString& serverMessage() const { return m_serverMessage; }
    // Field name -> reason, as the server sent them (400 VALIDATION).
    const QList<QPair<QString, QString>>& fields() const { return m_fields; }
    QString fieldReason(const QString& field) const;
    QNetworkReply::NetworkError networkError() const { return m_networkError; }
    // The server's "retry" hint (true on 429/5xx answers that say so).
    bool serverSaysRetry() const { return m_serverRetry; }
    int attempts() const { return m_attempts; }
    void setAttempts(int attempts) { m_attempts = attempts; }

    // The user-facing sentence: the server's text with every field reason, or
    // what happened on the network and where.
    QString message() const;

private:
    Kind m_kind = Kind::None;
    int m_httpStatus = 0;
    QString m_code;
    QString m_serverMessage;
    QString m_detail;
    QList<QPair<QString, QString>> m_fields;
    QNetworkReply::NetworkError m_networkError = QNetworkReply::NoError;
    bool m_serverRetry = false;
    int m_attempts = 1;
};

} // namespace taskdesk::models

Q_DECLARE_METATYPE(taskdesk::models::ApiError)
