#include "AgentConnection.h"

#include "SecretInput.h"

namespace taskdesk::agent {

void AgentConnection::addOptions(QCommandLineParser& parser)
{
    parser.addOption(
        {QStringLiteral("server"), QStringLiteral("The platform's base URL."), QStringLiteral("URL")});
    parser.addOption({QStringLiteral("token"),
                      QStringLiteral("Bearer token (visible to other local users in the process list: prefer "
                                     "--token-file or TASKDESK_AGENT_TOKEN)."),
                      QStringLiteral("T")});
    parser.addOption({QStringLiteral("token-file"), QStringLiteral("A file holding the Bearer token."),
                      QStringLiteral("F")});
    parser.addOption({QStringLiteral("api-key"),
                      QStringLiteral("API key id (ak_...) for HMAC-signed requests."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("api-secret-file"),
                      QStringLiteral("A file holding the API key's secret."), QStringLiteral("F")});
}

QString AgentConnection::optionsHelp()
{
    return QStringLiteral("  --server URL                 the platform's base URL\n"
                          "  --token T | --token-file F   Bearer token (or TASKDESK_AGENT_TOKEN)\n"
                          "  --api-key ak_.. --api-secret-file F\n"
                          "                               HMAC-signed requests with an API key pair\n");
}

std::unique_ptr<AgentClient> AgentConnection::fromParser(const QCommandLineParser& parser, QString* error)
{
    const QString server = parser.value(QStringLiteral("server"));
    const QUrl url(server, QUrl::StrictMode);
    if (server.isEmpty() || !url.isValid() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty()) {
        *error =
            QStringLiteral("--server must be the platform's http(s) base URL, e.g. https://taskdesk.example");
        return nullptr;
    }
    auto client = std::make_unique<AgentClient>(url);
    const bool hmac =
        parser.isSet(QStringLiteral("api-key")) || parser.isSet(QStringLiteral("api-secret-file"));
    const bool bearer = parser.isSet(QStringLiteral("token")) || parser.isSet(QStringLiteral("token-file"));
    if (hmac && bearer) {
        *error = QStringLiteral("Give either a token or an API key pair, not both");
        return nullptr;
    }
    if (hmac) {
        const QString keyId = parser.value(QStringLiteral("api-key"));
        if (!keyId.startsWith(QLatin1String("ak_")) || !parser.isSet(QStringLiteral("api-secret-file"))) {
            *error = QStringLiteral("HMAC signing needs --api-key ak_... and --api-secret-file FILE");
            return nullptr;
        }
        auto secret = SecretInput::fromFile(parser.value(QStringLiteral("api-secret-file")), error);
        if (!secret)
            return nullptr;
        client->useApiKey(keyId, std::move(*secret));
        return client;
    }
    if (parser.isSet(QStringLiteral("token-file"))) {
        auto token = SecretInput::fromFile(parser.value(QStringLiteral("token-file")), error);
        if (!token)
            return nullptr;
        client->useToken(std::move(*token));
    } else if (parser.isSet(QStringLiteral("token"))) {
        QString value = parser.value(QStringLiteral("token"));
        client->useToken(SecretInput::fromArgument(value));
    } else {
        client->useToken(SecretInput::fromEnvironment("TASKDESK_AGENT_TOKEN"));
    }
    if (!client->hasCredentials()) {
        *error = QStringLiteral("No credentials: give --token-file FILE, --token T, TASKDESK_AGENT_TOKEN, or "
                                "--api-key with --api-secret-file");
        return nullptr;
    }
    return client;
}

} // namespace taskdesk::agent
