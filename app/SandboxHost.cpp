#include "SandboxHost.h"

#include "PlatformServer.h"

#include <QDir>
#include <QJsonDocument>
#include <exception>

SandboxHost::SandboxHost(QString dataDir) : m_dataDir(std::move(dataDir)) {}

SandboxHost::~SandboxHost()
{
    if (m_server)
        m_server->stop();
}

bool SandboxHost::start(QString* error)
{
    if (m_server)
        return true;
    if (!QDir().mkpath(m_dataDir)) {
        *error = QObject::tr("cannot create the folder %1").arg(m_dataDir);
        return false;
    }
    QFile::setPermissions(m_dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    taskdesk::PlatformServerConfig config;
    config.listenHost = "127.0.0.1";
    config.listenPort = 0;
    config.database = QDir(m_dataDir).filePath(QStringLiteral("sandbox.sqlite")).toStdString();
    config.threads = 2;
    config.settings.dataDir = QDir(m_dataDir).filePath(QStringLiteral("files")).toStdString();
    config.settings.allowPrivateWebhooks = true;
    config.jobInterval = std::chrono::seconds(5);
    try {
        auto server = std::make_unique<taskdesk::PlatformServer>(config);
        server->start();
        m_server = std::move(server);
        return true;
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
}

QUrl SandboxHost::baseUrl() const
{
    return m_server ? QUrl(QString::fromStdString(m_server->baseUrl())) : QUrl();
}

QJsonObject SandboxHost::signInOperator(QString* error)
{
    if (!m_server) {
        *error = QObject::tr("the sandbox is not running");
        return {};
    }
    try {
        return QJsonDocument::fromJson(
                   QByteArray::fromStdString(m_server->localOperatorSignIn("TaskDesk local sandbox")))
            .object();
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
        return {};
    }
}
