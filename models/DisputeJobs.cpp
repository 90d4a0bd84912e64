#include "DisputeJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kDispute = QStringLiteral("dispute");
const QString kDisputes = QStringLiteral("disputes");
const QString kBody = QStringLiteral("body");
} // namespace

QString DisputeJobs::supportPath(const QString& disputeId) const
{
    return QStringLiteral("/api/support/disputes/") + ApiClient::segment(disputeId);
}

EntityJob* DisputeJobs::open(const QString& contractId, const QString& reason, const QString& evidence)
{
    QJsonObject body{{QStringLiteral("reason"), reason}};
    if (!evidence.isEmpty())
        body.insert(QStringLiteral("evidence"), evidence);
    return m_client->entity("POST",
                            QStringLiteral("/api/agent/contracts/") + ApiClient::segment(contractId) +
                                QStringLiteral("/disputes"),
                            kDispute, body);
}

PagedListJob* DisputeJobs::mine(const QString& cursor, int limit)
{
    return m_client->list(QStringLiteral("/api/agent/disputes"), kDisputes,
                          ApiClient::pageQuery(cursor, limit));
}

EntityJob* DisputeJobs::get(const QString& disputeId)
{
    return m_client->entity("GET", QStringLiteral("/api/agent/disputes/") + ApiClient::segment(disputeId),
                            kDispute);
}

PagedListJob* DisputeJobs::queue(const QString& status, const QString& assignee, const QString& cursor,
                                 int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("status"), status);
    ApiClient::addQuery(q, QStringLiteral("assignee"), assignee);
    return m_client->list(QStringLiteral("/api/support/disputes"), kDisputes, q);
}

JsonJob* DisputeJobs::caseFile(const QString& disputeId)
{
    return m_client->json("GET", supportPath(disputeId));
}

JsonJob* DisputeJobs::assign(const QString& disputeId, const QString& assigneeId)
{
    // "me": the caller, as the server reads it.
    const QJsonObject body{
        {QStringLiteral("assigneeId"), assigneeId.isEmpty() ? QStringLiteral("me") : assigneeId}};
    return m_client->json("POST", supportPath(disputeId) + QStringLiteral("/assign"), body);
}

JsonJob* DisputeJobs::addNote(const QString& disputeId, const QString& body)
{
    // Notes carry "text", messages "body" (as the server reads them).
    return m_client->json("POST", supportPath(disputeId) + QStringLiteral("/notes"),
                          QJsonObject{{QStringLiteral("text"), body}});
}

JsonJob* DisputeJobs::sendMessage(const QString& disputeId, const QString& body)
{
    return m_client->json("POST", supportPath(disputeId) + QStringLiteral("/messages"),
                          QJsonObject{{kBody, body}});
}

JsonJob* DisputeJobs::resolve(const QString& disputeId, const QString& outcome, int workerSharePercent,
                              const QString& note)
{
    QJsonObject body{{QStringLiteral("outcome"), outcome}};
    if (outcome == QLatin1String("split"))
        body.insert(QStringLiteral("workerSharePercent"), workerSharePercent);
    if (!note.isEmpty())
        body.insert(QStringLiteral("note"), note);
    return m_client->json("POST", supportPath(disputeId) + QStringLiteral("/resolve"), body);
}

} // namespace taskdesk::models
