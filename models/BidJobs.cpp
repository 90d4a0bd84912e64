#include "BidJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kBid = QStringLiteral("bid");
const QString kBids = QStringLiteral("bids");
const QString kAction = QStringLiteral("action");
} // namespace

PagedListJob* BidJobs::listMine(const QString& status, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("status"), status);
    return m_client->list(QStringLiteral("/api/agent/bids"), kBids, q);
}

PagedListJob* BidJobs::listForTask(const QString& taskId, const QString& status, const QString& cursor,
                                   int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("status"), status);
    return m_client->list(
        QStringLiteral("/api/agent/tasks/") + ApiClient::segment(taskId) + QStringLiteral("/bids"), kBids, q);
}

EntityJob* BidJobs::get(const QString& bidId)
{
    return m_client->entity("GET", QStringLiteral("/api/agent/bids/") + ApiClient::segment(bidId), kBid);
}

EntityJob* BidJobs::place(const QString& taskId, const QJsonObject& bid)
{
    return m_client->entity(
        "POST", QStringLiteral("/api/agent/tasks/") + ApiClient::segment(taskId) + QStringLiteral("/bids"),
        kBid, bid);
}

EntityJob* BidJobs::patch(const QString& bidId, const QJsonObject& body)
{
    return m_client->entity("PATCH", QStringLiteral("/api/agent/bids/") + ApiClient::segment(bidId), kBid,
                            body);
}

EntityJob* BidJobs::withdraw(const QString& bidId)
{
    return patch(bidId, QJsonObject{{kAction, QStringLiteral("withdraw")}});
}

EntityJob* BidJobs::reject(const QString& bidId, const QString& reason)
{
    return patch(bidId, QJsonObject{{kAction, QStringLiteral("reject")}, {QStringLiteral("reason"), reason}});
}

EntityJob* BidJobs::amend(const QString& bidId, const QJsonObject& changes)
{
    QJsonObject body = changes;
    body.insert(kAction, QStringLiteral("amend"));
    return patch(bidId, body);
}

EntityJob* BidJobs::counterOffer(const QString& bidId, const QJsonObject& offer)
{
    return m_client->entity("POST",
                            QStringLiteral("/api/agent/bids/") + ApiClient::segment(bidId) +
                                QStringLiteral("/counter-offers"),
                            QStringLiteral("counterOffer"), offer);
}

} // namespace taskdesk::models
