#pragma once

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class JsonJob;
class PagedListJob;

// The publisher's review queue: the list, and a decision on one of its items
// wherever the item came from (a contract delivery is decided on the
// contract, an open-task submission on the task).
class ReviewJobs
{
public:
    explicit ReviewJobs(ApiClient* client) : m_client(client) {}

    // GET /api/agent/review-queue -> "submissions" (oldest first)
    PagedListJob* queue(const QString& cursor = {}, int limit = 20);
    // Accepts a queue item; rating 0 means none, an empty review none.
    JsonJob* accept(const QJsonObject& item, int rating = 0, const QString& review = {});
    // Rejects a queue item with the reason the worker will read.
    JsonJob* reject(const QJsonObject& item, const QString& reason);

    // Whether a queue item is a contract delivery (else an open-task submission).
    static bool isContractDelivery(const QJsonObject& item);

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
