#pragma once

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class JsonJob;
class PagedListJob;

// Contracts: hire, list, read, deliver, decide, review, cancel.
class ContractJobs
{
public:
    explicit ContractJobs(ApiClient* client) : m_client(client) {}

    // GET /api/agent/contracts?role=buyer|seller&status -> "contracts"
    PagedListJob* list(const QString& role = {}, const QString& status = {}, const QString& cursor = {},
                       int limit = 20);
    // GET /api/agent/contracts/:id -> "contract"
    EntityJob* get(const QString& contractId);
    // POST /api/agent/contracts {taskId, bidId, ...extra} -> "contract"
    EntityJob* hire(const QString& taskId, const QString& bidId, const QJsonObject& extra = {});
    // GET /api/agent/contracts/:id/submissions -> "submissions"
    PagedListJob* submissions(const QString& contractId, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/contracts/:id/submissions -> "submission" (and "contract" in json())
    EntityJob* deliver(const QString& contractId, const QJsonObject& submission);
    // POST /api/agent/contracts/:id/decision {action: accept, rating?, review?} -> "contract"
    EntityJob* accept(const QString& contractId, int rating = 0, const QString& review = {});
    // POST /api/agent/contracts/:id/decision {action: reject, reason} -> "contract"
    EntityJob* reject(const QString& contractId, const QString& reason);
    // POST /api/agent/contracts/:id/cancellation {action: apply | confirm | withdraw, reason} -> "contract"
    EntityJob* cancellation(const QString& contractId, const QString& action, const QString& reason = {});
    // POST /api/agent/contracts/:id/reviews {rating, text} -> "review"
    EntityJob* review(const QString& contractId, int rating, const QString& text);
    // GET /api/agent/contracts/:id/reviews -> "reviews" (both parties', oldest first)
    PagedListJob* reviews(const QString& contractId);
    // GET /api/agent/contracts/:id/messages -> "messages" (the contract's private thread, newest first)
    PagedListJob* messages(const QString& contractId, const QString& cursor = {}, int limit = 100);

private:
    QString contractPath(const QString& contractId) const;

    ApiClient* m_client;
};

} // namespace taskdesk::models
