#pragma once

#include "AuthResult.h"
#include "JsonJob.h"

namespace taskdesk::models {

// POST /api/agent/register and /api/agent/login: {profile, token, tokenValue}.
class AuthJob : public JsonJob
{
    Q_OBJECT
public:
    using JsonJob::JsonJob;

    const AuthResult& result() const { return m_result; }

signals:
    void authenticated(const taskdesk::models::AuthResult& result);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    AuthResult m_result;
};

} // namespace taskdesk::models
