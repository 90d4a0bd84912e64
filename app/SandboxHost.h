#pragma once

#include "LocalSandbox.h"

#include <QString>
#include <memory>

namespace taskdesk {
class PlatformServer;
}

// The local sandbox on PlatformServer: SQLite in the user's data folder, on
// 127.0.0.1 and a free port, webhooks to local receivers allowed.
class SandboxHost : public taskdesk::ui::LocalSandbox
{
public:
    explicit SandboxHost(QString dataDir);
    ~SandboxHost() override;

    bool start(QString* error) override;
    QUrl baseUrl() const override;
    QString location() const override { return m_dataDir; }
    QJsonObject signInOperator(QString* error) override;

private:
    QString m_dataDir;
    std::unique_ptr<taskdesk::PlatformServer> m_server;
};
