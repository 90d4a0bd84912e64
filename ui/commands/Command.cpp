#include "Command.h"

#include "UiLogging.h"

namespace taskdesk::ui {

Command::Command(QString title, QObject* parent) : QObject(parent), m_title(std::move(title)) {}

void Command::start()
{
    if (m_running)
        return;
    m_error.clear();
    setRunning(true);
    emit started();
    doStart();
}

void Command::cancel()
{
    if (!m_running)
        return;
    doCancel();
    if (m_running)
        markCanceled();
}

void Command::succeed()
{
    if (!m_running)
        return;
    setRunning(false);
    emit succeeded();
    emit finished();
}

void Command::fail(const QString& message)
{
    if (!m_running)
        return;
    m_error = message;
    qCInfo(lcUiCommands) << m_title << "failed:" << message;
    setRunning(false);
    emit failed(message);
    emit finished();
}

void Command::markCanceled()
{
    if (!m_running)
        return;
    setRunning(false);
    emit canceled();
    emit finished();
}

void Command::setRunning(bool running)
{
    if (m_running == running)
        return;
    m_running = running;
    emit runningChanged(running);
}

} // namespace taskdesk::ui
