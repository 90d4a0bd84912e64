#include "CommandRunner.h"

#include "Command.h"

#include <QVariant>

namespace taskdesk::ui {

CommandRunner::CommandRunner(QObject* parent) : QObject(parent) {}

QList<Command*> CommandRunner::running() const
{
    QList<Command*> out;
    for (const auto& c : m_running)
        if (c)
            out << c.data();
    return out;
}

void CommandRunner::run(Command* command)
{
    if (!command || command->isRunning())
        return;
    if (!command->parent())
        command->setParent(this);
    if (command == m_lastFailed)
        m_lastFailed.clear();
    if (command->property("taskdesk.runner.connected").toBool() == false) {
        command->setProperty("taskdesk.runner.connected", true);
        connect(command, &Command::progress, this,
                [this, command](const QString& message) { emit commandProgress(command, message); });
        connect(command, &Command::finished, this, [this, command] { onFinished(command); });
    }
    const bool wasBusy = isBusy();
    m_running << command;
    emit commandStarted(command);
    if (!wasBusy)
        emit busyChanged(true);
    command->start();
}

void CommandRunner::onFinished(Command* command)
{
    m_running.removeAll(command);
    m_running.removeAll(nullptr);
    emit commandFinished(command);
    if (!command->errorString().isEmpty() && command->isFailureShownByCaller()) {
        // The form that ran it shows the failure; nothing for the banner.
    } else if (!command->errorString().isEmpty()) {
        if (m_lastFailed && m_lastFailed != command && m_lastFailed->parent() == this)
            m_lastFailed->deleteLater();
        m_lastFailed = command;
        emit commandFailed(command, command->errorString());
    } else {
        emit commandSucceeded(command);
        if (command->parent() == this)
            command->deleteLater();
    }
    if (!isBusy())
        emit busyChanged(false);
}

void CommandRunner::retryLastFailed()
{
    if (Command* c = m_lastFailed)
        run(c);
}

void CommandRunner::dismissLastFailed()
{
    if (m_lastFailed && m_lastFailed->parent() == this)
        m_lastFailed->deleteLater();
    m_lastFailed.clear();
}

} // namespace taskdesk::ui
