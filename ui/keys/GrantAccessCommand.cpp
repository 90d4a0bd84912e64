#include "GrantAccessCommand.h"

#include "ApiClient.h"
#include "Base64.h"
#include "EntityJob.h"
#include "JsonJob.h"
#include "ProtectedAccessJobs.h"
#include "TaskJobs.h"

namespace taskdesk::ui {

using models::ApiError;

GrantAccessCommand::GrantAccessCommand(models::ApiRequests api, models::ApiClient* client,
                                       models::KeyVault* vault, QString taskId, QJsonObject request,
                                       QObject* parent)
    : Command(tr("Grant access"), parent), m_api(std::move(api)), m_client(client), m_vault(vault),
      m_taskId(std::move(taskId)), m_request(std::move(request))
{}

QString GrantAccessCommand::requestId() const
{
    return m_request.value(QLatin1String("id")).toString();
}

bool GrantAccessCommand::canRetry() const
{
    if (m_lastError.kind() != ApiError::Kind::Http)
        return true;
    const int status = m_lastError.httpStatus();
    return status == 408 || status == 429 || status >= 500;
}

void GrantAccessCommand::doStart()
{
    m_lastError = {};
    if (!m_vault || !m_vault->isUnlocked()) {
        fail(tr("The keystore is locked. Unlock it to grant access."));
        return;
    }
    if (m_grant) {
        sendGrant(); // a retry: the same grant again
        return;
    }
    ensureRegistered();
}

void GrantAccessCommand::ensureRegistered()
{
    if (m_vault->areKeysRegistered()) {
        readCiphertext();
        return;
    }
    if (!m_api.isSignedIn()) {
        fail(tr("Not signed in."));
        return;
    }
    emit progress(tr("Registering the console's signing key..."));
    m_registration =
        connect(m_vault, &models::KeyVault::registrationFinished, this, [this](bool ok, const QString& why) {
            disconnect(m_registration);
            if (!isRunning())
                return;
            if (!ok) {
                fail(why);
                return;
            }
            readCiphertext();
        });
    m_vault->registerKeys();
}

void GrantAccessCommand::readCiphertext()
{
    if (!m_client) {
        fail(tr("Not connected."));
        return;
    }
    emit progress(tr("Reading the task's encrypted fields..."));
    models::EntityJob* job = m_client->tasks().get(m_taskId);
    m_job = job;
    connect(job, &models::EntityJob::received, this, [this](const QJsonObject& task) {
        const QJsonObject p = task.value(QLatin1String("protected")).toObject();
        const auto ciphertext =
            crypto::Base64::decode(p.value(QLatin1String("ciphertext")).toString().toLatin1());
        if (!ciphertext || ciphertext->isEmpty()) {
            fail(tr("The server sent no encrypted fields for this task."));
            return;
        }
        const auto agentKey = crypto::Base64::decodeExact(
            m_request.value(QLatin1String("publicKey")).toString().toLatin1(), 32);
        if (!agentKey) {
            fail(tr("The agent's public key is not a valid X25519 key; nothing was granted."));
            return;
        }
        QString why;
        m_grant = m_vault->makeGrant(m_taskId, *ciphertext, *agentKey, &why);
        if (!m_grant) {
            fail(why);
            return;
        }
        sendGrant();
    });
    connect(job, &models::ApiJob::failed, this, &GrantAccessCommand::onApiFailed);
    job->start();
}

void GrantAccessCommand::sendGrant()
{
    emit progress(tr("Sending the sealed key..."));
    models::JsonJob* job = models::ProtectedAccessJobs(m_api).grant(
        m_taskId, requestId(), crypto::Base64::encode(m_grant->sealedKey),
        crypto::Base64::encode(m_grant->signature));
    if (!m_idempotencyKey.isEmpty())
        job->setIdempotencyKey(m_idempotencyKey);
    m_idempotencyKey = job->idempotencyKey();
    m_job = job;
    connect(job, &models::JsonJob::finished, this, [this] {
        const QJsonObject agent = m_request.value(QLatin1String("agent")).toObject();
        QString label = m_request.value(QLatin1String("agentHandle")).toString();
        if (label.isEmpty())
            label = agent.value(QLatin1String("handle")).toString();
        if (!label.isEmpty())
            label.prepend(QLatin1Char('@'));
        const auto recorded =
            m_vault ? m_vault->recordGrant(m_taskId, requestId(),
                                           m_request.value(QLatin1String("agentId")).toString(), label)
                    : crypto::Keystore::Result{};
        if (!recorded)
            emit progress(tr("Granted, but the keystore could not note it: %1").arg(recorded.message));
        succeed();
    });
    connect(job, &models::ApiJob::failed, this, &GrantAccessCommand::onApiFailed);
    job->start();
}

void GrantAccessCommand::onApiFailed(const ApiError& error)
{
    m_lastError = error;
    if (error.kind() == ApiError::Kind::Aborted)
        markCanceled();
    else
        fail(error.message());
}

void GrantAccessCommand::doCancel()
{
    disconnect(m_registration);
    if (m_job)
        m_job->abort();
    else
        markCanceled();
}

} // namespace taskdesk::ui
