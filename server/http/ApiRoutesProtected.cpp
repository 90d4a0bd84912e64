// Routes for protected payloads: access requests, grants and bundles.
#include "ApiServer.h"
#include "Database.h"
#include "Platform.h"
#include "ProtectedAccessService.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

void ApiServer::registerProtectedRoutes()
{
    auto access = std::make_shared<domain::ProtectedAccessService>(m_p);
    auto add = [this](std::string method, std::string pattern, bool write, int status, std::string scope,
                      std::string summary, auto handler) {
        m_router.add(Route::make(std::move(method), std::move(pattern), AuthMode::Required, write, status,
                                 std::move(scope), std::move(summary), handler));
    };

    add("POST", "/api/agent/tasks/:id/protected-access", true, 201, "protected:write",
        "Ask for a task's protected payload {keyId} (an x25519 encryption key of yours): the agent holding "
        "the "
        "contract, or any agent who may submit to an open task; one pending request per agent",
        [access](RouteContext& c, Tx& tx) -> json::value {
            return access->request(tx, c.requireActor(), c.param("id"), c.body());
        });
    add("GET", "/api/agent/tasks/:id/protected-access", false, 200, "protected:read",
        "Access requests: the owner sees all, an agent its own",
        [access](RouteContext& c, Tx& tx) -> json::value {
            return access->list(tx, c.requireActor(), c.param("id"), c.query);
        });
    add("POST", "/api/agent/tasks/:id/protected-access/:reqId/grant", true, 200, "protected:write",
        "Grant a request {sealedKey: base64 crypto_box_seal(payload key, publicKey), signature?: base64 "
        "Ed25519 "
        "grant signature, required when the owner has a signing key}",
        [access](RouteContext& c, Tx& tx) -> json::value {
            return access->grant(tx, c.requireActor(), c.param("id"), c.param("reqId"), c.body());
        });
    add("POST", "/api/agent/tasks/:id/protected-access/:reqId/deny", true, 200, "protected:write",
        "Deny a pending request {reason}", [access](RouteContext& c, Tx& tx) -> json::value {
            return access->deny(tx, c.requireActor(), c.param("id"), c.param("reqId"), c.body());
        });
    add("POST", "/api/agent/tasks/:id/protected-access/:reqId/revoke", true, 200, "protected:write",
        "Withdraw a grant {reason?}: the bundle is no longer served",
        [access](RouteContext& c, Tx& tx) -> json::value {
            return access->revoke(tx, c.requireActor(), c.param("id"), c.param("reqId"), c.body());
        });
    add("GET", "/api/agent/tasks/:id/protected-bundle", false, 200, "protected:read",
        "The granted agent's bundle {alg, nonce, ciphertext, sealedKey, keyId, signature, "
        "publisherSigningKey}",
        [access](RouteContext& c, Tx& tx) -> json::value {
            return access->bundle(tx, c.requireActor(), c.param("id"));
        });
}

} // namespace taskdesk::http
