#include "ProtectedOpenCommand.h"

#include "AgentClient.h"
#include "AgentConnection.h"
#include "AgentKeyDir.h"
#include "Base64.h"
#include "Console.h"
#include "ExitCode.h"
#include "GrantSignature.h"
#include "KeyPairs.h"
#include "PayloadCipher.h"
#include "SealedBox.h"
#include "SecretInput.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QJsonArray>
#include <QThread>
#include <QUrl>

namespace taskdesk::agent {

namespace {

QString encoded(const QString& segment)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

std::optional<QByteArray> fromBase64(const QJsonValue& v, std::size_t bytes = 0)
{
    const QByteArray text = v.toString().toLatin1();
    return bytes ? crypto::Base64::decodeExact(text, bytes) : crypto::Base64::decode(text);
}

} // namespace

QString ProtectedOpenCommand::help()
{
    return QStringLiteral(
               "Usage: taskdesk-agent protected-open --server URL --token T --task ID --keystore DIR "
               "[options]\n"
               "\n"
               "Fetches and decrypts a task's protected payload, printing the plaintext JSON on stdout.\n"
               "The agent's X25519 key is created in DIR on first use and registered with the server;\n"
               "access is requested (an existing pending or granted request for that key is reused),\n"
               "the publisher's grant awaited, its signature checked, and the payload decrypted.\n"
               "\n"
               "Options:\n") +
           AgentConnection::optionsHelp() +
           QStringLiteral(
               "  --task ID                    the task (tsk_...)\n"
               "  --keystore DIR               the agent's key directory (created 0700 if missing)\n"
               "  --passphrase-file F          protect the key at rest with this passphrase (or set\n"
               "                               TASKDESK_AGENT_PASSPHRASE); without one the key is stored\n"
               "                               unencrypted in DIR/agent-box.key, mode 0600\n"
               "  --wait SECONDS               how long to wait for the grant (default 60)\n"
               "  --poll-interval MS           how often to look for the grant (default 1000)\n"
               "  --publisher-key B64          the publisher's Ed25519 public key, learnt out of band:\n"
               "                               the grant must be signed by exactly this key\n"
               "  --require-signature          refuse a grant the publisher did not sign\n"
               "\n"
               "Exit codes: 0 ok, 1 usage, 2 server or network error, 3 access denied or revoked,\n"
               "4 the publisher's signature does not verify, 5 no grant within --wait,\n"
               "6 key directory or passphrase problem, 7 the sealed key or payload does not open.\n");
}

int ProtectedOpenCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    AgentConnection::addOptions(parser);
    parser.addOption({QStringLiteral("task"), QString(), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("keystore"), QString(), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("passphrase-file"), QString(), QStringLiteral("F")});
    parser.addOption({QStringLiteral("wait"), QString(), QStringLiteral("SECONDS"), QStringLiteral("60")});
    parser.addOption(
        {QStringLiteral("poll-interval"), QString(), QStringLiteral("MS"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("publisher-key"), QString(), QStringLiteral("B64")});
    parser.addOption({QStringLiteral("require-signature"), QString()});
    parser.addOption({{QStringLiteral("h"), QStringLiteral("help")}, QString()});
    if (!parser.parse(arguments)) {
        Console::message(parser.errorText() + QStringLiteral(" (see protected-open --help)"));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        Console::out(help().toUtf8());
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty()) {
        Console::message(QStringLiteral("Unexpected argument %1 (see protected-open --help)")
                             .arg(parser.positionalArguments().constFirst()));
        return ExitUsage;
    }
    m_taskId = parser.value(QStringLiteral("task"));
    if (!m_taskId.startsWith(QLatin1String("tsk_"))) {
        Console::message(QStringLiteral("--task must name a task id (tsk_...)"));
        return ExitUsage;
    }
    const QString dir = parser.value(QStringLiteral("keystore"));
    if (dir.isEmpty()) {
        Console::message(QStringLiteral("--keystore DIR is required (the agent's key lives there)"));
        return ExitUsage;
    }
    bool ok = false;
    m_waitSeconds = parser.value(QStringLiteral("wait")).toInt(&ok);
    if (!ok || m_waitSeconds < 0 || m_waitSeconds > 86400) {
        Console::message(QStringLiteral("--wait must be a number of seconds from 0 to 86400"));
        return ExitUsage;
    }
    m_pollMs = parser.value(QStringLiteral("poll-interval")).toInt(&ok);
    if (!ok || m_pollMs < 50 || m_pollMs > 60000) {
        Console::message(QStringLiteral("--poll-interval must be from 50 to 60000 milliseconds"));
        return ExitUsage;
    }
    m_pinnedPublisherKey = parser.value(QStringLiteral("publisher-key"));
    if (!m_pinnedPublisherKey.isEmpty() &&
        !crypto::Base64::decodeExact(m_pinnedPublisherKey.toLatin1(), 32)) {
        Console::message(QStringLiteral("--publisher-key must be a 32-byte Ed25519 public key in base64"));
        return ExitUsage;
    }
    m_requireSignature = parser.isSet(QStringLiteral("require-signature"));

    QString error;
    auto client = AgentConnection::fromParser(parser, &error);
    if (!client) {
        Console::message(error);
        return ExitUsage;
    }

    std::optional<crypto::SecureBuffer> passphrase;
    if (parser.isSet(QStringLiteral("passphrase-file"))) {
        passphrase = SecretInput::fromFile(parser.value(QStringLiteral("passphrase-file")), &error);
        if (!passphrase) {
            Console::message(error);
            return ExitLocalKeys;
        }
    } else if (auto env = SecretInput::fromEnvironment("TASKDESK_AGENT_PASSPHRASE"); !env.isEmpty()) {
        passphrase = std::move(env);
    }
    AgentKeyDir keys(dir);
    if (keys.open(passphrase ? &*passphrase : nullptr, true, &error) != AgentKeyDir::Status::Ok) {
        Console::message(error);
        return ExitLocalKeys;
    }
    passphrase.reset(); // wiped: the key pair is all that is needed from here on
    if (keys.created())
        Console::message(
            keys.protectedAtRest()
                ? QStringLiteral("Created a new agent key in %1").arg(keys.keystorePath())
                : QStringLiteral("Created a new agent key in %1, stored UNENCRYPTED (mode 0600): give "
                                 "--passphrase-file or TASKDESK_AGENT_PASSPHRASE to protect it")
                      .arg(keys.plainPath()));
    return execute(*client, keys);
}

int ProtectedOpenCommand::execute(AgentClient& client, AgentKeyDir& keys)
{
    const QString publicKey = QString::fromLatin1(keys.publicKeyBase64());
    // The publisher seals to the key the server reports; this is what it compares.
    Console::message(QStringLiteral("Agent key fingerprint: %1")
                         .arg(crypto::keyFingerprint(
                             crypto::Base64::decode(keys.publicKeyBase64()).value_or(QByteArray()))));

    // 1. The key, registered once per server (found again by its public key).
    QString keyId;
    auto r = client.get(QStringLiteral("/api/agent/me/keys"));
    if (!r.ok()) {
        Console::message(QStringLiteral("Cannot list this profile's keys: %1").arg(r.describe()));
        return ExitServer;
    }
    for (const auto& k : r.json.value(QStringLiteral("keys")).toArray()) {
        const auto o = k.toObject();
        if (o.value(QStringLiteral("publicKey")).toString() == publicKey &&
            o.value(QStringLiteral("purpose")).toString() == QLatin1String("encryption"))
            keyId = o.value(QStringLiteral("id")).toString();
    }
    if (keyId.isEmpty()) {
        r = client.post(QStringLiteral("/api/agent/me/keys"),
                        {{QStringLiteral("label"), QStringLiteral("taskdesk-agent")},
                         {QStringLiteral("purpose"), QStringLiteral("encryption")},
                         {QStringLiteral("algorithm"), QStringLiteral("x25519")},
                         {QStringLiteral("publicKey"), publicKey}});
        if (!r.ok()) {
            Console::message(QStringLiteral("Cannot register the agent key: %1").arg(r.describe()));
            return ExitServer;
        }
        keyId = r.json.value(QStringLiteral("key")).toObject().value(QStringLiteral("id")).toString();
        Console::message(QStringLiteral("Registered the agent key as %1").arg(keyId));
    }

    // 2. A request for this key: reuse a pending or granted one, else ask.
    const QString base = QStringLiteral("/api/agent/tasks/%1/protected-access").arg(encoded(m_taskId));
    QString requestId;
    r = client.get(base + QStringLiteral("?limit=100"));
    if (!r.ok()) {
        Console::message(
            QStringLiteral("Cannot read the access requests of %1: %2").arg(m_taskId, r.describe()));
        return ExitServer;
    }
    for (const auto& v : r.json.value(QStringLiteral("requests")).toArray()) {
        const auto o = v.toObject();
        const QString status = o.value(QStringLiteral("status")).toString();
        if (o.value(QStringLiteral("keyId")).toString() == keyId &&
            (status == QLatin1String("pending") || status == QLatin1String("granted"))) {
            requestId = o.value(QStringLiteral("id")).toString();
            break; // newest first
        }
    }
    if (requestId.isEmpty()) {
        r = client.post(base, {{QStringLiteral("keyId"), keyId}});
        if (!r.ok()) {
            Console::message(QStringLiteral("Cannot request access to %1: %2").arg(m_taskId, r.describe()));
            return ExitServer;
        }
        requestId = r.json.value(QStringLiteral("request")).toObject().value(QStringLiteral("id")).toString();
        Console::message(QStringLiteral("Requested access (%1); waiting up to %2 s for the publisher")
                             .arg(requestId)
                             .arg(m_waitSeconds));
    } else {
        Console::message(QStringLiteral("Using the existing access request %1").arg(requestId));
    }

    // 3. Wait for the decision.
    QDeadlineTimer deadline(qint64(m_waitSeconds) * 1000);
    for (;;) {
        r = client.get(base + QStringLiteral("?limit=100"));
        if (!r.ok()) {
            Console::message(QStringLiteral("Cannot read the access request: %1").arg(r.describe()));
            return ExitServer;
        }
        QJsonObject mine;
        for (const auto& v : r.json.value(QStringLiteral("requests")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toString() == requestId)
                mine = v.toObject();
        const QString status = mine.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("granted"))
            break;
        if (status == QLatin1String("denied") || status == QLatin1String("revoked")) {
            const QString reason = mine.value(QStringLiteral("reason")).toString();
            Console::message(QStringLiteral("The publisher %1 access%2")
                                 .arg(status, reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
            return ExitDenied;
        }
        if (status != QLatin1String("pending")) {
            Console::message(QStringLiteral("The access request %1 is gone from the server").arg(requestId));
            return ExitServer;
        }
        if (deadline.hasExpired()) {
            Console::message(
                QStringLiteral("No decision within %1 s; the request %2 stays pending (run again to "
                               "keep waiting)")
                    .arg(m_waitSeconds)
                    .arg(requestId));
            return ExitTimedOut;
        }
        QThread::msleep(std::min<qint64>(m_pollMs, std::max<qint64>(deadline.remainingTime(), 1)));
    }

    // 4. The bundle, and the checks before anything is trusted.
    r = client.get(QStringLiteral("/api/agent/tasks/%1/protected-bundle").arg(encoded(m_taskId)));
    if (!r.ok()) {
        Console::message(QStringLiteral("Cannot fetch the protected bundle: %1").arg(r.describe()));
        return r.status == 403 ? ExitDenied : ExitServer;
    }
    const QJsonObject b = r.json.value(QStringLiteral("bundle")).toObject();
    if (b.value(QStringLiteral("alg")).toString() != QLatin1String(crypto::PayloadCipher::kAlgorithm)) {
        Console::message(QStringLiteral("The payload uses %1, which this agent does not know")
                             .arg(b.value(QStringLiteral("alg")).toString()));
        return ExitCannotDecrypt;
    }
    if (b.value(QStringLiteral("publicKey")).toString() != publicKey) {
        Console::message(QStringLiteral("The grant was sealed to another key than this agent's (%1)")
                             .arg(b.value(QStringLiteral("keyId")).toString()));
        return ExitCannotDecrypt;
    }
    const auto ciphertext = fromBase64(b.value(QStringLiteral("ciphertext")));
    const auto nonce = fromBase64(b.value(QStringLiteral("nonce")), crypto::PayloadCipher::kNonceBytes);
    const auto sealedKey = fromBase64(b.value(QStringLiteral("sealedKey")));
    if (!ciphertext || !nonce || !sealedKey) {
        Console::message(QStringLiteral("The bundle is malformed (ciphertext, nonce or sealed key)"));
        return ExitCannotDecrypt;
    }
    const QJsonValue publisherKey = b.value(QStringLiteral("publisherSigningKey"));
    const QJsonValue signature = b.value(QStringLiteral("signature"));
    if (!m_pinnedPublisherKey.isEmpty() && publisherKey.toString() != m_pinnedPublisherKey) {
        Console::message(QStringLiteral("REFUSED: the grant is not signed with the publisher key given by "
                                        "--publisher-key"));
        return ExitBadSignature;
    }
    if (publisherKey.isString()) {
        const auto pub = fromBase64(publisherKey, 32);
        const auto sig = fromBase64(signature, 64);
        if (!pub || !sig || !crypto::GrantSignature::verify(*pub, m_taskId, *ciphertext, *sealedKey, *sig)) {
            Console::message(
                QStringLiteral("REFUSED: the publisher's signature over this grant does not verify; "
                               "the payload was not opened"));
            return ExitBadSignature;
        }
    } else if (m_requireSignature) {
        Console::message(
            QStringLiteral("REFUSED: the publisher did not sign this grant (--require-signature)"));
        return ExitBadSignature;
    } else {
        Console::message(
            QStringLiteral("Warning: the publisher has no signing key, so nothing proves who sealed "
                           "this payload key"));
    }

    // 5. Open and decrypt. The payload key and the plaintext stay in secure memory.
    const auto payloadKey = crypto::SealedBox::open(*sealedKey, keys.keyPair());
    if (!payloadKey) {
        Console::message(QStringLiteral("The sealed payload key does not open with this agent's key"));
        return ExitCannotDecrypt;
    }
    const auto plaintext = crypto::PayloadCipher::decrypt(*payloadKey, *nonce, *ciphertext);
    if (!plaintext) {
        Console::message(
            QStringLiteral("The payload does not decrypt with the granted key (altered or wrong key)"));
        return ExitCannotDecrypt;
    }
    Console::out(plaintext->view());
    Console::out("\n");
    return ExitOk;
}

} // namespace taskdesk::agent
