#include "BundleOpenCommand.h"

#include "AgentKeyDir.h"
#include "Console.h"
#include "ExitCode.h"
#include "HandoffBundle.h"
#include "SecretInput.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace taskdesk::agent {

namespace {

QString shellQuoted(const QString& value)
{
    QString v = value;
    v.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + v + QLatin1Char('\'');
}

QString text(const QJsonValue& v, const QString& absent = QStringLiteral("-"))
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'f', 2);
    if (v.isObject()) {
        const auto o = v.toObject();
        const QString handle = o.value(QStringLiteral("handle")).toString();
        const QString id = o.value(QStringLiteral("id")).toString();
        return handle.isEmpty() ? (id.isEmpty() ? absent : id)
                                : QStringLiteral("@") + handle + QStringLiteral(" (") + id + QLatin1Char(')');
    }
    return absent;
}

QString protectionName(crypto::HandoffBundle::Protection p)
{
    switch (p) {
    case crypto::HandoffBundle::Protection::Plain:
        return QStringLiteral("plain (unprotected file)");
    case crypto::HandoffBundle::Protection::Sealed:
        return QStringLiteral("sealed to the agent key");
    case crypto::HandoffBundle::Protection::Passphrase:
        return QStringLiteral("passphrase");
    case crypto::HandoffBundle::Protection::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace

QString BundleOpenCommand::help()
{
    return QStringLiteral(
        "Usage: taskdesk-agent bundle-open FILE [--keystore DIR | --passphrase-file F] [options]\n"
        "\n"
        "Opens a delegation handoff bundle and prints what it grants: profile, handle, baseUrl,\n"
        "scopes, spendLimit, expiresAt. The token and API secret are not printed unless asked.\n"
        "\n"
        "Options:\n"
        "  --keystore DIR               a bundle sealed to this agent: the key in DIR opens it\n"
        "  --keystore-passphrase-file F the passphrase of DIR's keystore (or TASKDESK_AGENT_PASSPHRASE)\n"
        "  --passphrase-file F          a passphrase-protected bundle's passphrase (or\n"
        "                               TASKDESK_BUNDLE_PASSPHRASE)\n"
        "  --show-secrets               also print the token and the API secret\n"
        "  --export-env                 print shell lines instead: export TD_BASE_URL=... TD_TOKEN=...\n"
        "                               (and TD_API_KEY, TD_API_SECRET when the bundle has a key pair)\n"
        "\n"
        "Exit codes: 0 ok, 1 usage, 6 key directory or passphrase problem (wrong passphrase,\n"
        "missing key), 7 not a bundle, damaged, or sealed to another key.\n");
}

int BundleOpenCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("file"), QString());
    parser.addOption({QStringLiteral("keystore"), QString(), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("keystore-passphrase-file"), QString(), QStringLiteral("F")});
    parser.addOption({QStringLiteral("passphrase-file"), QString(), QStringLiteral("F")});
    parser.addOption({QStringLiteral("show-secrets"), QString()});
    parser.addOption({QStringLiteral("export-env"), QString()});
    parser.addOption({{QStringLiteral("h"), QStringLiteral("help")}, QString()});
    if (!parser.parse(arguments)) {
        Console::message(parser.errorText() + QStringLiteral(" (see bundle-open --help)"));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        Console::out(help().toUtf8());
        return ExitOk;
    }
    if (parser.positionalArguments().size() != 1) {
        Console::message(QStringLiteral("bundle-open takes one FILE (see bundle-open --help)"));
        return ExitUsage;
    }
    const QString path = parser.positionalArguments().constFirst();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        Console::message(QStringLiteral("Cannot read %1").arg(path));
        return ExitUsage;
    }
    QByteArray content = f.readAll();
    f.close();

    QString error;
    const auto protection = crypto::HandoffBundle::detect(content);
    std::optional<AgentKeyDir> keys;
    crypto::SecureBuffer passphrase;
    if (protection == crypto::HandoffBundle::Protection::Sealed && parser.isSet(QStringLiteral("keystore"))) {
        std::optional<crypto::SecureBuffer> storePass;
        if (parser.isSet(QStringLiteral("keystore-passphrase-file"))) {
            storePass =
                SecretInput::fromFile(parser.value(QStringLiteral("keystore-passphrase-file")), &error);
            if (!storePass) {
                Console::message(error);
                return ExitLocalKeys;
            }
        } else if (auto env = SecretInput::fromEnvironment("TASKDESK_AGENT_PASSPHRASE"); !env.isEmpty()) {
            storePass = std::move(env);
        }
        keys.emplace(parser.value(QStringLiteral("keystore")));
        if (keys->open(storePass ? &*storePass : nullptr, false, &error) != AgentKeyDir::Status::Ok) {
            Console::message(error);
            return ExitLocalKeys;
        }
    }
    if (protection == crypto::HandoffBundle::Protection::Passphrase) {
        if (parser.isSet(QStringLiteral("passphrase-file"))) {
            auto p = SecretInput::fromFile(parser.value(QStringLiteral("passphrase-file")), &error);
            if (!p) {
                Console::message(error);
                return ExitLocalKeys;
            }
            passphrase = std::move(*p);
        } else {
            passphrase = SecretInput::fromEnvironment("TASKDESK_BUNDLE_PASSPHRASE");
        }
    }

    auto opened = crypto::HandoffBundle::open(content, keys ? &keys->keyPair() : nullptr,
                                              passphrase.isEmpty() ? nullptr : &passphrase);
    crypto::SecureBuffer::wipe(content);
    passphrase = {};
    if (!opened.ok) {
        using F = crypto::HandoffBundle::Failure;
        QString hint;
        if (opened.failure == F::NeedsKey)
            hint = QStringLiteral(" (give --keystore DIR with the agent key it was sealed to)");
        else if (opened.failure == F::NeedsPassphrase)
            hint = QStringLiteral(" (give --passphrase-file F or TASKDESK_BUNDLE_PASSPHRASE)");
        Console::message(QStringLiteral("Cannot open %1: %2%3").arg(path, opened.error, hint));
        const bool keyProblem = opened.failure == F::NeedsKey || opened.failure == F::NeedsPassphrase ||
                                opened.failure == F::WrongPassphrase;
        return keyProblem ? ExitLocalKeys : ExitCannotDecrypt;
    }

    // Qt's JSON parser keeps its own copies of the strings; they live only until this
    // function returns. The values printed on request are wiped after use.
    const QJsonObject b = QJsonDocument::fromJson(
                              QByteArray::fromRawData(opened.json.constChar(), qsizetype(opened.json.size())))
                              .object();
    QString token = b.value(QStringLiteral("tokenValue")).toString();
    QString secret = b.value(QStringLiteral("apiSecret")).toString();
    const QString baseUrl = b.value(QStringLiteral("baseUrl")).toString();
    const QString apiKeyId = b.value(QStringLiteral("apiKeyId")).toString();

    if (parser.isSet(QStringLiteral("export-env"))) {
        Console::outLine(QStringLiteral("export TD_BASE_URL=") + shellQuoted(baseUrl));
        Console::outLine(QStringLiteral("export TD_TOKEN=") + shellQuoted(token));
        if (!apiKeyId.isEmpty() && !secret.isEmpty()) {
            Console::outLine(QStringLiteral("export TD_API_KEY=") + shellQuoted(apiKeyId));
            Console::outLine(QStringLiteral("export TD_API_SECRET=") + shellQuoted(secret));
        }
    } else {
        QStringList scopes;
        for (const auto& s : b.value(QStringLiteral("scopes")).toArray())
            scopes << s.toString();
        Console::outLine(QStringLiteral("protection: ") + protectionName(opened.protection));
        Console::outLine(QStringLiteral("profile: ") + text(b.value(QStringLiteral("profileId"))));
        Console::outLine(QStringLiteral("handle: ") + text(b.value(QStringLiteral("handle"))));
        Console::outLine(QStringLiteral("baseUrl: ") + text(b.value(QStringLiteral("baseUrl"))));
        Console::outLine(QStringLiteral("scopes: ") + scopes.join(QStringLiteral(", ")));
        Console::outLine(QStringLiteral("spendLimit: ") +
                         text(b.value(QStringLiteral("spendLimit")), QStringLiteral("none")));
        Console::outLine(QStringLiteral("expiresAt: ") +
                         text(b.value(QStringLiteral("expiresAt")), QStringLiteral("never")));
        Console::outLine(QStringLiteral("issuedBy: ") + text(b.value(QStringLiteral("issuedBy"))));
        Console::outLine(QStringLiteral("apiKeyId: ") +
                         (apiKeyId.isEmpty() ? QStringLiteral("-") : apiKeyId));
        if (parser.isSet(QStringLiteral("show-secrets"))) {
            Console::outLine(QStringLiteral("tokenValue: ") + token);
            Console::outLine(QStringLiteral("apiSecret: ") +
                             (secret.isEmpty() ? QStringLiteral("-") : secret));
        } else {
            Console::outLine(
                QStringLiteral("tokenValue: (hidden; --show-secrets or --export-env prints it)"));
        }
    }
    crypto::SecureBuffer::wipe(token);
    crypto::SecureBuffer::wipe(secret);
    return ExitOk;
}

} // namespace taskdesk::agent
