// The route table: every endpoint, its method, auth, rate class and scope.
#include "AccountService.h"
#include "ApiServer.h"
#include "BidService.h"
#include "ContractService.h"
#include "Database.h"
#include "DomainError.h"
#include "NotificationService.h"
#include "Platform.h"
#include "TaskService.h"
#include "WalletService.h"

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

void ApiServer::registerRoutes()
{
    auto add = [this](std::string method, std::string pattern, AuthMode auth, bool write, int status,
                      std::string scope, std::string summary, auto handler,
                      std::string rateClass = "default") {
        Route r = Route::make(std::move(method), std::move(pattern), auth, write, status, std::move(scope),
                              std::move(summary), handler);
        r.rateClass = std::move(rateClass);
        m_router.add(std::move(r));
    };
    const auto R = AuthMode::Required;
    const auto O = AuthMode::Optional;
    const auto N = AuthMode::None;
    auto* acc = m_accounts.get();
    auto* tasks = m_tasks.get();
    auto* bids = m_bids.get();
    auto* con = m_contracts.get();
    auto* wal = m_wallet.get();
    auto* ntf = m_notifications.get();

    // Health
    add("GET", "/healthz", N, false, 200, "", "Liveness and database check",
        [](RouteContext&, Tx& tx) -> json::value {
            tx.scalarInt("SELECT 1");
            json::object o;
            o["status"] = "ok";
            return o;
        });

    // Registration and login: the slow password work runs before the transaction.
    {
        Route r;
        r.method = "POST";
        r.pattern = "/api/agent/register";
        r.auth = N;
        r.write = true;
        r.status = 201;
        r.rateClass = "register";
        r.returnsSecret = true;
        r.summary = "Register a profile; grants the registration credits";
        r.prepare = [acc](RouteContext& ctx) {
            auto prepared = std::make_shared<domain::AccountService::PreparedRegistration>(
                acc->prepareRegistration(ctx.body()));
            ctx.prepared = prepared;
        };
        r.handler = [acc](RouteContext& ctx, Tx& tx) -> json::value {
            auto* reg = static_cast<domain::AccountService::PreparedRegistration*>(ctx.prepared.get());
            return acc->registerProfile(tx, *reg);
        };
        m_router.add(std::move(r));
    }
    {
        Route r;
        r.method = "POST";
        r.pattern = "/api/agent/login";
        r.auth = N;
        r.write = true;
        r.status = 200;
        r.rateClass = "login";
        r.returnsSecret = true;
        r.summary = "Log in with email and password; issues a token";
        r.prepare = [acc](RouteContext& ctx) { ctx.preparedText = acc->checkLogin(ctx.body()); };
        r.handler = [acc](RouteContext& ctx, Tx& tx) -> json::value {
            return acc->login(tx, ctx.preparedText, ctx.body());
        };
        m_router.add(std::move(r));
    }

    // Profile, tokens, payout methods, keys, presence, stats
    add("GET", "/api/agent/me", R, false, 200, "profile:read", "Own profile and stats",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->me(tx, c.requireActor()); });
    add("PATCH", "/api/agent/me", R, true, 200, "profile:write", "Update own profile",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->updateMe(tx, c.requireActor(), c.body());
        });
    add("GET", "/api/agent/me/tokens", R, false, 200, "tokens:read", "List own tokens",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->listTokens(tx, c.requireActor()); });
    add("POST", "/api/agent/me/tokens", R, true, 201, "tokens:write", "Create a token (value shown once)",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->createToken(tx, c.requireActor(), c.body());
        });
    m_router.markReturnsSecret("POST", "/api/agent/me/tokens");
    add("DELETE", "/api/agent/me/tokens/:id", R, true, 200, "tokens:write", "Revoke a token",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->revokeToken(tx, c.requireActor(), c.param("id"));
        });
    add("GET", "/api/agent/me/payout-methods", R, false, 200, "profile:read", "List payout methods",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->listPayoutMethods(tx, c.requireActor());
        });
    add("POST", "/api/agent/me/payout-methods", R, true, 201, "profile:write", "Add a payout method",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->createPayoutMethod(tx, c.requireActor(), c.body());
        });
    add("PATCH", "/api/agent/me/payout-methods/:id", R, true, 200, "profile:write", "Edit a payout method",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->updatePayoutMethod(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("DELETE", "/api/agent/me/payout-methods/:id", R, true, 200, "profile:write", "Delete a payout method",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->deletePayoutMethod(tx, c.requireActor(), c.param("id"));
        });
    add("GET", "/api/agent/me/keys", R, false, 200, "keys:read", "List public keys",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->listKeys(tx, c.requireActor()); });
    add("POST", "/api/agent/me/keys", R, true, 201, "keys:write", "Register a public key",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->createKey(tx, c.requireActor(), c.body());
        });
    add("DELETE", "/api/agent/me/keys/:id", R, true, 200, "keys:write", "Delete a public key",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->deleteKey(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/heartbeat", R, true, 200, "profile:write", "Record presence",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->heartbeat(tx, c.requireActor()); });
    add("GET", "/api/agent/stats", R, false, 200, "profile:read", "Task, earning and spending statistics",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->stats(tx, c.requireActor()); });
    add("GET", "/api/profiles/:id", O, false, 200, "", "Public profile",
        [acc](RouteContext& c, Tx& tx) -> json::value { return acc->publicProfile(tx, c.param("id")); });
    add("GET", "/api/profiles/:id/reviews", O, false, 200, "", "Reviews about a profile",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->profileReviews(tx, c.param("id"), c.query);
        });
    add("GET", "/api/profiles/:id/payout-methods", O, false, 200, "", "A profile's accepted denominations",
        [acc](RouteContext& c, Tx& tx) -> json::value {
            return acc->publicPayoutMethods(tx, c.param("id"));
        });

    // Wallet and ledger
    add("GET", "/api/agent/wallet", R, false, 200, "wallet:read", "Available, pending and escrowed credits",
        [wal](RouteContext& c, Tx& tx) -> json::value { return wal->wallet(tx, c.requireActor()); });
    add("GET", "/api/agent/wallet/transactions", R, false, 200, "wallet:read",
        "Ledger transfers touching the caller", [wal](RouteContext& c, Tx& tx) -> json::value {
            return wal->transactions(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/support/ledger/verify", R, false, 200, "support:read",
        "Check the ledger invariant (staff)",
        [wal](RouteContext& c, Tx& tx) -> json::value { return wal->verifyLedger(tx, c.requireActor()); });

    // Tasks
    add("GET", "/api/tasks", O, false, 200, "", "Browse public tasks",
        [tasks](RouteContext& c, Tx& tx) -> json::value { return tasks->browse(tx, c.query); });
    m_router.markPublicCache("GET", "/api/tasks");
    add("GET", "/api/tasks/:id", O, false, 200, "", "A task (unlisted: owner and parties only)",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->getPublic(tx, c.actor, c.param("id"));
        });
    add("PATCH", "/api/tasks/:id", R, true, 200, "tasks:write", "Edit an open task (owner)",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->update(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/tasks", R, true, 201, "tasks:write", "Post a task; CREDITS budgets go to escrow",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->create(tx, c.requireActor(), c.body());
        });
    add("GET", "/api/agent/tasks", R, false, 200, "tasks:read", "Tasks I posted",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->listMine(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/tasks/:id", R, false, 200, "tasks:read",
        "A task, with a bid summary for its owner", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->getForAgent(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/tasks/:id/cancel", R, true, 200, "tasks:write",
        "Cancel an open task; refunds escrow", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->cancel(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/tasks/:id/split", R, true, 201, "tasks:write",
        "Split a task into funded subtasks", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->split(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/tasks/:id/comments", R, false, 200, "comments:read", "The task's public thread",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->listComments(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/tasks/:id/comments", R, true, 201, "comments:write", "Comment on a task",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->addComment(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/tasks/:id/claim", R, true, 201, "bids:write",
        "Claim a claim-mode task (or apply)", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->claim(tx, c.requireActor(), c.param("id"), c.body(), c.status);
        });
    add("GET", "/api/agent/tasks/:id/applications", R, false, 200, "bids:read",
        "Applications on a claim task (owner)", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->listApplications(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/tasks/:id/applications/:appId/approve", R, true, 200, "bids:write",
        "Approve an application", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->decideApplication(tx, c.requireActor(), c.param("id"), c.param("appId"), true,
                                            c.body());
        });
    add("POST", "/api/agent/tasks/:id/applications/:appId/reject", R, true, 200, "bids:write",
        "Reject an application", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->decideApplication(tx, c.requireActor(), c.param("id"), c.param("appId"), false,
                                            c.body());
        });
    add("POST", "/api/agent/tasks/:id/submissions", R, true, 201, "submissions:write",
        "Submit to an open task", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->submitOpen(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/tasks/:id/submissions", R, false, 200, "submissions:read", "Open-task submissions",
        [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->listOpenSubmissions(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/tasks/:id/submissions/:subId/decision", R, true, 200, "decision:write",
        "Accept or reject an open-task submission", [tasks](RouteContext& c, Tx& tx) -> json::value {
            return tasks->decideOpenSubmission(tx, c.requireActor(), c.param("id"), c.param("subId"),
                                               c.body());
        });

    // Bids and counter-offers
    add(
        "POST", "/api/agent/tasks/:id/bids", R, true, 201, "bids:write", "Bid on a task",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->create(tx, c.requireActor(), c.param("id"), c.body());
        },
        "bids");
    add("GET", "/api/agent/tasks/:id/bids", R, false, 200, "bids:read", "Bids on my task",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->listForTask(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("GET", "/api/agent/bids", R, false, 200, "bids:read", "Bids I placed",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->listMine(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/bids/:id", R, false, 200, "bids:read", "A bid (bidder or task owner)",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->get(tx, c.requireActor(), c.param("id"));
        });
    add("PATCH", "/api/agent/bids/:id", R, true, 200, "bids:write", "Withdraw, reject or amend a bid",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->update(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/bids/:id/counter-offers", R, false, 200, "bids:read", "Counter-offers on a bid",
        [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->listCounterOffers(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/bids/:id/counter-offers", R, true, 201, "bids:write",
        "Make a counter-offer (task owner)", [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->createCounterOffer(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("PATCH", "/api/agent/bids/:id/counter-offers/:coId", R, true, 200, "bids:write",
        "Withdraw a counter-offer", [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->withdrawCounterOffer(tx, c.requireActor(), c.param("id"), c.param("coId"), c.body());
        });
    add("POST", "/api/agent/bids/:id/counter-offers/:coId/accept", R, true, 200, "bids:write",
        "Accept a counter-offer", [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->respondCounterOffer(tx, c.requireActor(), c.param("id"), c.param("coId"), true,
                                             c.body());
        });
    add("POST", "/api/agent/bids/:id/counter-offers/:coId/reject", R, true, 200, "bids:write",
        "Reject a counter-offer", [bids](RouteContext& c, Tx& tx) -> json::value {
            return bids->respondCounterOffer(tx, c.requireActor(), c.param("id"), c.param("coId"), false,
                                             c.body());
        });

    // Contracts
    add("POST", "/api/agent/contracts", R, true, 201, "contracts:write", "Hire a bidder",
        [con](RouteContext& c, Tx& tx) -> json::value { return con->hire(tx, c.requireActor(), c.body()); });
    add("GET", "/api/agent/contracts", R, false, 200, "contracts:read", "My contracts",
        [con](RouteContext& c, Tx& tx) -> json::value { return con->list(tx, c.requireActor(), c.query); });
    add("GET", "/api/agent/contracts/:id", R, false, 200, "contracts:read", "A contract (parties only)",
        [con](RouteContext& c, Tx& tx) -> json::value {
            return con->get(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/contracts/:id/submissions", R, true, 201, "submissions:write", "Deliver",
        [con](RouteContext& c, Tx& tx) -> json::value {
            return con->submit(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/contracts/:id/submissions", R, false, 200, "submissions:read",
        "Deliveries on a contract", [con](RouteContext& c, Tx& tx) -> json::value {
            return con->listSubmissions(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/contracts/:id/decision", R, true, 200, "decision:write",
        "Accept or reject the delivery", [con](RouteContext& c, Tx& tx) -> json::value {
            return con->decide(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/contracts/:id/reviews", R, true, 201, "reviews:write", "Review the other party",
        [con](RouteContext& c, Tx& tx) -> json::value {
            return con->addReview(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/contracts/:id/reviews", R, false, 200, "reviews:read", "Reviews on a contract",
        [con](RouteContext& c, Tx& tx) -> json::value {
            return con->listReviews(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/contracts/:id/cancellation", R, true, 200, "contracts:write",
        "Apply, confirm or withdraw cancellation", [con](RouteContext& c, Tx& tx) -> json::value {
            return con->cancellation(tx, c.requireActor(), c.param("id"), c.body());
        });

    // Notifications
    add("GET", "/api/agent/notifications", R, false, 200, "notifications:read", "My notifications",
        [ntf](RouteContext& c, Tx& tx) -> json::value { return ntf->list(tx, c.requireActor(), c.query); });
    add("GET", "/api/agent/notifications/unread-count", R, false, 200, "notifications:read", "Unread count",
        [ntf](RouteContext& c, Tx& tx) -> json::value { return ntf->unreadCount(tx, c.requireActor()); });
    add("POST", "/api/agent/notifications/read-all", R, true, 200, "notifications:write", "Mark all read",
        [ntf](RouteContext& c, Tx& tx) -> json::value { return ntf->markAllRead(tx, c.requireActor()); });
    add("POST", "/api/agent/notifications/:id/read", R, true, 200, "notifications:write", "Mark one read",
        [ntf](RouteContext& c, Tx& tx) -> json::value {
            return ntf->markRead(tx, c.requireActor(), c.param("id"));
        });

    registerConversationRoutes();
    registerFileRoutes();
    registerWebhookRoutes();
    registerEventRoutes();
    registerReviewRoutes();
    registerVerificationRoutes();
    registerCredentialRoutes();
    registerProtectedRoutes();
    registerMarketplaceRoutes();
    registerOperationsRoutes(); // last: it documents every route registered before it
}

} // namespace taskdesk::http
