// Routes for the publisher's review queue (console extension; see docs/api-notes.md).
#include "ApiServer.h"
#include "Database.h"
#include "ReviewQueue.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;

void ApiServer::registerReviewRoutes()
{
    auto queue = std::make_shared<domain::ReviewQueue>(m_p);
    Route r;
    r.method = "GET";
    r.pattern = "/api/agent/review-queue";
    r.auth = AuthMode::Required;
    r.scope = "submissions:read";
    r.summary = "Every submission awaiting the caller's decision (contract deliveries and open-task "
                "submissions), oldest first, with the task's criteria and the auto-accept time";
    r.handler = [queue](RouteContext& c, store::Transaction& tx) -> json::value {
        return queue->list(tx, c.requireActor(), c.query);
    };
    m_router.add(std::move(r));
}

} // namespace taskdesk::http
