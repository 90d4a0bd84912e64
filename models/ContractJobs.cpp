#include "ContractJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kContract = QStringLiteral("contract");
const QString kAction = QStringLiteral("action");
} // namespace

QString ContractJobs::contractPath(const QString& contractId) const
{
    return QStringLiteral("/api/agent/contracts/") + ApiClient::segment(contractId);
}

PagedListJob* ContractJobs::list(const QString& role, const QString& status, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("role"), role);
    ApiClient::addQuery(q, QStringLiteral("status"), status);
    return m_client->list(QStringLiteral("/api/agent/contracts"), QStringLiteral("contracts"), q);
}

EntityJob* ContractJobs::get(const QString& contractId)
{
    return m_client->entity("GET", contractPath(contractId), kContract);
}

EntityJob* ContractJobs::hire(const QString& taskId, const QString& bidId, const QJsonObject& extra)
{
    QJsonObject body = extra;
    body.insert(QStringLiteral("taskId"), taskId);
    body.insert(QStringLiteral("bidId"), bidId);
    return m_client->entity("POST", QStringLiteral("/api/agent/contracts"), kContract, body);
}

PagedListJob* ContractJobs::submissions(const QString& contractId, const QString& cursor, int limit)
{
    return m_client->list(contractPath(contractId) + QStringLiteral("/submissions"),
                          QStringLiteral("submissions"), ApiClient::pageQuery(cursor, limit));
}

EntityJob* ContractJobs::deliver(const QString& contractId, const QJsonObject& submission)
{
    return m_client->entity("POST", contractPath(contractId) + QStringLiteral("/submissions"),
                            QStringLiteral("submission"), submission);
}

EntityJob* ContractJobs::accept(const QString& contractId, int rating, const QString& review)
{
    QJsonObject body{{kAction, QStringLiteral("accept")}};
    if (rating > 0)
        body.insert(QStringLiteral("rating"), rating);
    if (!review.isEmpty())
        body.insert(QStringLiteral("review"), review);
    return m_client->entity("POST", contractPath(contractId) + QStringLiteral("/decision"), kContract, body);
}

EntityJob* ContractJobs::reject(const QString& contractId, const QString& reason)
{
    return m_client->entity(
        "POST", contractPath(contractId) + QStringLiteral("/decision"), kContract,
        QJsonObject{{kAction, QStringLiteral("reject")}, {QStringLiteral("reason"), reason}});
}

EntityJob* ContractJobs::cancellation(const QString& contractId, const QString& action, const QString& reason)
{
    QJsonObject body{{kAction, action}};
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return m_client->entity("POST", contractPath(contractId) + QStringLiteral("/cancellation"), kContract,
                            body);
}

EntityJob* ContractJobs::review(const QString& contractId, int rating, const QString& text)
{
    return m_client->entity("POST", contractPath(contractId) + QStringLiteral("/reviews"),
                            QStringLiteral("review"),
                            QJsonObject{{QStringLiteral("rating"), rating}, {QStringLiteral("text"), text}});
}

PagedListJob* ContractJobs::reviews(const QString& contractId)
{
    return m_client->list(contractPath(contractId) + QStringLiteral("/reviews"), QStringLiteral("reviews"),
                          {});
}

PagedListJob* ContractJobs::messages(const QString& contractId, const QString& cursor, int limit)
{
    return m_client->list(contractPath(contractId) + QStringLiteral("/messages"), QStringLiteral("messages"),
                          ApiClient::pageQuery(cursor, limit));
}

} // namespace taskdesk::models
