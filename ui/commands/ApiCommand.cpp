#include "ApiCommand.h"

#include "JsonJob.h"

namespace taskdesk::ui {

using models::ApiError;
using models::JsonJob;

ApiCommand::ApiCommand(QString title, Factory factory, QObject* parent)
    : Command(std::move(title), parent), m_factory(std::move(factory))
{}

bool ApiCommand::canRetry() const
{
    // A request the server refused for what it said (400, 403, 404, 409 ...)
    // will be refused again; the user has to change something first.
    if (m_lastError.kind() != ApiError::Kind::Http)
        return true;
    const int status = m_lastError.httpStatus();
    return status == 408 || status == 429 || status >= 500;
}

void ApiCommand::doStart()
{
    JsonJob* job = m_factory ? m_factory() : nullptr;
    if (!job) {
        fail(tr("%1 could not start.").arg(title()));
        return;
    }
    const QByteArray request = job->method() + ' ' + job->url().toEncoded() + '\n' + job->body();
    if (!m_key.isEmpty() && request == m_lastRequest && !job->idempotencyKey().isEmpty())
        job->setIdempotencyKey(m_key);
    m_key = job->idempotencyKey();
    m_lastRequest = request;
    m_job = job;
    connect(job, &JsonJob::retrying, this, [this](int attempt, int delayMs, const ApiError& error) {
        emit progress(tr("%1: %2 Trying again in %3 s (attempt %4).")
                          .arg(title(), error.message())
                          .arg((delayMs + 999) / 1000)
                          .arg(attempt));
    });
    // finished(), not jsonReceived(): typed jobs emit their own result signal instead.
    connect(job, &JsonJob::finished, this, [this, job] {
        m_lastError = {};
        m_lastRequest.clear();
        m_result = job->json();
        emit resultReady(m_result);
        succeed();
    });
    connect(job, &JsonJob::failed, this, [this](const ApiError& error) {
        m_lastError = error;
        if (error.kind() == ApiError::Kind::Aborted)
            markCanceled();
        else
            fail(error.message());
    });
    job->start();
}

void ApiCommand::doCancel()
{
    if (m_job)
        m_job->abort();
}

} // namespace taskdesk::ui
