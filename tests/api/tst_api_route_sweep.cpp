// Every route the server has, from the attacker's side, without a hand-kept list of
// routes: the server's own OpenAPI document (generated from the route table) names
// them, so a route added tomorrow is swept too. What IS kept by hand is the short
// list of routes meant to be public; a new route that answers strangers fails here
// until someone decides it should and adds it below.
//
//  - anonymous callers, a forged Bearer token and a forged HMAC key get 401 from
//    every route but the public ones;
//  - a stranger asking for an id that does not exist gets 404 from every route
//    with an id, never a 2xx or a 5xx;
//  - a malformed or non-object JSON body gets 400 with the error shape from every
//    write route, including the ones that do not read a body, and changes nothing;
//  - /metrics answers this machine only (not a client behind a trusted proxy).
#include "PlatformServer.h"
#include "TestServer.h"

#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

struct Op
{
    std::string method;
    std::string path; // OpenAPI form: /api/agent/tasks/{id}
};

// The routes that answer without credentials, each on purpose.
const std::set<std::pair<std::string, std::string>> kPublic = {
    {"GET", "/healthz"},
    {"GET", "/api/openapi.json"},
    {"GET", "/skill.md"},
    {"GET", "/metrics"}, // loopback only: metricsAreForThisMachineOnly
    {"POST", "/api/agent/register"},
    {"POST", "/api/agent/login"},
    {"GET", "/api/tasks"},
    {"GET", "/api/tasks/{id}"},
    {"GET", "/api/skills"},
    {"GET", "/api/skills/{id}"},
    {"GET", "/api/profiles/{id}"},
    {"GET", "/api/profiles/{id}/reviews"},
    {"GET", "/api/profiles/{id}/payout-methods"},
};

bool isWrite(const std::string& m)
{
    return m == "POST" || m == "PATCH" || m == "PUT" || m == "DELETE";
}

// An id of the right shape that names nothing.
std::string concrete(const std::string& openApiPath)
{
    static const std::regex param("\\{[^}]+\\}");
    return std::regex_replace(openApiPath, param, "zz_0000000000000000nothing");
}

std::string problemWithShape(const Reply& r)
{
    const auto o = r.obj();
    const auto* e = o.if_contains("error");
    const auto* c = o.if_contains("code");
    const auto* t = o.if_contains("retry");
    if (!e || !e->is_string() || e->as_string().empty())
        return "no \"error\" text";
    if (!c || !c->is_string() || c->as_string().empty())
        return "no \"code\"";
    if (!t || !t->is_bool())
        return "no boolean \"retry\"";
    return {};
}

std::string brief(const Reply& r)
{
    if (r.status == 0)
        return "no response (" + r.error + ")";
    return std::to_string(r.status) + " " + r.body.substr(0, 200);
}

} // namespace

class ApiRouteSweepTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    std::vector<Op> m_ops;

    void loadOps()
    {
        m_ops.clear();
        const auto r = m_srv->client().call("GET", "/api/openapi.json");
        QCOMPARE(r.status, 200);
        const auto doc = r.obj();
        for (const auto& [path, item] : doc.at("paths").as_object()) {
            for (const auto& [method, op] : item.as_object()) {
                std::string m(method);
                std::transform(m.begin(), m.end(), m.begin(), ::toupper);
                m_ops.push_back({m, std::string(path)});
            }
        }
        // The sweep is only as good as the document: it must list the route families
        // of every area, old and new.
        for (const char* must : {"/api/agent/tasks/{id}/claim", "/api/agent/delegations/{id}",
                                 "/api/agent/tasks/{id}/protected-access/{reqId}/grant",
                                 "/api/support/disputes/{id}/resolve", "/api/agent/me/api-keys"}) {
            const bool listed =
                std::any_of(m_ops.begin(), m_ops.end(), [&](const Op& o) { return o.path == must; });
            QVERIFY2(listed, (std::string("the OpenAPI document does not list ") + must).c_str());
        }
        QVERIFY2(m_ops.size() >= 100, "fewer operations than the server is known to have");
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        loadOps();
    }
    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        m_srv.reset();
    }

    void anonymousAndForgedCredentialsAreRefused()
    {
        auto c = m_srv->client();
        const std::string now = std::to_string(std::time(nullptr));
        const std::vector<std::pair<const char*, std::vector<std::pair<std::string, std::string>>>> callers =
            {
                {"no credentials", {}},
                {"a forged Bearer token",
                 {{"Authorization", "Bearer td_forged0000000000000000000000000000"}}},
                {"a Basic header", {{"Authorization", "Basic bWFsbG9yeTpwYXNzd29yZA=="}}},
                {"a forged API key",
                 {{"X-Agent-Key", "ak_forged000000000000"},
                  {"X-Agent-Timestamp", now},
                  {"X-Agent-Signature", std::string(64, 'a')}}},
            };
        std::vector<std::string> problems;
        int checked = 0;
        for (const auto& op : m_ops) {
            if (kPublic.count({op.method, op.path}))
                continue;
            for (const auto& [who, headers] : callers) {
                auto h = headers;
                h.emplace_back("Content-Type", "application/json");
                const auto r = c.request(op.method, concrete(op.path), isWrite(op.method) ? "{}" : "", h);
                ++checked;
                if (r.status != 401)
                    problems.push_back(op.method + " " + op.path + " with " + who + ": " + brief(r));
                else if (const auto p = problemWithShape(r); !p.empty())
                    problems.push_back(op.method + " " + op.path + " with " + who + ": " + p);
            }
        }
        qInfo("%d calls to %d non-public operations", checked, int(m_ops.size() - kPublic.size()));
        std::string all;
        for (const auto& p : problems)
            all += "\n  " + p;
        QVERIFY2(problems.empty(), ("answered a caller without valid credentials:" + all).c_str());
    }

    void unknownIdsAreNotFoundForAStranger()
    {
        const auto mallory = m_srv->registerMember("mallory", {"python"});
        auto c = m_srv->client();
        std::vector<std::string> problems;
        int withIds = 0;
        for (const auto& op : m_ops) {
            if (op.path.find('{') == std::string::npos)
                continue;
            ++withIds;
            const auto r = c.call(op.method, concrete(op.path), mallory.token,
                                  isWrite(op.method) ? json::value(json::object{}) : json::value(nullptr));
            if (r.status != 404)
                problems.push_back(op.method + " " + op.path + ": " + brief(r));
            else if (const auto p = problemWithShape(r); !p.empty())
                problems.push_back(op.method + " " + op.path + ": " + p);
        }
        QVERIFY2(withIds >= 60, "fewer routes with ids than the server is known to have");
        std::string all;
        for (const auto& p : problems)
            all += "\n  " + p;
        QVERIFY2(problems.empty(), ("an unknown id did not answer 404:" + all).c_str());
    }

    void malformedBodiesAreRefusedEverywhere()
    {
        const auto mallory = m_srv->registerMember("mallory", {"python"});
        auto c = m_srv->client();
        const auto before = m_srv->ledger();
        const auto tokenCount = [&] {
            const auto r = c.call("GET", "/api/agent/me/tokens", mallory.token);
            return r.obj().contains("tokens") ? int(r.obj().at("tokens").as_array().size()) : -1;
        };
        const int tokensBefore = tokenCount();
        QCOMPARE(tokensBefore, 1);
        const std::string deep = std::string(5000, '[') + std::string(5000, ']');
        const std::vector<std::pair<const char*, std::string>> bodies = {
            {"truncated JSON", "{\"title\": "},
            {"an array", "[]"},
            {"null", "null"},
            {"a string", "\"hello\""},
            {"a number", "42"},
            {"deep nesting", deep},
            {"invalid UTF-8", "{\"title\": \"\xff\xfe\"}"},
            {"trailing garbage", "{} {}"},
        };
        std::vector<std::string> problems;
        int writes = 0;
        for (const auto& op : m_ops) {
            // Routes with ids answer 404 first (the sweep above; the fuzz target reaches
            // their bodies with real ids), and files take raw bytes on purpose.
            if (!isWrite(op.method) || op.method == "DELETE" || op.path.find('{') != std::string::npos ||
                op.path == "/api/agent/files")
                continue;
            ++writes;
            for (const auto& [what, body] : bodies) {
                const auto r = c.request(
                    op.method, op.path, body,
                    {{"Authorization", "Bearer " + mallory.token}, {"Content-Type", "application/json"}});
                if (r.status != 400)
                    problems.push_back(op.method + " " + op.path + " with " + what + ": " + brief(r));
                else if (const auto p = problemWithShape(r); !p.empty())
                    problems.push_back(op.method + " " + op.path + " with " + what + ": " + p);
            }
        }
        QVERIFY2(writes >= 19, "fewer write routes without ids than the server is known to have");
        std::string all;
        for (const auto& p : problems)
            all += "\n  " + p;
        QVERIFY2(problems.empty(), ("a malformed body was not refused with 400:" + all).c_str());
        // Nothing happened: no money moved, no token was made.
        QCOMPARE(m_srv->ledger().transfers, before.transfers);
        QCOMPARE(tokenCount(), tokensBefore);
    }

    void metricsAreForThisMachineOnly()
    {
        auto c = m_srv->client();
        auto r = c.call("GET", "/metrics");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.find("taskdesk_ledger_escrow_balance_cents") != std::string::npos);

        // Behind a proxy the server believes, the caller is the forwarded client.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        taskdesk::PlatformServerConfig cfg;
        cfg.database = dir.filePath(QStringLiteral("proxied.sqlite")).toStdString();
        cfg.settings.dataDir = dir.filePath(QStringLiteral("files")).toStdString();
        cfg.rateLimits = false;
        cfg.threads = 1;
        cfg.jobInterval = std::chrono::hours(24);
        cfg.trustedProxies = {"127.0.0.1"};
        taskdesk::PlatformServer proxied(cfg);
        proxied.start();
        HttpClient pc("127.0.0.1", proxied.port());
        r = pc.request("GET", "/metrics", {}, {{"X-Forwarded-For", "203.0.113.9"}});
        QCOMPARE(r.status, 404);
        QVERIFY(r.body.find("escrow") == std::string::npos);
        // A local scraper through the same proxy still gets them.
        r = pc.request("GET", "/metrics", {}, {{"X-Forwarded-For", "127.0.0.1"}});
        QCOMPARE(r.status, 200);
        // Without a trusted proxy, a forged X-Forwarded-For changes nothing.
        r = c.request("GET", "/metrics", {}, {{"X-Forwarded-For", "203.0.113.9"}});
        QCOMPARE(r.status, 200);
        proxied.stop();
    }
};

TASKDESK_API_TEST_MAIN(ApiRouteSweepTest)
#include "tst_api_route_sweep.moc"
