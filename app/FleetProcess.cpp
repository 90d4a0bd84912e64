#include "FleetProcess.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>
#include <utility>
#ifdef Q_OS_LINUX
#include <csignal>
#include <sys/prctl.h>
#endif

Q_LOGGING_CATEGORY(lcFleet, "taskdesk.app.fleet", QtInfoMsg)

namespace {
constexpr int kTailLines = 20;

// The agent should never print a token, but its lines go to a log file the
// user may share: a bearer token that slipped through is cut to its prefix.
QString redacted(QString line)
{
    static const QRegularExpression token(QStringLiteral("td_[A-Za-z0-9_\\-]{6,}"));
    return line.replace(token, QStringLiteral("td_[redacted]"));
}

void keepTail(QStringList& tail, const QString& line)
{
    tail << line;
    while (tail.size() > kTailLines)
        tail.removeFirst();
}
} // namespace

FleetProcess::FleetProcess(QString dataDir, QString program, QObject* parent)
    : DemoActivity(parent), m_dataDir(std::move(dataDir)),
      m_program(program.isEmpty() ? defaultProgram() : std::move(program))
{
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            qCWarning(lcFleet) << "the fleet did not stop within" << m_stopTimeout.count()
                               << "ms; killing it";
            m_process->kill();
        }
    });
}

FleetProcess::~FleetProcess()
{
    m_restartUrl = {};
    if (!m_process)
        return;
    // Nobody to tell any more: just make sure no agent outlives the console.
    disconnect(m_process, nullptr, this, nullptr);
    waitForExit();
    delete m_process;
}

QString FleetProcess::defaultProgram()
{
    return QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("taskdesk-agent"));
}

QString FleetProcess::stateFile() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("demo-fleet-state.json"));
}

QString FleetProcess::seedFile() const
{
    return QDir(m_dataDir).filePath(QStringLiteral("demo-fleet-seed"));
}

qint64 FleetProcess::processId() const
{
    return m_process ? m_process->processId() : 0;
}

bool FleetProcess::isRunning() const
{
    return m_process && !m_stopping;
}

quint32 FleetProcess::seed(QString* error)
{
    QFile in(seedFile());
    if (in.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const quint32 value = QString::fromLatin1(in.readAll()).trimmed().toUInt(&ok);
        if (ok)
            return value;
    }
    // A fresh sandbox gets its own cast of simulated members; the same seed
    // keeps them (and their pace) the same from one start to the next.
    const quint32 value = QRandomGenerator::system()->generate() & 0x7fffffff;
    QSaveFile out(seedFile());
    if (!out.open(QIODevice::WriteOnly) || out.write(QByteArray::number(value) + '\n') < 0 || !out.commit()) {
        *error = tr("cannot write %1: %2").arg(seedFile(), out.errorString());
        return 0;
    }
    return value;
}

QStringList FleetProcess::arguments(const QUrl& baseUrl, quint32 seed) const
{
    return {QStringLiteral("run"),
            QStringLiteral("--server"),
            baseUrl.toString(QUrl::StripTrailingSlash),
            QStringLiteral("--publishers"),
            QStringLiteral("2"),
            QStringLiteral("--workers"),
            QStringLiteral("3"),
            QStringLiteral("--duration"),
            QStringLiteral("0"),
            QStringLiteral("--seed"),
            QString::number(seed),
            QStringLiteral("--pace"),
            QStringLiteral("demo"),
            QStringLiteral("--state"),
            stateFile()};
}

void FleetProcess::start(const QUrl& baseUrl)
{
    if (m_process) {
        if (!m_stopping && baseUrl == m_url)
            return;
        // Still stopping, or the sandbox moved: the new run starts once the old one is gone.
        m_restartUrl = baseUrl;
        stop();
        return;
    }
    launch(baseUrl);
}

void FleetProcess::launch(const QUrl& baseUrl)
{
    const auto fail = [this](const QString& message) {
        qCWarning(lcFleet).noquote() << message;
        // Queued: the caller finishes what it was doing before hearing of it.
        QMetaObject::invokeMethod(
            this, [this, message] { emit failed(message); }, Qt::QueuedConnection);
    };
    const QFileInfo info(m_program);
    if (!info.exists()) {
        fail(tr("Demo activity needs the taskdesk-agent program, which should be at %1 but is not there. "
                "Reinstall TaskDesk (or build its taskdesk-agent target), then turn Demo activity on again.")
                 .arg(QDir::toNativeSeparators(m_program)));
        return;
    }
    if (!info.isExecutable()) {
        fail(tr("Demo activity cannot run %1: the file is not a program this system may start. "
                "Reinstall TaskDesk, then turn Demo activity on again.")
                 .arg(QDir::toNativeSeparators(m_program)));
        return;
    }
    QString error;
    if (!QDir().mkpath(m_dataDir)) {
        fail(tr("Demo activity cannot create its folder %1. Check the disk and its permissions, then "
                "turn Demo activity on again.")
                 .arg(QDir::toNativeSeparators(m_dataDir)));
        return;
    }
    const quint32 fleetSeed = seed(&error);
    if (!error.isEmpty()) {
        fail(tr("Demo activity cannot keep its settings in the sandbox folder (%1). Check the disk and "
                "its permissions, then turn Demo activity on again.")
                 .arg(error));
        return;
    }

    auto* process = new QProcess(this);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The fleet signs its own members in (from its state file); it must never
    // pick up a credential meant for another agent run from this shell.
    for (const char* name :
         {"TASKDESK_AGENT_TOKEN", "TASKDESK_AGENT_PASSPHRASE", "TASKDESK_BUNDLE_PASSPHRASE"})
        env.remove(QString::fromLatin1(name));
    process->setProcessEnvironment(env);
#ifdef Q_OS_LINUX
    // Should the console die without running its destructors (a crash, a
    // SIGKILL), the kernel sends the fleet SIGTERM: no agent outlives it.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    process->setWorkingDirectory(m_dataDir);
    process->setProgram(m_program);
    process->setArguments(arguments(baseUrl, fleetSeed));
    connect(process, &QProcess::started, this, [this] {
        qCInfo(lcFleet) << "fleet started, pid" << processId() << "against" << m_url.toString();
        emit started();
    });
    connect(process, &QProcess::finished, this, &FleetProcess::onFinished);
    connect(process, &QProcess::errorOccurred, this, &FleetProcess::onError);
    connect(process, &QProcess::readyReadStandardError, this, &FleetProcess::onStderr);
    connect(process, &QProcess::readyReadStandardOutput, this, [this] {
        // The running tally and the final summary: kept for the log when it ends.
        while (m_process && m_process->canReadLine())
            keepTail(m_stdoutTail, redacted(QString::fromUtf8(m_process->readLine()).trimmed()));
    });
    m_process = process;
    m_url = baseUrl;
    m_stopping = false;
    m_stderrTail.clear();
    m_stdoutTail.clear();
    m_stderrBuffer.clear();
    qCInfo(lcFleet).noquote() << "starting" << m_program << process->arguments().join(QLatin1Char(' '));
    process->start();
}

void FleetProcess::stop()
{
    m_restartUrl = {};
    if (!m_process || m_stopping)
        return;
    m_stopping = true;
    // SIGTERM: the agent finishes what it is doing, prints its summary and exits.
    if (m_process->state() == QProcess::Starting)
        m_process->kill();
    else
        m_process->terminate();
    m_killTimer.start(m_stopTimeout);
}

void FleetProcess::waitForExit()
{
    if (m_process->state() == QProcess::NotRunning)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(int(m_stopTimeout.count()))) {
        m_process->kill();
        m_process->waitForFinished(2000);
    }
}

void FleetProcess::onStderr()
{
    if (!m_process)
        return;
    m_stderrBuffer += m_process->readAllStandardError();
    qsizetype newline;
    while ((newline = m_stderrBuffer.indexOf('\n')) >= 0) {
        const QString line = redacted(QString::fromUtf8(m_stderrBuffer.left(newline)).trimmed());
        m_stderrBuffer.remove(0, newline + 1);
        if (line.isEmpty())
            continue;
        qCInfo(lcFleet).noquote() << line;
        keepTail(m_stderrTail, line);
    }
}

QString FleetProcess::lastErrorLines() const
{
    return m_stderrTail.mid(qMax(0, int(m_stderrTail.size()) - 2)).join(QLatin1Char(' '));
}

void FleetProcess::onFinished(int exitCode, QProcess::ExitStatus status)
{
    m_killTimer.stop();
    onStderr();
    if (!m_stderrBuffer.trimmed().isEmpty())
        keepTail(m_stderrTail, redacted(QString::fromUtf8(std::exchange(m_stderrBuffer, {})).trimmed()));
    QProcess* process = std::exchange(m_process, nullptr);
    const QByteArray rest = process->readAllStandardOutput();
    for (const QByteArray& line : rest.split('\n'))
        if (!line.trimmed().isEmpty())
            keepTail(m_stdoutTail, redacted(QString::fromUtf8(line).trimmed()));
    process->deleteLater();
    const QString summary = m_stdoutTail.join(QLatin1Char('\n'));
    if (std::exchange(m_stopping, false)) {
        if (status != QProcess::NormalExit || exitCode != 0)
            qCWarning(lcFleet) << "the fleet stopped with"
                               << (status == QProcess::NormalExit ? "exit code" : "signal") << exitCode;
        qCInfo(lcFleet).noquote() << "fleet stopped;" << summary;
        emit stopped(summary);
        if (m_restartUrl.isValid())
            launch(std::exchange(m_restartUrl, {}));
        return;
    }
    qCWarning(lcFleet) << "the fleet ended by itself:"
                       << (status == QProcess::NormalExit ? "exit code" : "crash") << exitCode;
    const QString said = lastErrorLines();
    const QString how = status == QProcess::NormalExit ? tr("exit code %1").arg(exitCode) : tr("it crashed");
    emit failed(
        tr("The simulated agents stopped on their own (%1)%2. Turn Demo activity on again; if it keeps "
           "stopping, the console's log (taskdesk.app.fleet) says why.")
            .arg(how, said.isEmpty() ? QString() : tr(": \"%1\"").arg(said)));
}

void FleetProcess::onError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || !m_process)
        return; // a crash also ends in finished(), which reports it
    const QString why = m_process->errorString();
    qCWarning(lcFleet).noquote() << "cannot start" << m_program << ":" << why;
    m_killTimer.stop();
    std::exchange(m_process, nullptr)->deleteLater();
    const bool stopping = std::exchange(m_stopping, false);
    if (stopping)
        return;
    emit failed(tr("Demo activity could not start %1 (%2). Check that the file can be run, or reinstall "
                   "TaskDesk, then turn Demo activity on again.")
                    .arg(QDir::toNativeSeparators(m_program), why));
}
