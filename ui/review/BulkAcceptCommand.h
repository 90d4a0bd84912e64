#pragma once

#include "ApiError.h"
#include "commands/Command.h"

#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <functional>

namespace taskdesk::models {
class JsonJob;
}

namespace taskdesk::ui {

// Accepts several queue items one after the other. Each success is reported
// as it happens (the view takes the row out); when any failed, the command
// fails with one sentence per failed item naming it and the server's reason,
// so a partial success is never silent. "Try again" repeats only the failed
// items that a retry can help (network trouble, 5xx).
class BulkAcceptCommand : public Command
{
    Q_OBJECT
public:
    // Makes the accept job for one queue item (not started).
    using Factory = std::function<models::JsonJob*(const QJsonObject& item)>;
    struct Failure
    {
        QJsonObject item;
        models::ApiError error;
    };

    BulkAcceptCommand(QList<QJsonObject> items, Factory factory, QObject* parent = nullptr);

    int total() const { return static_cast<int>(m_items.size()); }
    int acceptedCount() const { return m_accepted; }
    const QList<Failure>& failures() const { return m_failures; }
    bool canRetry() const override;
    // "Task title by @handle" for messages.
    static QString describe(const QJsonObject& item);

signals:
    void itemAccepted(const QString& submissionId);

protected:
    void doStart() override;
    void doCancel() override;

private:
    void next();
    void finish();

    QList<QJsonObject> m_items;
    QList<QJsonObject> m_pending;
    Factory m_factory;
    QPointer<models::JsonJob> m_job;
    QList<Failure> m_failures;
    int m_accepted = 0;
    int m_done = 0;
    bool m_canceled = false;
};

} // namespace taskdesk::ui
