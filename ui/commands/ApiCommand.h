#pragma once

#include "ApiError.h"
#include "Command.h"

#include <QByteArray>
#include <QJsonObject>
#include <QPointer>
#include <functional>

namespace taskdesk::models {
class JsonJob;
}

namespace taskdesk::ui {

// A command that is one API call. The factory makes the job (not started)
// each time the command starts, from what the form holds then. When a run
// fails and the next run makes the very same request (method, URL and body),
// it goes out under the same Idempotency-Key, so a POST that reached the
// server before the connection broke is not done twice. A changed form is a
// new request with a new key.
class ApiCommand : public Command
{
    Q_OBJECT
public:
    using Factory = std::function<models::JsonJob*()>;

    ApiCommand(QString title, Factory factory, QObject* parent = nullptr);

    // The last failure in full (fields to highlight, status, code).
    const models::ApiError& lastError() const { return m_lastError; }
    // The whole answer of the last successful run.
    const QJsonObject& result() const { return m_result; }
    // The key the last POST/PATCH went out with (tests check retries reuse it).
    const QByteArray& idempotencyKey() const { return m_key; }
    bool canRetry() const override;

signals:
    void resultReady(const QJsonObject& json);

protected:
    void doStart() override;
    void doCancel() override;

private:
    Factory m_factory;
    QPointer<models::JsonJob> m_job;
    models::ApiError m_lastError;
    QJsonObject m_result;
    QByteArray m_key;
    QByteArray m_lastRequest; // method, URL and body of the last failed run
};

} // namespace taskdesk::ui
