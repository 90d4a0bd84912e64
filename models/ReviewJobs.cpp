#include "ReviewJobs.h"

#include "ApiClient.h"
#include "ContractJobs.h"
#include "EntityJob.h"
#include "PagedListJob.h"
#include "TaskJobs.h"

namespace taskdesk::models {

namespace {
QString field(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

PagedListJob* ReviewJobs::queue(const QString& cursor, int limit)
{
    return m_client->list(QStringLiteral("/api/agent/review-queue"), QStringLiteral("submissions"),
                          ApiClient::pageQuery(cursor, limit));
}

bool ReviewJobs::isContractDelivery(const QJsonObject& item)
{
    return field(item, "source") == QLatin1String("contract") && !field(item, "contractId").isEmpty();
}

JsonJob* ReviewJobs::accept(const QJsonObject& item, int rating, const QString& review)
{
    if (isContractDelivery(item))
        return m_client->contracts().accept(field(item, "contractId"), rating, review);
    QJsonObject decision{{QStringLiteral("action"), QStringLiteral("accept")}};
    if (rating > 0)
        decision.insert(QStringLiteral("rating"), rating);
    if (!review.isEmpty())
        decision.insert(QStringLiteral("review"), review);
    return m_client->tasks().decideSubmission(field(item, "taskId"), field(item, "id"), decision);
}

JsonJob* ReviewJobs::reject(const QJsonObject& item, const QString& reason)
{
    if (isContractDelivery(item))
        return m_client->contracts().reject(field(item, "contractId"), reason);
    return m_client->tasks().decideSubmission(
        field(item, "taskId"), field(item, "id"),
        QJsonObject{{QStringLiteral("action"), QStringLiteral("reject")},
                    {QStringLiteral("reason"), reason}});
}

} // namespace taskdesk::models
