#pragma once

#include "sandbox/DemoActivity.h"

#include <QByteArray>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QTimer>
#include <chrono>

// Demo activity on a `taskdesk-agent run` process: two simulated publishers and
// three workers at demo pace against the local sandbox, until stopped. The
// program sits next to the console's own; the fleet's state file (its members'
// logins, 0600, kept by the agent) and its random seed live in the sandbox's
// data folder, so the same simulated members come back on every start. The
// agent's stderr goes to the log (taskdesk.app.fleet); the user only hears
// about it when the fleet fails.
class FleetProcess : public taskdesk::ui::DemoActivity
{
    Q_OBJECT
public:
    // dataDir: the sandbox's folder. program: the agent binary (default:
    // defaultProgram()).
    explicit FleetProcess(QString dataDir, QString program = {}, QObject* parent = nullptr);
    // Stops the fleet and waits for it (SIGTERM, then SIGKILL after the timeout).
    ~FleetProcess() override;

    void start(const QUrl& baseUrl) override;
    void stop() override;
    bool isRunning() const override;

    // taskdesk-agent beside the running program.
    static QString defaultProgram();
    const QString& program() const { return m_program; }
    // The agent's process id while one runs, else 0 (tests check it is gone).
    qint64 processId() const;
    // How long stop() waits after SIGTERM before it kills (default 5 s).
    void setStopTimeout(std::chrono::milliseconds timeout) { m_stopTimeout = timeout; }
    // The files in the data folder.
    QString stateFile() const;
    QString seedFile() const;
    // The seed of this sandbox's fleet, made at random the first time.
    quint32 seed(QString* error);
    QStringList arguments(const QUrl& baseUrl, quint32 seed) const;

private:
    void launch(const QUrl& baseUrl);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onError(QProcess::ProcessError error);
    void onStderr();
    void waitForExit();
    QString lastErrorLines() const;

    QString m_dataDir;
    QString m_program;
    QPointer<QProcess> m_process;
    QUrl m_url;
    QUrl m_restartUrl;
    bool m_stopping = false;
    QTimer m_killTimer;
    std::chrono::milliseconds m_stopTimeout{5000};
    QByteArray m_stderrBuffer;
    QStringList m_stderrTail;
    QStringList m_stdoutTail;
};
