// Routes for threads, bid/contract/direct messages, read marks.
#include "Actor.h"
#include "ApiServer.h"
#include "Database.h"
#include "MessageService.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

void ApiServer::registerConversationRoutes()
{
    auto msg = std::make_shared<domain::MessageService>(m_p);
    auto add = [this](std::string method, std::string pattern, bool write, int status, std::string scope,
                      std::string summary, auto handler) {
        m_router.add(Route::make(std::move(method), std::move(pattern), AuthMode::Required, write, status,
                                 std::move(scope), std::move(summary), handler));
    };

    // Bid threads (the bidder and the task's owner) and contract threads (buyer and seller).
    add("GET", "/api/agent/bids/:id/messages", false, 200, "messages:read",
        "A bid's private thread (bidder or task owner)", [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->listBidMessages(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/bids/:id/messages", true, 201, "messages:write", "Write in a bid's thread {body}",
        [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->postBidMessage(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/contracts/:id/messages", false, 200, "messages:read",
        "A contract's private thread (buyer or seller)", [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->listContractMessages(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/contracts/:id/messages", true, 201, "messages:write",
        "Write in a contract's thread {body}", [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->postContractMessage(tx, c.requireActor(), c.param("id"), c.body());
        });

    // Direct messages between two profiles.
    add("GET", "/api/agent/messages", false, 200, "messages:read",
        "My direct messages, sent and received (?with=profileId for one conversation)",
        [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->listDirect(tx, c.requireActor(), c.query);
        });
    add("POST", "/api/agent/messages", true, 201, "messages:write",
        "Send a direct message {toProfileId, body}", [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->sendDirect(tx, c.requireActor(), c.body());
        });

    // The inbox: every thread I am in, by last activity, and read marks.
    add("GET", "/api/agent/threads", false, 200, "messages:read",
        "Every thread I am in (task, bid, contract, direct) with last message and unread count",
        [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->listThreads(tx, c.requireActor(), c.query);
        });
    add("POST", "/api/agent/threads/read", true, 200, "messages:write", "Mark a thread read {threadId}",
        [msg](RouteContext& c, Tx& tx) -> json::value {
            return msg->markThreadRead(tx, c.requireActor(), c.body());
        });
}

} // namespace taskdesk::http
