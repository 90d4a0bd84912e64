#pragma once

#include "SecretStore.h"

#include <chrono>

namespace QKeychain {
class Job;
}

namespace taskdesk::models {

// The OS keychain through QtKeychain (Secret Service or KWallet, macOS
// Keychain, Windows Credential Store), service "TaskDesk". Its insecure
// plain-file fallback stays off: no keychain means Status::Unavailable and the
// caller decides (the Session keeps the token in memory only). A keychain that
// does not answer within the timeout (a daemon that never starts) also counts
// as unavailable.
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(QString service = QStringLiteral("TaskDesk"), QObject* parent = nullptr);

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    void readSecret(const QString& key, QObject* context, Callback done) override;
    void writeSecret(const QString& key, const QString& secret, QObject* context, Callback done) override;
    void deleteSecret(const QString& key, QObject* context, Callback done) override;
    QString displayName() const override;

private:
    void run(QKeychain::Job* job, QObject* context, Callback done, bool isRead);

    QString m_service;
    std::chrono::milliseconds m_timeout{15'000};
};

} // namespace taskdesk::models
