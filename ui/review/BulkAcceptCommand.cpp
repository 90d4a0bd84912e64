#include "BulkAcceptCommand.h"

#include "JsonJob.h"

namespace taskdesk::ui {

using models::ApiError;
using models::JsonJob;

BulkAcceptCommand::BulkAcceptCommand(QList<QJsonObject> items, Factory factory, QObject* parent)
    : Command(tr("Accept all verified"), parent), m_items(std::move(items)), m_factory(std::move(factory))
{}

QString BulkAcceptCommand::describe(const QJsonObject& item)
{
    const QString title =
        item.value(QLatin1String("task")).toObject().value(QLatin1String("title")).toString();
    const QString handle =
        item.value(QLatin1String("submitter")).toObject().value(QLatin1String("handle")).toString();
    return handle.isEmpty() ? title : tr("%1 by @%2").arg(title, handle);
}

bool BulkAcceptCommand::canRetry() const
{
    for (const Failure& f : m_failures) {
        const ApiError& e = f.error;
        if (e.kind() != ApiError::Kind::Http || e.httpStatus() == 408 || e.httpStatus() == 429 ||
            e.httpStatus() >= 500)
            return true;
    }
    return false;
}

void BulkAcceptCommand::doStart()
{
    m_canceled = false;
    if (m_failures.isEmpty() && m_done == 0) {
        m_pending = m_items;
    } else {
        // A retry: only what failed for reasons a retry can cure; the rest stay reported.
        m_pending.clear();
        QList<Failure> kept;
        for (const Failure& f : std::as_const(m_failures)) {
            const ApiError& e = f.error;
            const bool transient = e.kind() != ApiError::Kind::Http || e.httpStatus() == 408 ||
                                   e.httpStatus() == 429 || e.httpStatus() >= 500;
            if (transient)
                m_pending << f.item;
            else
                kept << f;
        }
        m_failures = kept;
    }
    m_done = 0;
    next();
}

void BulkAcceptCommand::doCancel()
{
    m_canceled = true;
    if (m_job)
        m_job->abort();
}

void BulkAcceptCommand::next()
{
    if (m_canceled) {
        markCanceled();
        return;
    }
    if (m_pending.isEmpty()) {
        finish();
        return;
    }
    const QJsonObject item = m_pending.takeFirst();
    ++m_done;
    emit progress(
        tr("Accepting %1 (%2 of %3)...").arg(describe(item)).arg(m_done).arg(m_done + m_pending.size()));
    JsonJob* job = m_factory ? m_factory(item) : nullptr;
    if (!job) {
        m_failures << Failure{item, ApiError::badReply(tr("the request could not be made"))};
        next();
        return;
    }
    m_job = job;
    connect(job, &JsonJob::finished, this, [this, item] {
        ++m_accepted;
        emit itemAccepted(item.value(QLatin1String("id")).toString());
        next();
    });
    connect(job, &JsonJob::failed, this, [this, item](const ApiError& error) {
        if (error.kind() == ApiError::Kind::Aborted) {
            markCanceled();
            return;
        }
        m_failures << Failure{item, error};
        next();
    });
    job->start();
}

void BulkAcceptCommand::finish()
{
    if (m_failures.isEmpty()) {
        succeed();
        return;
    }
    QStringList lines;
    for (const Failure& f : std::as_const(m_failures))
        lines << tr("%1: %2").arg(describe(f.item), f.error.message());
    fail(tr("Accepted %1 of %2; not accepted: %3")
             .arg(m_accepted)
             .arg(total())
             .arg(lines.join(QStringLiteral("; "))));
}

} // namespace taskdesk::ui
