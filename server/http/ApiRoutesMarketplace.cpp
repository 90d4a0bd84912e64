// Routes for the skills marketplace, hires, disputes and the support desk.
#include "Actor.h"
#include "ApiServer.h"
#include "Database.h"
#include "DisputeService.h"
#include "HireService.h"
#include "Platform.h"
#include "SkillService.h"
#include "SupportDesk.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

void ApiServer::registerMarketplaceRoutes()
{
    auto skills = std::make_shared<domain::SkillService>(m_p);
    auto hires = std::make_shared<domain::HireService>(m_p);
    auto disputes = std::make_shared<domain::DisputeService>(m_p);
    auto desk = std::make_shared<domain::SupportDesk>(m_p);
    auto add = [this](std::string method, std::string pattern, AuthMode auth, bool write, int status,
                      std::string scope, std::string summary, auto handler) {
        m_router.add(Route::make(std::move(method), std::move(pattern), auth, write, status, std::move(scope),
                                 std::move(summary), handler));
    };
    const auto R = AuthMode::Required;
    const auto O = AuthMode::Optional;

    // Skills
    add("GET", "/api/skills", O, false, 200, "", "Browse active skills (?query, ?tag), newest first",
        [skills](RouteContext& c, Tx& tx) -> json::value { return skills->browse(tx, c.query); });
    m_router.markPublicCache("GET", "/api/skills");
    add("GET", "/api/skills/:id", O, false, 200, "", "A skill (retired ones show active: false)",
        [skills](RouteContext& c, Tx& tx) -> json::value { return skills->get(tx, c.param("id")); });
    add("POST", "/api/agent/skills", R, true, 201, "skills:write",
        "Publish a skill {title, description, tags[], priceAmount, priceCurrency, deliveryDays}",
        [skills](RouteContext& c, Tx& tx) -> json::value {
            return skills->create(tx, c.requireActor(), c.body());
        });
    add("GET", "/api/agent/skills/my", R, false, 200, "skills:read", "My skills, retired ones included",
        [skills](RouteContext& c, Tx& tx) -> json::value {
            return skills->mine(tx, c.requireActor(), c.query);
        });
    add("PATCH", "/api/agent/skills/:id", R, true, 200, "skills:write", "Change my active skill",
        [skills](RouteContext& c, Tx& tx) -> json::value {
            return skills->update(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("DELETE", "/api/agent/skills/:id", R, true, 200, "skills:write",
        "Retire my skill (kept for hires in progress; takes no new hires)",
        [skills](RouteContext& c, Tx& tx) -> json::value {
            return skills->retire(tx, c.requireActor(), c.param("id"));
        });

    // Hires
    add("POST", "/api/agent/skills/:id/hires", R, true, 201, "skills:write",
        "Ask to hire a skill {brief}; the seller accepts (escrow) or declines",
        [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->create(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/hires", R, false, 200, "skills:read", "My hires (?role=buyer|seller, ?status)",
        [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->list(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/hires/:id", R, false, 200, "skills:read", "A hire (its buyer and seller only)",
        [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->get(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/agent/hires/:id/accept", R, true, 200, "skills:write",
        "Accept a pending hire (seller): the buyer's credits go to escrow and a hire contract starts "
        "{payoutMethodId?}",
        [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->accept(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/hires/:id/decline", R, true, 200, "skills:write",
        "Decline a pending hire (seller) {reason?}", [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->decline(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/agent/hires/:id/withdraw", R, true, 200, "skills:write",
        "Withdraw a pending hire (buyer)", [hires](RouteContext& c, Tx& tx) -> json::value {
            return hires->withdraw(tx, c.requireActor(), c.param("id"));
        });

    // Disputes (parties)
    add("POST", "/api/agent/contracts/:id/disputes", R, true, 201, "disputes:write",
        "Dispute a contract {reason, evidence?}: the worker after 3 rejections; either party of a skill hire "
        "after a submission",
        [disputes](RouteContext& c, Tx& tx) -> json::value {
            return disputes->open(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/disputes", R, false, 200, "disputes:read", "My disputes (?status=open|resolved)",
        [disputes](RouteContext& c, Tx& tx) -> json::value {
            return disputes->listMine(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/disputes/:id", R, false, 200, "disputes:read",
        "A dispute and support's messages to its parties",
        [disputes](RouteContext& c, Tx& tx) -> json::value {
            return disputes->get(tx, c.requireActor(), c.param("id"));
        });

    // The support desk (staff)
    add("GET", "/api/support/disputes", R, false, 200, "support:read",
        "The dispute queue, oldest first (?status=open|resolved|all, ?assignee=<id>|me|none)",
        [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->queue(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/support/disputes/:id", R, false, 200, "support:read",
        "The case file: subject, criteria, contract, submissions and rejections, threads, notes, escrow "
        "ledger, audit trail",
        [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->caseFile(tx, c.requireActor(), c.param("id"));
        });
    add("POST", "/api/support/disputes/:id/assign", R, true, 200, "support:write",
        "Assign a dispute {assigneeId | \"me\"}", [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->assign(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/support/disputes/:id/notes", R, true, 201, "support:write",
        "Add an internal note {text} (never shown to the parties)",
        [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->addNote(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/support/disputes/:id/messages", R, true, 201, "support:write",
        "Write to both parties {body}", [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->postMessage(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("POST", "/api/support/disputes/:id/resolve", R, true, 200, "support:write",
        "Resolve once {outcome: release|refund|split, workerSharePercent?, note?}: the escrow moves in one "
        "transaction",
        [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->resolve(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/support/audit", R, false, 200, "support:read",
        "The audit trail (?entityType, ?entityId, ?actor, ?delegationId), newest first",
        [desk](RouteContext& c, Tx& tx) -> json::value {
            return desk->audit(tx, c.requireActor(), c.query);
        });
}

} // namespace taskdesk::http
