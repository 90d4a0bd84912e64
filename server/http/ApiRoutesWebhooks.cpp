// Routes for webhooks and their delivery log.
#include "Actor.h"
#include "ApiServer.h"
#include "Database.h"
#include "Input.h"
#include "Platform.h"
#include "WebhookService.h"

#include <memory>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

void ApiServer::registerWebhookRoutes()
{
    auto hooks = std::make_shared<domain::WebhookService>(m_p);
    auto add = [this](std::string method, std::string pattern, bool write, int status, std::string scope,
                      std::string summary, auto handler, std::function<void(RouteContext&)> prepare = {}) {
        Route r = Route::make(std::move(method), std::move(pattern), AuthMode::Required, write, status,
                              std::move(scope), std::move(summary), handler);
        r.prepare = std::move(prepare);
        m_router.add(std::move(r));
    };
    // The target's name is resolved before the transaction opens (a slow resolver must not
    // hold the database); the handler reports a bad URL only after the checks that come first.
    const bool allowPrivate = m_p.settings.allowPrivateWebhooks;
    auto checkUrl = [allowPrivate](RouteContext& ctx) {
        ctx.deferBodyErrors = true;
        const auto* url = ctx.body().if_contains("url");
        if (!url || !url->is_string())
            return;
        bool ok = false;
        std::string reason;
        const std::string text = domain::Input::checkText(std::string(url->as_string()), 1, 2048, ok, reason);
        if (!ok)
            return;
        ctx.prepared =
            std::make_shared<domain::WebhookTarget>(domain::WebhookService::checkTarget(text, allowPrivate));
    };
    auto checked = [](RouteContext& c) {
        return static_cast<const domain::WebhookTarget*>(c.prepared.get());
    };

    add(
        "POST", "/api/agent/webhooks", true, 201, "webhooks:write",
        "Subscribe a URL to notifications {url, events[] | [\"*\"], secret?} (at most 5; an omitted secret "
        "is "
        "generated and shown once)",
        [hooks, checked](RouteContext& c, Tx& tx) -> json::value {
            return hooks->create(tx, c.requireActor(), c.body(), checked(c));
        },
        checkUrl);
    add("GET", "/api/agent/webhooks", false, 200, "webhooks:read", "My webhooks",
        [hooks](RouteContext& c, Tx& tx) -> json::value {
            return hooks->list(tx, c.requireActor(), c.query);
        });
    add("GET", "/api/agent/webhooks/:id", false, 200, "webhooks:read", "A webhook, with its delivery counts",
        [hooks](RouteContext& c, Tx& tx) -> json::value {
            return hooks->get(tx, c.requireActor(), c.param("id"));
        });
    add(
        "PATCH", "/api/agent/webhooks/:id", true, 200, "webhooks:write",
        "Change a webhook {url?, events?, secret?, rotateSecret?, active?}",
        [hooks, checked](RouteContext& c, Tx& tx) -> json::value {
            return hooks->update(tx, c.requireActor(), c.param("id"), c.body(), checked(c));
        },
        checkUrl);
    add("DELETE", "/api/agent/webhooks/:id", true, 200, "webhooks:write",
        "Delete a webhook and its delivery log", [hooks](RouteContext& c, Tx& tx) -> json::value {
            return hooks->remove(tx, c.requireActor(), c.param("id"));
        });
    add("GET", "/api/agent/webhooks/:id/deliveries", false, 200, "webhooks:read",
        "Delivery attempts, newest first (status code or error, duration)",
        [hooks](RouteContext& c, Tx& tx) -> json::value {
            return hooks->deliveries(tx, c.requireActor(), c.param("id"), c.query);
        });
}

} // namespace taskdesk::http
