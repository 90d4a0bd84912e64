#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <chrono>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace taskdesk::models {

// One object per logical API call (Nextcloud's AbstractNetworkJob, in spirit):
// it owns the QNetworkReply of the current attempt, a timeout that restarts on
// progress, retry with backoff and one error. Exactly one of finished() and
// failed() is emitted, once; with autoDelete (the default) the job then deletes
// itself later.
//
// Retries happen on network failures, timeouts, 5xx and 429 (Retry-After
// honoured, capped) and on 409 IDEMPOTENCY_IN_PROGRESS, but only where a
// repeat is harmless: GET/HEAD/PUT/DELETE, or POST/PATCH carrying an
// Idempotency-Key. POST/PATCH jobs get a fresh UUID key when they are made and
// send that same key on every attempt, so the server does the action once.
class ApiJob : public QObject
{
    Q_OBJECT
public:
    using TokenProvider = std::function<QString()>;

    struct RetryPolicy
    {
        int maxAttempts = 4;                        // including the first
        std::chrono::milliseconds baseDelay{500};   // doubled per attempt, with jitter
        std::chrono::milliseconds maxDelay{30'000}; // cap, also for Retry-After
    };

    ApiJob(QNetworkAccessManager* nam, QByteArray method, QUrl url, QObject* parent = nullptr);
    ~ApiJob() override;

    void setJsonBody(const QJsonObject& body);
    void setBody(const QByteArray& body, const QByteArray& contentType);
    void setTokenProvider(TokenProvider provider) { m_tokenProvider = std::move(provider); }
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    std::chrono::milliseconds timeout() const { return m_timeout; }
    void setRetryPolicy(const RetryPolicy& policy) { m_retry = policy; }
    const RetryPolicy& retryPolicy() const { return m_retry; }
    // Reuse the key of an earlier job to repeat the same logical action (the
    // user pressed "Try again"); an empty key turns retries of POST/PATCH off.
    void setIdempotencyKey(const QByteArray& key) { m_idempotencyKey = key; }
    const QByteArray& idempotencyKey() const { return m_idempotencyKey; }
    void setAutoDelete(bool autoDelete) { m_autoDelete = autoDelete; }

    const QByteArray& method() const { return m_method; }
    const QUrl& url() const { return m_url; }
    const QByteArray& body() const { return m_body; }
    // Whether a failed attempt may be repeated (see the class comment).
    bool isRepeatable() const;
    static bool isIdempotentMethod(const QByteArray& method);

    bool isRunning() const { return m_running; }
    bool isDone() const { return m_done; }
    int attempts() const { return m_attempt; }
    int httpStatus() const { return m_httpStatus; }
    // The server answered from its idempotency store (Idempotent-Replayed).
    bool wasReplayed() const { return m_replayed; }
    const ApiError& error() const { return m_error; }

    void start();
    // Cancels the call; emits failed() with Kind::Aborted unless already done.
    void abort();

signals:
    void finished();
    void failed(const taskdesk::models::ApiError& error);
    void retrying(int nextAttempt, int delayMs, const taskdesk::models::ApiError& lastError);

protected:
    // Handles a 2xx body: parse, store, emit the typed result. Returns an error
    // (usually ApiError::badReply) to fail the job instead.
    virtual ApiError processReply(const QByteArray& body) = 0;

private:
    void sendAttempt();
    void onReplyFinished();
    void onTimeout();
    void restartTimeout();
    bool shouldRetry(const ApiError& error) const;
    int retryDelayMs(int retryAfterSeconds) const;
    void succeed();
    void fail(ApiError error);
    QString logPath() const;

    QNetworkAccessManager* m_nam;
    QByteArray m_method;
    QUrl m_url;
    QByteArray m_body;
    QByteArray m_contentType;
    QByteArray m_idempotencyKey;
    TokenProvider m_tokenProvider;
    std::chrono::milliseconds m_timeout{30'000};
    RetryPolicy m_retry;
    bool m_autoDelete = true;

    QPointer<QNetworkReply> m_reply;
    QTimer m_timeoutTimer;
    QTimer m_retryTimer;
    QElapsedTimer m_elapsed;
    bool m_running = false;
    bool m_done = false;
    bool m_timedOut = false;
    bool m_replayed = false;
    int m_attempt = 0;
    int m_httpStatus = 0;
    ApiError m_error;
};

} // namespace taskdesk::models
