#include "MemorySecretStore.h"

#include <QTimer>

namespace taskdesk::models {

void MemorySecretStore::reply(QObject* context, Callback done, Result result)
{
    // Asynchronous like a real keychain, so callers cannot come to rely on
    // the answer arriving before the call returns.
    QTimer::singleShot(0, context, [done = std::move(done), result = std::move(result)] { done(result); });
}

void MemorySecretStore::readSecret(const QString& key, QObject* context, Callback done)
{
    Result r;
    if (!m_available) {
        r = {Status::Unavailable, {}, QStringLiteral("No keychain is available")};
    } else if (auto it = m_secrets.constFind(key); it != m_secrets.constEnd()) {
        r = {Status::Ok, *it, {}};
    } else {
        r = {Status::NotFound, {}, QStringLiteral("No secret stored")};
    }
    reply(context, std::move(done), std::move(r));
}

void MemorySecretStore::writeSecret(const QString& key, const QString& secret, QObject* context,
                                    Callback done)
{
    Result r;
    if (!m_available) {
        r = {Status::Unavailable, {}, QStringLiteral("No keychain is available")};
    } else {
        m_secrets.insert(key, secret);
        r = {Status::Ok, {}, {}};
    }
    reply(context, std::move(done), std::move(r));
}

void MemorySecretStore::deleteSecret(const QString& key, QObject* context, Callback done)
{
    Result r;
    if (!m_available)
        r = {Status::Unavailable, {}, QStringLiteral("No keychain is available")};
    else
        r = {m_secrets.remove(key) ? Status::Ok : Status::NotFound, {}, {}};
    reply(context, std::move(done), std::move(r));
}

} // namespace taskdesk::models
