#pragma once

#include "Command.h"

#include <QList>
#include <QObject>
#include <QPointer>

namespace taskdesk::ui {

// Runs the commands views hand it and tells the main window about them: busy
// while any runs (the status bar shows the title and progress), and each
// failure with its message (the error banner shows it, with "Try again" when
// the command allows). The runner owns a command it was given without a parent
// and deletes it once it succeeded or was canceled, or once a later failure
// replaces it in the banner.
class CommandRunner : public QObject
{
    Q_OBJECT
public:
    explicit CommandRunner(QObject* parent = nullptr);

    // Starts the command (again, for a retry).
    void run(Command* command);
    bool isBusy() const { return !m_running.isEmpty(); }
    QList<Command*> running() const;
    // The failed command the banner shows, if any.
    Command* lastFailed() const { return m_lastFailed; }
    void retryLastFailed();
    void dismissLastFailed();

signals:
    void busyChanged(bool busy);
    void commandStarted(taskdesk::ui::Command* command);
    void commandProgress(taskdesk::ui::Command* command, const QString& message);
    void commandSucceeded(taskdesk::ui::Command* command);
    // Every end (success, failure, cancel), before the more specific signal.
    void commandFinished(taskdesk::ui::Command* command);
    void commandFailed(taskdesk::ui::Command* command, const QString& message);

private:
    void onFinished(Command* command);

    QList<QPointer<Command>> m_running;
    QPointer<Command> m_lastFailed;
};

} // namespace taskdesk::ui
