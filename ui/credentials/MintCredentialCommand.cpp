#include "MintCredentialCommand.h"

#include "DelegationJobs.h"
#include "JsonJob.h"

#include <QJsonDocument>

namespace taskdesk::ui {

using models::ApiError;

MintCredentialCommand::MintCredentialCommand(models::ApiRequests api, QJsonObject body, QObject* parent)
    : Command(tr("Mint credential"), parent), m_api(std::move(api)), m_body(std::move(body))
{}

bool MintCredentialCommand::canRetry() const
{
    if (m_lastError.kind() != ApiError::Kind::Http)
        return true;
    const int status = m_lastError.httpStatus();
    return status == 408 || status == 429 || status >= 500;
}

void MintCredentialCommand::doStart()
{
    m_lastError = {};
    models::JsonJob* job = models::DelegationJobs(m_api).mint(m_body);
    m_job = job;
    connect(job, &models::JsonJob::finished, this, [this, job] {
        const QJsonObject& answer = job->json();
        m_delegation = answer.value(QLatin1String("delegation")).toObject();
        QByteArray text =
            QJsonDocument(answer.value(QLatin1String("bundle")).toObject()).toJson(QJsonDocument::Indented);
        m_bundle = crypto::SecureBuffer::copyOf(text);
        crypto::SecureBuffer::wipe(text);
        if (m_delegation.isEmpty() || m_bundle.size() < 3) {
            fail(tr("The server's answer has no delegation or bundle."));
            return;
        }
        succeed();
    });
    connect(job, &models::ApiJob::failed, this, [this](const ApiError& error) {
        m_lastError = error;
        if (error.kind() == ApiError::Kind::Aborted)
            markCanceled();
        else
            fail(error.message());
    });
    job->start();
}

void MintCredentialCommand::doCancel()
{
    if (m_job)
        m_job->abort();
}

} // namespace taskdesk::ui
