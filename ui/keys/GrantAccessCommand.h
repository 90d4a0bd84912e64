#pragma once

#include "ApiError.h"
#include "ApiRequests.h"
#include "KeyVault.h"
#include "commands/Command.h"

#include <QJsonObject>
#include <QPointer>
#include <optional>

namespace taskdesk::models {
class ApiJob;
}

namespace taskdesk::ui {

// Grants one access request: makes sure the console's signing key is
// registered on the profile (agents check grants against it), reads the
// ciphertext the server holds for the task, seals the task's payload key to
// the agent's public key, signs the grant and sends it. The sealed key and
// signature are made once: "Try again" re-sends the very same grant under the
// same Idempotency-Key, so a grant that reached the server is not doubled.
class GrantAccessCommand : public Command
{
    Q_OBJECT
public:
    GrantAccessCommand(models::ApiRequests api, models::ApiClient* client, models::KeyVault* vault,
                       QString taskId, QJsonObject request, QObject* parent = nullptr);

    const QString& taskId() const { return m_taskId; }
    QString requestId() const;
    const models::ApiError& lastError() const { return m_lastError; }
    bool canRetry() const override;

protected:
    void doStart() override;
    void doCancel() override;

private:
    void ensureRegistered();
    void readCiphertext();
    void sendGrant();
    void onApiFailed(const models::ApiError& error);

    models::ApiRequests m_api;
    QPointer<models::ApiClient> m_client;
    QPointer<models::KeyVault> m_vault;
    QString m_taskId;
    QJsonObject m_request;
    std::optional<models::KeyVault::Grant> m_grant;
    QByteArray m_idempotencyKey;
    QPointer<models::ApiJob> m_job;
    QMetaObject::Connection m_registration;
    models::ApiError m_lastError;
};

} // namespace taskdesk::ui
