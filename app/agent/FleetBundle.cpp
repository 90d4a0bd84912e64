#include "FleetBundle.h"

#include "HandoffBundle.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

namespace taskdesk::agent {

std::optional<FleetMember::Credentials>
FleetBundle::read(const QString& path, const crypto::SecureBuffer& passphrase, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the bundle %1").arg(path);
        return std::nullopt;
    }
    QByteArray content = f.readAll();
    f.close();
    const auto protection = crypto::HandoffBundle::detect(content);
    if (protection == crypto::HandoffBundle::Protection::Sealed) {
        crypto::SecureBuffer::wipe(content);
        *error = QStringLiteral("The bundle %1 is sealed to an agent key: open it with `taskdesk-agent "
                                "bundle-open --keystore DIR --export-env` and run the agent with its token")
                     .arg(path);
        return std::nullopt;
    }
    auto opened = crypto::HandoffBundle::open(content, nullptr, passphrase.isEmpty() ? nullptr : &passphrase);
    crypto::SecureBuffer::wipe(content);
    if (!opened.ok) {
        *error = QStringLiteral("Cannot open the bundle %1: %2%3")
                     .arg(path, opened.error,
                          opened.failure == crypto::HandoffBundle::Failure::NeedsPassphrase
                              ? QStringLiteral(" (set TASKDESK_BUNDLE_PASSPHRASE)")
                              : QString());
        return std::nullopt;
    }
    // Qt's parser keeps its own copies of the strings only until they are moved into
    // secure memory below and wiped.
    const QJsonObject b = QJsonDocument::fromJson(
                              QByteArray::fromRawData(opened.json.constChar(), qsizetype(opened.json.size())))
                              .object();
    QString token = b.value(QStringLiteral("tokenValue")).toString();
    QString secret = b.value(QStringLiteral("apiSecret")).toString();
    FleetMember::Credentials c;
    c.handle = b.value(QStringLiteral("handle")).toString();
    c.apiKeyId = b.value(QStringLiteral("apiKeyId")).toString();
    c.token = crypto::SecureBuffer::fromUtf8(token);
    if (!secret.isEmpty())
        c.apiSecret = crypto::SecureBuffer::fromUtf8(secret);
    crypto::SecureBuffer::wipe(token);
    crypto::SecureBuffer::wipe(secret);
    if (c.token.isEmpty()) {
        *error = QStringLiteral("The bundle %1 holds no token").arg(path);
        return std::nullopt;
    }
    return c;
}

} // namespace taskdesk::agent
