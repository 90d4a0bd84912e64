// Operations endpoints: the OpenAPI document generated from the route table,
// the Prometheus exposition, the agent guide, and the health check.
#include "ApiServer.h"
#include "Database.h"
#include "Router.h"
#include "TestServer.h"

#include <QRegularExpression>
#include <QTest>
#include <map>
#include <set>
#include <thread>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

std::string str(const json::value& v)
{
    return std::string(v.as_string());
}

std::string toOpenApiPath(const std::string& pattern)
{
    static const QRegularExpression param(QStringLiteral(":([A-Za-z][A-Za-z0-9_]*)"));
    return QString::fromStdString(pattern).replace(param, QStringLiteral("{\\1}")).toStdString();
}

// Every endpoint this suite knows the server must serve (OpenAPI paths).
// Areas added later only lengthen the live route table, which is checked in full too.
const std::vector<std::pair<std::string, std::string>> kKnownRoutes = {
    {"get", "/healthz"},
    {"post", "/api/agent/register"},
    {"post", "/api/agent/login"},
    {"get", "/api/agent/me"},
    {"patch", "/api/agent/me"},
    {"get", "/api/agent/me/tokens"},
    {"post", "/api/agent/me/tokens"},
    {"delete", "/api/agent/me/tokens/{id}"},
    {"get", "/api/agent/me/payout-methods"},
    {"post", "/api/agent/me/payout-methods"},
    {"patch", "/api/agent/me/payout-methods/{id}"},
    {"delete", "/api/agent/me/payout-methods/{id}"},
    {"get", "/api/agent/me/keys"},
    {"post", "/api/agent/me/keys"},
    {"delete", "/api/agent/me/keys/{id}"},
    {"post", "/api/agent/heartbeat"},
    {"get", "/api/agent/stats"},
    {"get", "/api/profiles/{id}"},
    {"get", "/api/profiles/{id}/reviews"},
    {"get", "/api/profiles/{id}/payout-methods"},
    {"get", "/api/agent/wallet"},
    {"get", "/api/agent/wallet/transactions"},
    {"get", "/api/support/ledger/verify"},
    {"get", "/api/tasks"},
    {"get", "/api/tasks/{id}"},
    {"patch", "/api/tasks/{id}"},
    {"post", "/api/agent/tasks"},
    {"get", "/api/agent/tasks"},
    {"get", "/api/agent/tasks/{id}"},
    {"post", "/api/agent/tasks/{id}/cancel"},
    {"post", "/api/agent/tasks/{id}/split"},
    {"get", "/api/agent/tasks/{id}/comments"},
    {"post", "/api/agent/tasks/{id}/comments"},
    {"post", "/api/agent/tasks/{id}/claim"},
    {"get", "/api/agent/tasks/{id}/applications"},
    {"post", "/api/agent/tasks/{id}/applications/{appId}/approve"},
    {"post", "/api/agent/tasks/{id}/applications/{appId}/reject"},
    {"post", "/api/agent/tasks/{id}/submissions"},
    {"get", "/api/agent/tasks/{id}/submissions"},
    {"post", "/api/agent/tasks/{id}/submissions/{subId}/decision"},
    {"post", "/api/agent/tasks/{id}/bids"},
    {"get", "/api/agent/tasks/{id}/bids"},
    {"get", "/api/agent/bids"},
    {"get", "/api/agent/bids/{id}"},
    {"patch", "/api/agent/bids/{id}"},
    {"get", "/api/agent/bids/{id}/counter-offers"},
    {"post", "/api/agent/bids/{id}/counter-offers"},
    {"patch", "/api/agent/bids/{id}/counter-offers/{coId}"},
    {"post", "/api/agent/bids/{id}/counter-offers/{coId}/accept"},
    {"post", "/api/agent/bids/{id}/counter-offers/{coId}/reject"},
    {"post", "/api/agent/contracts"},
    {"get", "/api/agent/contracts"},
    {"get", "/api/agent/contracts/{id}"},
    {"post", "/api/agent/contracts/{id}/submissions"},
    {"get", "/api/agent/contracts/{id}/submissions"},
    {"post", "/api/agent/contracts/{id}/decision"},
    {"post", "/api/agent/contracts/{id}/reviews"},
    {"get", "/api/agent/contracts/{id}/reviews"},
    {"post", "/api/agent/contracts/{id}/cancellation"},
    {"get", "/api/agent/notifications"},
    {"get", "/api/agent/notifications/unread-count"},
    {"post", "/api/agent/notifications/read-all"},
    {"post", "/api/agent/notifications/{id}/read"},
    {"get", "/api/agent/events"},
    {"post", "/api/agent/files"},
    {"get", "/api/agent/files/{id}"},
    {"get", "/api/agent/files/{id}/meta"},
    {"get", "/api/openapi.json"},
    {"get", "/metrics"},
    {"get", "/skill.md"},
};

struct Exposition
{
    std::map<std::string, double> samples; // "name{labels}" -> value
    std::map<std::string, std::string> types;
    std::vector<std::string> badLines;
};

// Parses the text format 0.0.4 strictly enough to catch malformed output.
Exposition parseExposition(const std::string& text)
{
    static const QRegularExpression sample(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\"(,[a-zA-"
                       "Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\")*)?\\})? "
                       "(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf)$"));
    static const QRegularExpression type(
        QStringLiteral("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$"));
    static const QRegularExpression help(QStringLiteral("^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*$"));
    Exposition e;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) {
            e.badLines.push_back("(no final newline)");
            end = text.size();
        }
        const QString line = QString::fromStdString(text.substr(start, end - start));
        start = end + 1;
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1Char('#'))) {
            if (auto m = type.match(line); m.hasMatch())
                e.types[m.captured(1).toStdString()] = m.captured(2).toStdString();
            else if (!help.match(line).hasMatch())
                e.badLines.push_back(line.toStdString());
            continue;
        }
        const auto m = sample.match(line);
        if (!m.hasMatch()) {
            e.badLines.push_back(line.toStdString());
            continue;
        }
        const int space = static_cast<int>(line.lastIndexOf(QLatin1Char(' ')));
        const QString value = line.mid(space + 1);
        double v = value == QStringLiteral("+Inf") ? 1e308 : value.toDouble();
        e.samples[line.left(space).toStdString()] = v;
    }
    return e;
}

} // namespace

class ApiOperationsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

    Exposition scrape()
    {
        const auto r = m_srv->client().request("GET", "/metrics");
        if (r.status != 200)
            qWarning("metrics: %d %s", r.status, r.body.c_str());
        return parseExposition(r.body);
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
    }
    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        m_srv.reset();
    }

    void healthz()
    {
        const auto r = m_srv->client().call("GET", "/healthz");
        QCOMPARE(r.status, 200);
        QCOMPARE(str(r.obj().at("status")), std::string("ok"));
    }

    void openApiListsEveryRoute()
    {
        const auto r = m_srv->client().call("GET", "/api/openapi.json");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.headers.at("content-type").rfind("application/json", 0) == 0,
                 r.headers.at("content-type").c_str());
        const auto doc = r.obj();
        QVERIFY2(!doc.empty(), "the document must parse as a JSON object");
        QVERIFY(str(doc.at("openapi")).rfind("3.", 0) == 0);
        QCOMPARE(str(doc.at("openapi")), std::string("3.0.3"));
        QVERIFY(doc.at("info").as_object().contains("title"));
        QVERIFY(doc.at("info").as_object().contains("version"));
        const auto& paths = doc.at("paths").as_object();
        const auto& components = doc.at("components").as_object();
        QVERIFY(components.at("schemas").as_object().contains("Error"));
        QCOMPARE(str(components.at("securitySchemes").at("bearerAuth").at("scheme")), std::string("bearer"));
        // HMAC signing: three header schemes that a client sends together.
        for (const auto& [scheme, headerName] :
             std::vector<std::pair<std::string, std::string>>{{"agentKey", "X-Agent-Key"},
                                                              {"agentTimestamp", "X-Agent-Timestamp"},
                                                              {"agentSignature", "X-Agent-Signature"}}) {
            const auto& sc = components.at("securitySchemes").at(scheme);
            QCOMPARE(str(sc.at("type")), std::string("apiKey"));
            QCOMPARE(str(sc.at("in")), std::string("header"));
            QCOMPARE(str(sc.at("name")), headerName);
        }

        // Every (method, path) in the document, checked for shape on the way.
        static const std::set<std::string> methods{"get",    "post", "put",    "patch",
                                                   "delete", "head", "options"};
        std::set<std::pair<std::string, std::string>> documented;
        std::set<std::string> operationIds;
        for (const auto& [path, item] : paths) {
            for (const auto& [method, opv] : item.as_object()) {
                QVERIFY2(methods.count(std::string(method)), std::string(method).c_str());
                const std::string where = std::string(method) + " " + std::string(path);
                const auto& op = opv.as_object();
                documented.emplace(std::string(method), std::string(path));
                QVERIFY2(operationIds.insert(str(op.at("operationId"))).second,
                         ("duplicate operationId: " + where).c_str());
                QVERIFY2(op.contains("summary"), where.c_str());
                QVERIFY2(op.at("security").is_array(), where.c_str());
                const auto& responses = op.at("responses").as_object();
                QVERIFY2(responses.contains("500") && responses.contains("429"), where.c_str());
                QCOMPARE(str(responses.at("500").at("$ref")),
                         std::string("#/components/responses/InternalError"));
                // Each {param} in the path is declared as a required path parameter.
                static const QRegularExpression param(QStringLiteral("\\{([^}]+)\\}"));
                auto it = param.globalMatch(QString::fromStdString(std::string(path)));
                while (it.hasNext()) {
                    const std::string name = it.next().captured(1).toStdString();
                    bool declared = false;
                    for (const auto& p : op.at("parameters").as_array())
                        if (p.as_object().contains("in") && str(p.at("in")) == "path" &&
                            str(p.at("name")) == name && p.at("required").as_bool())
                            declared = true;
                    QVERIFY2(declared, (where + " lacks path parameter " + name).c_str());
                    QVERIFY2(responses.contains("404"), where.c_str());
                }
            }
        }

        // The live route table, all of it, and nothing else.
        taskdesk::http::ApiServer api(m_srv->server().platform(), false);
        const auto& routes = api.router().routes();
        QVERIFY(routes.size() >= kKnownRoutes.size());
        QCOMPARE(documented.size(), routes.size());
        for (const auto& route : routes) {
            std::string m = route.method;
            for (char& ch : m)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            const std::string path = toOpenApiPath(route.pattern);
            const std::string where = route.method + " " + route.pattern;
            QVERIFY2(documented.count({m, path}), ("undocumented route: " + where).c_str());
            const auto& op = paths.at(path).at(m).as_object();
            QCOMPARE(str(op.at("summary")), route.summary);
            if (!route.scope.empty()) {
                QCOMPARE(str(op.at("x-required-scope")), route.scope);
                QVERIFY2(str(op.at("description")).find(route.scope) != std::string::npos, where.c_str());
            }
            const auto& security = op.at("security").as_array();
            if (route.auth == taskdesk::http::AuthMode::None) {
                QVERIFY2(security.empty(), where.c_str());
            } else {
                QVERIFY2(!security.empty() && security[0].as_object().contains("bearerAuth"), where.c_str());
                QVERIFY2(security.size() >= 2 && security[1].as_object().size() == 3 &&
                             security[1].as_object().contains("agentSignature"),
                         where.c_str());
                QCOMPARE(str(op.at("responses").at("401").at("$ref")),
                         std::string("#/components/responses/Unauthorized"));
            }
            QVERIFY2(op.at("responses").as_object().contains(std::to_string(route.status)), where.c_str());
        }
        // And every route this suite knows of is in both.
        for (const auto& [m, p] : kKnownRoutes)
            QVERIFY2(documented.count({m, p}), ("missing from the document: " + m + " " + p).c_str());
    }

    void metricsCountRequests()
    {
        auto first = scrape();
        QVERIFY2(first.badLines.empty(), first.badLines.empty() ? "" : first.badLines.front().c_str());
        QCOMPARE(first.types["taskdesk_http_requests_total"], std::string("counter"));
        QCOMPARE(first.types["taskdesk_http_request_duration_seconds"], std::string("histogram"));
        const std::string healthKey =
            "taskdesk_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}";
        const std::string missingKey =
            "taskdesk_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}";
        const std::string taskKey =
            "taskdesk_http_requests_total{route=\"/api/tasks/:id\",method=\"GET\",status=\"404\"}";
        const double health0 = first.samples.count(healthKey) ? first.samples[healthKey] : 0;

        auto c = m_srv->client();
        for (int i = 0; i < 5; ++i)
            QCOMPARE(c.call("GET", "/healthz").status, 200);
        QCOMPARE(c.call("GET", "/no/such/path").status, 404);
        QCOMPARE(c.call("GET", "/api/tasks/tsk_nope").status, 404);
        QCOMPARE(c.request("BREW", "/no/such/path").status, 404);

        auto second = scrape();
        QVERIFY2(second.badLines.empty(), second.badLines.empty() ? "" : second.badLines.front().c_str());
        QCOMPARE(second.samples[healthKey], health0 + 5);
        QCOMPARE(second.samples[missingKey], 1.0);
        QCOMPARE(second.samples[taskKey], 1.0);
        // Unknown methods are folded into one label value.
        QCOMPARE(
            second
                .samples["taskdesk_http_requests_total{route=\"unmatched\",method=\"OTHER\",status=\"404\"}"],
            1.0);
        // The scrape before counts too.
        QVERIFY(
            second
                .samples["taskdesk_http_requests_total{route=\"/metrics\",method=\"GET\",status=\"200\"}"] >=
            1);

        // The histogram: cumulative buckets, +Inf equal to _count, the listed bounds.
        const std::string h = "taskdesk_http_request_duration_seconds";
        const std::string labels = "route=\"/healthz\",method=\"GET\"";
        double previous = 0;
        for (const char* le :
             {"0.001", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5"}) {
            const std::string key = h + "_bucket{" + labels + ",le=\"" + le + "\"}";
            QVERIFY2(second.samples.count(key), key.c_str());
            QVERIFY(second.samples[key] >= previous);
            previous = second.samples[key];
        }
        const double inf = second.samples[h + "_bucket{" + labels + ",le=\"+Inf\"}"];
        QVERIFY(inf >= previous);
        QCOMPARE(second.samples[h + "_count{" + labels + "}"], inf);
        QVERIFY(inf >= health0 + 5);
        QVERIFY(second.samples.count(h + "_sum{" + labels + "}"));
    }

    void metricsLedgerGauges()
    {
        const auto owner = m_srv->registerMember("gauge_owner");
        m_srv->registerMember("gauge_other");
        auto c = m_srv->client();
        auto r = c.call("POST", "/api/agent/tasks", owner.token,
                        json::object{{"title", "Count the widgets"},
                                     {"description", "Count the widgets in the picture."},
                                     {"budgetAmount", 25.5},
                                     {"budgetCurrency", "CREDITS"}});
        QCOMPARE(r.status, 201);
        auto e = scrape();
        QVERIFY(e.badLines.empty());
        const auto l = m_srv->ledger();
        QCOMPARE(e.types["taskdesk_ledger_transfers"], std::string("gauge"));
        QCOMPARE(e.samples["taskdesk_ledger_transfers"], static_cast<double>(l.transfers));
        QCOMPARE(e.samples["taskdesk_ledger_transfers"], 3.0); // two grants and one escrow
        QCOMPARE(e.samples["taskdesk_ledger_mint_balance_cents"], -200000.0);
        QCOMPARE(e.samples["taskdesk_ledger_fees_balance_cents"], 0.0);
        QCOMPARE(e.samples["taskdesk_ledger_escrow_balance_cents"], 2550.0);
        QVERIFY(e.samples["taskdesk_ledger_accounts"] >= 4); // mint, two available, one escrow
        QVERIFY(e.samples.count("taskdesk_webhook_backlog"));
        QCOMPARE(e.types["taskdesk_webhook_backlog"], std::string("gauge"));
        // The backlog is the outbox's undelivered rows when the webhooks area has one, else 0.
        long long backlog = 0;
        {
            taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                            taskdesk::store::Transaction::Mode::Read);
            const bool sqlite = tx.backend() == taskdesk::store::Backend::Sqlite;
            const auto exists = tx.scalarInt(
                sqlite
                    ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
                      "'webhook_deliveries'"
                    : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'webhook_deliveries'"
                      " AND table_schema = current_schema()");
            if (exists.value_or(0) > 0)
                backlog =
                    tx.scalarInt(
                          "SELECT COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'sending')")
                        .value_or(0);
        }
        QCOMPARE(e.samples["taskdesk_webhook_backlog"], static_cast<double>(backlog));
    }

    void metricsUnderConcurrency()
    {
        const std::string key =
            "taskdesk_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}";
        auto before = scrape();
        const double base = before.samples.count(key) ? before.samples[key] : 0;
        const std::uint16_t port = m_srv->port();
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([port, &ok] {
                HttpClient c("127.0.0.1", port);
                for (int i = 0; i < 25; ++i)
                    if (c.request("GET", "/healthz").status == 200)
                        ++ok;
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(ok.load(), 100);
        auto after = scrape();
        QCOMPARE(after.samples[key], base + 100);
    }

    void skillGuide()
    {
        const auto r = m_srv->client().request("GET", "/skill.md");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.headers.at("content-type").rfind("text/markdown", 0) == 0,
                 r.headers.at("content-type").c_str());
        QVERIFY(r.body.rfind("---\n", 0) == 0);
        for (const char* needle : {"# TaskDesk",
                                   "POST /api/agent/register",
                                   "/api/agent/login",
                                   "Authorization: Bearer",
                                   "tokenScopes",
                                   "/api/tasks",
                                   "/api/agent/tasks/TASK_ID/bids",
                                   "/api/agent/tasks/TASK_ID/claim",
                                   "/api/agent/tasks/TASK_ID/submissions",
                                   "/api/agent/contracts/CONTRACT_ID/submissions",
                                   "/api/agent/contracts/CONTRACT_ID/decision",
                                   "/api/agent/files",
                                   "X-File-Name",
                                   "attachments",
                                   "/api/agent/notifications/unread-count",
                                   "/api/agent/events",
                                   "Idempotency-Key",
                                   "IDEMPOTENCY_MISMATCH",
                                   "Retry-After",
                                   "429",
                                   "CREDITS",
                                   "escrow",
                                   "MISSING_SCOPE",
                                   "/api/openapi.json"}) {
            QVERIFY2(r.body.find(needle) != std::string::npos, needle);
        }
        // Every endpoint the guide names in a METHOD /path line is one the server serves.
        const auto doc = m_srv->client().call("GET", "/api/openapi.json").obj();
        const auto& paths = doc.at("paths").as_object();
        static const QRegularExpression call(QStringLiteral("`(GET|POST|PATCH|DELETE) (/[^` ?]*)"));
        auto it = call.globalMatch(QString::fromStdString(r.body));
        int checked = 0;
        while (it.hasNext()) {
            const auto m = it.next();
            const std::string path = toOpenApiPath(m.captured(2).toStdString());
            const std::string method = m.captured(1).toLower().toStdString();
            QVERIFY2(paths.contains(path) && paths.at(path).as_object().contains(method),
                     ("the guide names an endpoint the server lacks: " + method + " " + path).c_str());
            ++checked;
        }
        QVERIFY(checked >= 5);
    }
};

TASKDESK_API_TEST_MAIN(ApiOperationsTest)
#include "tst_api_operations.moc"
