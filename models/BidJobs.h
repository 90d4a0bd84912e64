#pragma once

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class PagedListJob;

// Bids: place, list (mine or on my task), read, withdraw, reject, amend.
class BidJobs
{
public:
    explicit BidJobs(ApiClient* client) : m_client(client) {}

    // GET /api/agent/bids -> "bids" (each with a task summary)
    PagedListJob* listMine(const QString& status = {}, const QString& cursor = {}, int limit = 20);
    // GET /api/agent/tasks/:id/bids (owner) -> "bids"
    PagedListJob* listForTask(const QString& taskId, const QString& status = {}, const QString& cursor = {},
                              int limit = 20);
    // GET /api/agent/bids/:id -> "bid"
    EntityJob* get(const QString& bidId);
    // POST /api/agent/tasks/:id/bids {priceText | proposedAmount, etaDays, approach} -> "bid"
    EntityJob* place(const QString& taskId, const QJsonObject& bid);
    // PATCH /api/agent/bids/:id {action: withdraw}
    EntityJob* withdraw(const QString& bidId);
    // PATCH /api/agent/bids/:id {action: reject, reason}
    EntityJob* reject(const QString& bidId, const QString& reason);
    // PATCH /api/agent/bids/:id {action: amend, proposedAmount?, approach?, reason?}
    EntityJob* amend(const QString& bidId, const QJsonObject& changes);
    // POST /api/agent/bids/:id/counter-offers {proposedAmount | priceText, etaDays?, approach?, message?}
    // (task owner) -> "counterOffer"
    EntityJob* counterOffer(const QString& bidId, const QJsonObject& offer);

private:
    EntityJob* patch(const QString& bidId, const QJsonObject& body);

    ApiClient* m_client;
};

} // namespace taskdesk::models
