// Routes for OpenAPI document, metrics, agent guide.
#include "ApiServer.h"
#include "Database.h"
#include "DomainError.h"
#include "JsonWriter.h"
#include "Metrics.h"
#include "OpenApi.h"
#include "Platform.h"
#include "RawResponse.h"
#include "SkillGuide.h"

#include <chrono>
#include <memory>
#include <mutex>

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

namespace {

bool tableExists(Tx& tx, const char* table)
{
    const auto n = tx.backend() == store::Backend::Sqlite
                       ? tx.scalarInt("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                                      {store::sqlText(table)})
                       : tx.scalarInt("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ?"
                                      " AND table_schema = current_schema()",
                                      {store::sqlText(table)});
    return n.value_or(0) > 0;
}

// The metrics show platform totals (fees, escrow) and traffic: for the operator's own
// scraper on this machine, not for the internet. Behind a trusted proxy the address is
// the real client's (see PlatformServer), so a proxied request is not "local".
bool isLoopback(const std::string& address)
{
    return address.rfind("127.", 0) == 0 || address == "::1" || address.rfind("::ffff:127.", 0) == 0;
}

bool columnExists(Tx& tx, const char* table, const char* column)
{
    const auto n = tx.backend() == store::Backend::Sqlite
                       ? tx.scalarInt("SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?",
                                      {store::sqlText(table), store::sqlText(column)})
                       : tx.scalarInt("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = ?"
                                      " AND column_name = ? AND table_schema = current_schema()",
                                      {store::sqlText(table), store::sqlText(column)});
    return n.value_or(0) > 0;
}

// Deliveries still to be made. The outbox is another area's table: its
// presence and shape are checked at scrape time rather than assumed. The
// webhooks migration names it webhook_deliveries (status pending | sending |
// delivered | failed); webhook_outbox is the name first planned for it.
std::int64_t webhookBacklog(Tx& tx)
{
    for (const char* table : {"webhook_outbox", "webhook_deliveries"}) {
        if (!tableExists(tx, table))
            continue;
        const std::string t(table);
        if (columnExists(tx, table, "status"))
            return tx
                .scalarInt(("SELECT COUNT(*) FROM " + t + " WHERE status IN ('pending', 'sending')").c_str())
                .value_or(0);
        if (columnExists(tx, table, "delivered_at"))
            return tx.scalarInt(("SELECT COUNT(*) FROM " + t + " WHERE delivered_at IS NULL").c_str())
                .value_or(0);
        return tx.scalarInt(("SELECT COUNT(*) FROM " + t).c_str()).value_or(0);
    }
    return 0;
}

} // namespace

void ApiServer::registerOperationsRoutes()
{
    auto add = [this](std::string method, std::string pattern, std::string summary, auto handler) {
        m_router.add(Route::make(std::move(method), std::move(pattern), AuthMode::None, false, 200, {},
                                 std::move(summary), std::move(handler)));
    };

    // Generated once, on first request, from the finished route table.
    struct OpenApiCache
    {
        std::once_flag once;
        std::string body;
    };
    auto openApi = std::make_shared<OpenApiCache>();
    const Router* router = &m_router;
    add("GET", "/api/openapi.json", "This API as an OpenAPI 3.0.3 document, generated from the route table",
        [openApi, router](RouteContext& c, Tx&) -> json::value {
            std::call_once(openApi->once, [&] { openApi->body = toJson(OpenApi::build(router->routes())); });
            auto res = Response::text(200, openApi->body, "application/json");
            res.headers.emplace_back("Cache-Control", "public, max-age=300");
            return respondRaw(c, std::move(res));
        });

    add("GET", "/skill.md",
        "The agent guide (Markdown): register, scopes, browse, bid, claim, deliver, decide, errors",
        [](RouteContext& c, Tx&) -> json::value {
            auto res = Response::text(200, std::string(skillGuideMarkdown()), "text/markdown; charset=utf-8");
            res.headers.emplace_back("Cache-Control", "public, max-age=300");
            return respondRaw(c, std::move(res));
        });

    // Registered before the metrics object is made so that it has a slot too.
    auto metricsHolder = std::make_shared<std::shared_ptr<Metrics>>();
    const auto started = std::chrono::system_clock::now();
    add("GET", "/metrics",
        "Prometheus metrics (text format 0.0.4): requests, latency, ledger, webhook backlog; loopback "
        "callers only",
        [metricsHolder, started](RouteContext& c, Tx& tx) -> json::value {
            if (!isLoopback(c.request.remoteAddress))
                throw domain::DomainError::notFound("Route");
            using S = Metrics::Sample;
            std::vector<S> extra;
            const auto fees = tx.scalarInt("SELECT balance FROM accounts WHERE id = 'fees'").value_or(0);
            const auto mint = tx.scalarInt("SELECT balance FROM accounts WHERE id = 'mint'").value_or(0);
            const auto escrow =
                tx.scalarInt("SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind = 'escrow'")
                    .value_or(0);
            extra.push_back(
                S{"taskdesk_ledger_transfers", "Ledger transfers recorded.", "gauge",
                  static_cast<double>(tx.scalarInt("SELECT COUNT(*) FROM transfers").value_or(0))});
            extra.push_back(
                S{"taskdesk_ledger_accounts", "Ledger accounts.", "gauge",
                  static_cast<double>(tx.scalarInt("SELECT COUNT(*) FROM accounts").value_or(0))});
            extra.push_back(S{"taskdesk_ledger_fees_balance_cents",
                              "Platform fees collected, in CREDITS cents.", "gauge",
                              static_cast<double>(fees)});
            extra.push_back(S{"taskdesk_ledger_mint_balance_cents",
                              "Mint balance in CREDITS cents (negative: the credits issued).", "gauge",
                              static_cast<double>(mint)});
            extra.push_back(S{"taskdesk_ledger_escrow_balance_cents", "CREDITS cents held in escrow.",
                              "gauge", static_cast<double>(escrow)});
            extra.push_back(S{"taskdesk_webhook_backlog", "Webhook deliveries waiting to be made.", "gauge",
                              static_cast<double>(webhookBacklog(tx))});
            if (tableExists(tx, "files")) {
                extra.push_back(
                    S{"taskdesk_files", "Uploaded files (one per upload).", "gauge",
                      static_cast<double>(tx.scalarInt("SELECT COUNT(*) FROM files").value_or(0))});
            }
            extra.push_back(
                S{"taskdesk_process_start_time_seconds", "When this server process started (unix time).",
                  "gauge",
                  static_cast<double>(
                      std::chrono::duration_cast<std::chrono::seconds>(started.time_since_epoch()).count())});
            std::string body = *metricsHolder ? (*metricsHolder)->render(extra) : std::string();
            auto res = Response::text(200, std::move(body), "text/plain; version=0.0.4; charset=utf-8");
            res.headers.emplace_back("Cache-Control", "no-store");
            return respondRaw(c, std::move(res));
        });

    // Every route is registered by now (this area goes last), so the counters
    // get a slot for each route.
    m_metrics = std::make_shared<Metrics>(m_router.routes());
    *metricsHolder = m_metrics;
}

} // namespace taskdesk::http
