#pragma once

#include <QObject>
#include <QString>

namespace taskdesk::ui {

// One user action (Kleopatra's commands, in spirit): start() it, and exactly
// one of succeeded(), failed() or canceled() follows, then finished(). A
// failed command can be started again ("Try again"); subclasses decide what
// that means (ApiCommand repeats the same request under the same
// Idempotency-Key). Views enable the action that makes a command only when
// it applies and while no command of its kind runs for the same item.
class Command : public QObject
{
    Q_OBJECT
public:
    explicit Command(QString title, QObject* parent = nullptr);

    // What the user asked for, as a short phrase ("Post task").
    const QString& title() const { return m_title; }
    bool isRunning() const { return m_running; }
    // The last failure's sentence for the user; empty after success.
    const QString& errorString() const { return m_error; }
    // Whether start() again after a failure makes sense.
    virtual bool canRetry() const { return true; }
    // Set by a form that shows this command's failure itself (inline, beside
    // what the user typed): the main window's banner then stays quiet, so the
    // same error is not shown twice.
    void setFailureShownByCaller(bool shown) { m_failureShownByCaller = shown; }
    bool isFailureShownByCaller() const { return m_failureShownByCaller; }

    void start();
    void cancel();

signals:
    void started();
    void progress(const QString& message);
    void succeeded();
    void failed(const QString& message);
    void canceled();
    void finished();
    void runningChanged(bool running);

protected:
    virtual void doStart() = 0;
    virtual void doCancel() {}
    // Subclasses end the run with exactly one of these.
    void succeed();
    void fail(const QString& message);
    void markCanceled();

private:
    void setRunning(bool running);

    QString m_title;
    QString m_error;
    bool m_running = false;
    bool m_failureShownByCaller = false;
};

} // namespace taskdesk::ui
