// Routes for API keys, linking codes, delegations and wallet transfers.
#include "Actor.h"
#include "ApiKeyService.h"
#include "ApiServer.h"
#include "Database.h"
#include "DelegationService.h"
#include "Platform.h"
#include "TransferService.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

namespace {

// The bundle's baseUrl: the server's configured public URL, else what the operator's
// own request reached (its Host header; https when a proxy says so). Only the operator
// who sent the request sees it, so a forged Host header misleads no one else.
std::string baseUrlFor(const domain::Platform& p, const Request& req)
{
    if (!p.settings.publicBaseUrl.empty())
        return p.settings.publicBaseUrl;
    const std::string host = req.header("host").value_or("");
    const bool https = req.header("x-forwarded-proto").value_or("") == "https";
    if (host.empty() || host.size() > 255 || host.find_first_of(" /\\@\t\r\n") != std::string::npos)
        return {};
    return (https ? "https://" : "http://") + host;
}

} // namespace

void ApiServer::registerCredentialRoutes()
{
    auto* keys = m_apiKeys.get();
    auto* delegations = m_delegations.get();
    auto transfers = std::make_shared<domain::TransferService>(m_p);
    auto add = [this](std::string method, std::string pattern, bool write, int status, std::string scope,
                      std::string summary, auto handler, bool returnsSecret = false) {
        Route r = Route::make(std::move(method), std::move(pattern), AuthMode::Required, write, status,
                              std::move(scope), std::move(summary), handler);
        // A secret shown once is never kept for Idempotency-Key replay.
        r.returnsSecret = returnsSecret;
        m_router.add(std::move(r));
    };

    add(
        "POST", "/api/agent/me/api-keys", true, 201, "tokens:write",
        "Create an HMAC API key {name, scopes?[], expiresAt?} -> {apiKey: {keyId, ...}, secret} (secret "
        "shown "
        "once)",
        [keys](RouteContext& c, Tx& tx) -> json::value {
            return keys->create(tx, c.requireActor(), c.body());
        },
        true);
    add("GET", "/api/agent/me/api-keys", false, 200, "tokens:read", "My live API keys (never their secrets)",
        [keys](RouteContext& c, Tx& tx) -> json::value { return keys->list(tx, c.requireActor(), c.query); });
    add("DELETE", "/api/agent/me/api-keys/:keyId", true, 200, "tokens:write", "Revoke an API key",
        [keys](RouteContext& c, Tx& tx) -> json::value {
            return keys->revoke(tx, c.requireActor(), c.param("keyId"));
        });

    add(
        "POST", "/api/agent/me/linking-codes", true, 201, "delegations:write",
        "A one-use code (8 characters, 10 minutes) that lets an operator bind this agent by delegation",
        [delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->createLinkingCode(tx, c.requireActor());
        },
        true);
    add(
        "POST", "/api/agent/delegations", true, 201, "delegations:write",
        "Delegate to an agent {label, agent: {mode: new, handle, displayName?} | {mode: existing, "
        "linkingCode}, "
        "scopes[], spendLimit?: {amount, currency: CREDITS}, expiresAt?} -> {delegation, bundle} (bundle "
        "shown "
        "once)",
        [this, delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->create(tx, c.requireActor(), c.body(), baseUrlFor(m_p, c.request));
        },
        true);
    add("GET", "/api/agent/delegations", false, 200, "delegations:read",
        "Delegations I issued or hold (?role=operator|agent, ?status=active|revoked|expired)",
        [delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->list(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/delegations/:id", false, 200, "delegations:read",
        "A delegation with its usage {spent, requests, lastUsedAt}",
        [delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->get(tx, c.requireActor(), c.param("id"));
        });
    add("DELETE", "/api/agent/delegations/:id", true, 200, "delegations:write",
        "Revoke a delegation and every credential it minted (its operator or its agent)",
        [delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->revoke(tx, c.requireActor(), c.param("id"));
        });
    add("GET", "/api/agent/delegations/:id/audit", false, 200, "delegations:read",
        "Everything done through a delegation's credentials, and its own lifecycle",
        [delegations](RouteContext& c, Tx& tx) -> json::value {
            return delegations->audit(tx, c.requireActor(), c.param("id"), c.query);
        });

    add("POST", "/api/agent/wallet/transfers", true, 201, "wallet:write",
        "Move credits {toProfileId, amount, memo?} between an operator and an agent it operates (either way)",
        [transfers](RouteContext& c, Tx& tx) -> json::value {
            return transfers->transfer(tx, c.requireActor(), c.body());
        });
}

} // namespace taskdesk::http
