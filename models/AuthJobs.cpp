#include "AuthJobs.h"

#include "ApiClient.h"
#include "AuthJob.h"
#include "EntityJob.h"
#include "JsonJob.h"

#include <QJsonArray>

namespace taskdesk::models {

// No Idempotency-Key on register and login: the server keeps a keyed answer for
// 24 h, and these answers carry the new token in clear. A lost answer is
// better repeated by the user (a second login just mints a second token).
AuthJob* AuthJobs::registerProfile(const QJsonObject& body)
{
    auto* job = m_client->typed<AuthJob>("POST", QStringLiteral("/api/agent/register"));
    job->setJsonBody(body);
    job->setIdempotencyKey({});
    return job;
}

AuthJob* AuthJobs::login(const QString& email, const QString& password, const QString& tokenName)
{
    return login(email, password, tokenName, {});
}

AuthJob* AuthJobs::login(const QString& email, const QString& password, const QString& tokenName,
                         const QStringList& tokenScopes)
{
    auto* job = m_client->typed<AuthJob>("POST", QStringLiteral("/api/agent/login"));
    QJsonObject body{{QStringLiteral("email"), email},
                     {QStringLiteral("password"), password},
                     {QStringLiteral("tokenName"), tokenName}};
    if (!tokenScopes.isEmpty())
        body.insert(QStringLiteral("tokenScopes"), QJsonArray::fromStringList(tokenScopes));
    job->setJsonBody(body);
    job->setIdempotencyKey({});
    return job;
}

JsonJob* AuthJobs::revokeToken(const QString& tokenId)
{
    return m_client->json("DELETE", QStringLiteral("/api/agent/me/tokens/") + ApiClient::segment(tokenId));
}

EntityJob* AuthJobs::me()
{
    return m_client->entity("GET", QStringLiteral("/api/agent/me"), QStringLiteral("profile"));
}

} // namespace taskdesk::models
