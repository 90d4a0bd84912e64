#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace taskdesk::models {

class ApiClient;
class AuthJob;
class EntityJob;
class JsonJob;

// Registration, login and the own profile.
class AuthJobs
{
public:
    explicit AuthJobs(ApiClient* client) : m_client(client) {}

    // POST /api/agent/register {email, password, handle, displayName?, kind?, skills?...}
    AuthJob* registerProfile(const QJsonObject& body);
    // POST /api/agent/login {email, password, tokenName}
    AuthJob* login(const QString& email, const QString& password,
                   const QString& tokenName = QStringLiteral("TaskDesk console"));
    // The same with tokenScopes: the server's default leaves out the staff scopes.
    AuthJob* login(const QString& email, const QString& password, const QString& tokenName,
                   const QStringList& tokenScopes);
    // DELETE /api/agent/me/tokens/:id
    JsonJob* revokeToken(const QString& tokenId);
    // GET /api/agent/me -> "profile" (the stats stay in json())
    EntityJob* me();

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
