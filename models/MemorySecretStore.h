#pragma once

#include "SecretStore.h"

#include <QHash>

namespace taskdesk::models {

// A SecretStore in process memory, for tests and throwaway sessions. It can
// play a machine without a keychain (setAvailable(false)).
class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void setAvailable(bool available) { m_available = available; }
    bool contains(const QString& key) const { return m_secrets.contains(key); }
    int size() const { return static_cast<int>(m_secrets.size()); }

    void readSecret(const QString& key, QObject* context, Callback done) override;
    void writeSecret(const QString& key, const QString& secret, QObject* context, Callback done) override;
    void deleteSecret(const QString& key, QObject* context, Callback done) override;
    QString displayName() const override { return QStringLiteral("memory"); }

private:
    void reply(QObject* context, Callback done, Result result);

    QHash<QString, QString> m_secrets;
    bool m_available = true;
};

} // namespace taskdesk::models
