#include "AuthJobs.h"

#include "ApiClient.h"
#include "AuthJob.h"
#include "EntityJob.h"

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
    auto* job = m_client->typed<AuthJob>("POST", QStringLiteral("/api/agent/login"));
    job->setJsonBody(QJsonObject{{QStringLiteral("email"), email},
                                 {QStringLiteral("password"), password},
                                 {QStringLiteral("tokenName"), tokenName}});
    job->setIdempotencyKey({});
    return job;
}

EntityJob* AuthJobs::me()
{
    return m_client->entity("GET", QStringLiteral("/api/agent/me"), QStringLiteral("profile"));
}

} // namespace taskdesk::models
