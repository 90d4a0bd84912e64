#pragma once

#include "ApiError.h"
#include "ApiRequests.h"
#include "SecureBuffer.h"
#include "commands/Command.h"

#include <QJsonObject>
#include <QPointer>

namespace taskdesk::models {
class JsonJob;
}

namespace taskdesk::ui {

// Mints a delegated credential (POST /api/agent/delegations). The answer's
// bundle (token and API secret, shown once) is moved straight into a
// crypto::SecureBuffer for the bundle dialog; nothing else keeps it.
class MintCredentialCommand : public Command
{
    Q_OBJECT
public:
    MintCredentialCommand(models::ApiRequests api, QJsonObject body, QObject* parent = nullptr);

    const models::ApiError& lastError() const { return m_lastError; }
    bool canRetry() const override;
    // The new delegation (no secrets in it).
    const QJsonObject& delegation() const { return m_delegation; }
    // The bundle JSON (UTF-8), once; the caller takes it.
    crypto::SecureBuffer takeBundle() { return std::move(m_bundle); }

protected:
    void doStart() override;
    void doCancel() override;

private:
    models::ApiRequests m_api;
    QJsonObject m_body;
    QJsonObject m_delegation;
    crypto::SecureBuffer m_bundle;
    QPointer<models::JsonJob> m_job;
    models::ApiError m_lastError;
};

} // namespace taskdesk::ui
