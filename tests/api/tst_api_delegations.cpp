// Delegated access over real HTTP, from the attacker's side: minting a new agent
// and binding an existing one by linking code (single use, expiry), the bundle's
// token and API key, scopes outside the delegation, expiry, the cumulative spend
// limit (refunds do not lower it), revocation by the operator and by the agent,
// strangers, wallet transfers with exact figures, and the delegation's audit
// trail. The ledger must balance after every test.
#include "ApiExpect.h"
#include "Clock.h"
#include "JsonPath.h"
#include "RequestSigner.h"
#include "TestServer.h"

#include <QTest>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;
using taskdesk::crypto::RequestSigner;

namespace {

std::string S(const json::value& v, const std::string& path)
{
    return jsonText(jsonPath(v, path));
}

// An amount as cents (amounts are numbers with at most two decimals).
long long C(const json::value& v, const std::string& path)
{
    const auto x = jsonPath(v, path);
    if (!x.is_number())
        return LLONG_MIN;
    return std::llround(x.to_number<double>() * 100);
}

} // namespace

class ApiDelegationsTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_srv;

    Reply call(const std::string& method, const std::string& target, const std::string& token,
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    struct Bundle
    {
        std::string delegationId, profileId, handle, token, keyId, secret;
        json::value raw;
    };

    long long now() const
    {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   m_srv->server().clock().now().time_since_epoch())
            .count();
    }

    Reply signedCall(const Bundle& b, const std::string& method, const std::string& target,
                     const json::value& body = nullptr)
    {
        const std::string text = body.is_null() ? std::string() : json::serialize(body);
        const std::string ts = std::to_string(now());
        std::vector<std::pair<std::string, std::string>> headers = {
            {"X-Agent-Key", b.keyId},
            {"X-Agent-Timestamp", ts},
            {"X-Agent-Signature", RequestSigner::sign(b.secret, ts, method, target, text)}};
        if (!text.empty())
            headers.emplace_back("Content-Type", "application/json");
        return m_srv->client().request(method, target, text, headers);
    }

    static json::array scopes(std::initializer_list<const char*> list)
    {
        json::array a;
        for (const auto* s : list)
            a.emplace_back(s);
        return a;
    }
    static json::array agentScopes()
    {
        return scopes({"profile:read", "tasks:read", "tasks:write", "wallet:read", "wallet:write",
                       "delegations:read", "delegations:write"});
    }

    Bundle delegate(const std::string& operatorToken, json::object agent, json::array sc = agentScopes(),
                    json::value spendLimit = nullptr, const std::string& expiresAt = {})
    {
        json::object body{
            {"label", "test delegation"}, {"agent", std::move(agent)}, {"scopes", std::move(sc)}};
        if (!spendLimit.is_null())
            body["spendLimit"] = spendLimit;
        if (!expiresAt.empty())
            body["expiresAt"] = expiresAt;
        const auto r = call("POST", "/api/agent/delegations", operatorToken, body);
        if (r.status != 201)
            throw std::runtime_error("delegation failed: " + std::to_string(r.status) + " " + r.body);
        const auto j = r.json();
        Bundle b;
        b.delegationId = S(j, "delegation.id");
        b.profileId = S(j, "bundle.profileId");
        b.handle = S(j, "bundle.handle");
        b.token = S(j, "bundle.tokenValue");
        b.keyId = S(j, "bundle.apiKeyId");
        b.secret = S(j, "bundle.apiSecret");
        b.raw = j;
        return b;
    }
    Bundle newAgent(const std::string& operatorToken, const std::string& handle,
                    json::value spendLimit = nullptr, const std::string& expiresAt = {})
    {
        return delegate(operatorToken,
                        json::object{{"mode", "new"}, {"handle", handle}, {"displayName", "Bot"}},
                        agentScopes(), std::move(spendLimit), expiresAt);
    }
    std::string linkingCode(const std::string& agentToken)
    {
        const auto r = call("POST", "/api/agent/me/linking-codes", agentToken);
        if (r.status != 201)
            throw std::runtime_error("linking code failed: " + r.body);
        return S(r.json(), "code");
    }

    long long available(const std::string& token)
    {
        const auto r = call("GET", "/api/agent/wallet", token);
        return r.status == 200 ? C(r.json(), "wallet.available") : LLONG_MIN;
    }
    long long escrow(const std::string& token)
    {
        const auto r = call("GET", "/api/agent/wallet", token);
        return r.status == 200 ? C(r.json(), "wallet.escrow") : LLONG_MIN;
    }

    static json::object task(double budget)
    {
        return json::object{{"title", "Delegated task"},
                            {"description", "Posted through a delegation."},
                            {"budgetAmount", budget},
                            {"budgetCurrency", "CREDITS"}};
    }

    Reply transfer(const std::string& token, const std::string& to, const json::value& amount,
                   const std::string& memo = "funding")
    {
        return call("POST", "/api/agent/wallet/transfers", token,
                    json::object{{"toProfileId", to}, {"amount", amount}, {"memo", memo}});
    }

    std::multiset<std::string> notificationTypes(const std::string& token)
    {
        std::multiset<std::string> out;
        const auto r = call("GET", "/api/agent/notifications?limit=100", token);
        if (r.status != 200)
            return out;
        const json::value list = jsonPath(r.json(), "notifications");
        for (const auto& n : list.as_array())
            out.insert(S(n, "type"));
        return out;
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
    }
    void cleanup()
    {
        if (m_srv) {
            const auto l = m_srv->ledger();
            QVERIFY2(l.balanced && l.sum == 0 && l.negativeAccounts == 0 && l.mismatchedAccounts == 0,
                     "ledger out of balance");
        }
        m_srv.reset();
    }

    void mintNewAgent()
    {
        const auto op = m_srv->registerMember("operator_new", {}, "human");
        const auto b = newAgent(op.token, "bot_new", json::object{{"amount", 100}, {"currency", "CREDITS"}});
        const auto& j = b.raw;
        QVERIFY(b.delegationId.rfind("dlg_", 0) == 0);
        QVERIFY(b.profileId.rfind("prf_", 0) == 0);
        QVERIFY(b.keyId.rfind("ak_", 0) == 0);
        QVERIFY(!b.token.empty() && !b.secret.empty());
        QCOMPARE(jsonPath(j, "bundle.version").to_number<int>(), 1);
        QCOMPARE(QString::fromStdString(b.handle), QStringLiteral("bot_new"));
        QCOMPARE(QString::fromStdString(S(j, "bundle.issuedBy.profileId")), QString::fromStdString(op.id));
        QVERIFY2(S(j, "bundle.baseUrl").rfind("http://127.0.0.1:", 0) == 0, S(j, "bundle.baseUrl").c_str());
        QCOMPARE(C(j, "bundle.spendLimit.amount"), 10000LL);
        QCOMPARE(jsonPath(j, "bundle.scopes").as_array().size(), agentScopes().size());
        QCOMPARE(QString::fromStdString(S(j, "delegation.agent.id")), QString::fromStdString(b.profileId));
        QCOMPARE(QString::fromStdString(S(j, "delegation.status")), QStringLiteral("active"));

        // The token and the API key both act as the new agent, which starts with 0 credits.
        auto r = call("GET", "/api/agent/me", b.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.id")), QString::fromStdString(b.profileId));
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.kind")), QStringLiteral("agent"));
        r = signedCall(b, "GET", "/api/agent/me");
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.id")), QString::fromStdString(b.profileId));
        QCOMPARE(available(b.token), 0LL);
        QCOMPARE(available(op.token), 100000LL);

        // A scope outside the delegation is refused for both credentials.
        EXPECT_ERROR(call("GET", "/api/agent/notifications", b.token), 403, "MISSING_SCOPE");
        EXPECT_ERROR(signedCall(b, "GET", "/api/agent/notifications"), 403, "MISSING_SCOPE");
        // Nor can the delegation's token mint a wider one, or delegate further.
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", b.token, json::object{{"name", "x"}}), 403,
                     "MISSING_SCOPE");
        r = call("POST", "/api/agent/delegations", b.token,
                 json::object{{"label", "chain"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "bot_chain"}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 403, "FORBIDDEN");

        // The handle is taken now; bad bodies are field errors.
        r = call("POST", "/api/agent/delegations", op.token,
                 json::object{{"label", "again"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "BOT_new"}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 409, "DUPLICATE_HANDLE");
        r = call("POST", "/api/agent/delegations", op.token,
                 json::object{{"label", "staff"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "bot_staff"}}},
                              {"scopes", scopes({"support:read"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        r = call("POST", "/api/agent/delegations", op.token,
                 json::object{{"label", "bad"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "b!"}}},
                              {"scopes", scopes({"profile:read"})},
                              {"spendLimit", json::object{{"amount", -5}, {"currency", "CREDITS"}}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(jsonPath(r.json(), "fields").as_object().contains("agent.handle"));
        QVERIFY(jsonPath(r.json(), "fields").as_object().contains("spendLimit"));
        // An operator token without a scope cannot delegate it.
        r = call("POST", "/api/agent/me/tokens", op.token,
                 json::object{{"name", "narrow"}, {"scopes", scopes({"delegations:write", "profile:read"})}});
        EXPECT_STATUS(r, 201);
        r = call("POST", "/api/agent/delegations", S(r.json(), "tokenValue"),
                 json::object{{"label", "wider"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "bot_wider"}}},
                              {"scopes", scopes({"profile:read", "wallet:write"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        // No password login for a minted agent: nothing to log in with.
        r = call(
            "POST", "/api/agent/login", "",
            json::object{{"email", b.profileId + "@delegated.invalid"}, {"password", "anything at all"}});
        EXPECT_STATUS(r, 401);
    }

    void existingAgentByLinkingCode()
    {
        const auto op = m_srv->registerMember("operator_link", {}, "human");
        const auto agent = m_srv->registerMember("agent_link");
        auto r = call("POST", "/api/agent/me/linking-codes", agent.token);
        EXPECT_STATUS(r, 201);
        const std::string code = S(r.json(), "code");
        QCOMPARE(code.size(), std::size_t(8));
        QVERIFY(!S(r.json(), "expiresAt").empty());

        const auto b = delegate(op.token, json::object{{"mode", "existing"}, {"linkingCode", code}});
        QCOMPARE(QString::fromStdString(b.profileId), QString::fromStdString(agent.id));
        QCOMPARE(QString::fromStdString(b.handle), QStringLiteral("agent_link"));
        // Both bundle credentials act as the agent, and its own token is untouched.
        r = call("GET", "/api/agent/me", b.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.id")), QString::fromStdString(agent.id));
        EXPECT_STATUS(signedCall(b, "GET", "/api/agent/me"), 200);
        EXPECT_STATUS(call("GET", "/api/agent/notifications", agent.token), 200);
        QCOMPARE(available(agent.token), 100000LL); // its own credits, not touched

        // The code is single use; a stranger's operator cannot reuse it either.
        const auto other = m_srv->registerMember("operator_other", {}, "human");
        r = call("POST", "/api/agent/delegations", other.token,
                 json::object{{"label", "reuse"},
                              {"agent", json::object{{"mode", "existing"}, {"linkingCode", code}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        // A made-up code, and one that expired (10 minutes).
        r = call("POST", "/api/agent/delegations", other.token,
                 json::object{{"label", "guess"},
                              {"agent", json::object{{"mode", "existing"}, {"linkingCode", "ABCDEFGH"}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        const std::string late = linkingCode(agent.token);
        m_srv->server().clock().advance(std::chrono::minutes(11));
        r = call("POST", "/api/agent/delegations", other.token,
                 json::object{{"label", "late"},
                              {"agent", json::object{{"mode", "existing"}, {"linkingCode", late}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        // An operator cannot bind itself with its own code.
        const std::string own = linkingCode(other.token);
        r = call("POST", "/api/agent/delegations", other.token,
                 json::object{{"label", "self"},
                              {"agent", json::object{{"mode", "existing"}, {"linkingCode", own}}},
                              {"scopes", scopes({"profile:read"})}});
        EXPECT_ERROR(r, 400, "VALIDATION");

        // Lists: the operator's and the agent's side.
        r = call("GET", "/api/agent/delegations?role=operator", op.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "delegations").as_array().size(), std::size_t(1));
        r = call("GET", "/api/agent/delegations?role=agent", agent.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "delegations").as_array().size(), std::size_t(1));
        r = call("GET", "/api/agent/delegations?role=agent", op.token);
        QCOMPARE(jsonPath(r.json(), "delegations").as_array().size(), std::size_t(0));
        EXPECT_ERROR(call("GET", "/api/agent/delegations?role=boss", op.token), 400, "VALIDATION");
        // The bundle's secrets are never shown again.
        r = call("GET", "/api/agent/delegations/" + b.delegationId, op.token);
        EXPECT_STATUS(r, 200);
        QVERIFY(r.body.find(b.token) == std::string::npos && r.body.find(b.secret) == std::string::npos);
    }

    void expiry()
    {
        const auto op = m_srv->registerMember("operator_exp", {}, "human");
        const auto expiresAt =
            taskdesk::domain::Clock::toIso(m_srv->server().clock().now() + std::chrono::hours(1));
        const auto b = newAgent(op.token, "bot_exp", nullptr, expiresAt);
        QCOMPARE(QString::fromStdString(S(b.raw, "bundle.expiresAt")), QString::fromStdString(expiresAt));
        EXPECT_STATUS(call("GET", "/api/agent/me", b.token), 200);
        EXPECT_STATUS(signedCall(b, "GET", "/api/agent/me"), 200);
        m_srv->server().clock().advance(std::chrono::minutes(61));
        EXPECT_ERROR(call("GET", "/api/agent/me", b.token), 401, "UNAUTHORIZED");
        EXPECT_ERROR(signedCall(b, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");
        auto r = call("GET", "/api/agent/delegations/" + b.delegationId, op.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "delegation.status")), QStringLiteral("expired"));
        // A past expiry is a field error.
        r = call("POST", "/api/agent/delegations", op.token,
                 json::object{{"label", "past"},
                              {"agent", json::object{{"mode", "new"}, {"handle", "bot_past"}}},
                              {"scopes", scopes({"profile:read"})},
                              {"expiresAt", "2001-01-01T00:00:00Z"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
    }

    void spendLimit()
    {
        const auto op = m_srv->registerMember("operator_spend", {}, "human");
        const auto b =
            newAgent(op.token, "bot_spend", json::object{{"amount", 100}, {"currency", "CREDITS"}});
        EXPECT_STATUS(transfer(op.token, b.profileId, 300), 201);
        QCOMPARE(available(b.token), 30000LL);

        auto r = call("POST", "/api/agent/tasks", b.token, task(60));
        EXPECT_STATUS(r, 201);
        const std::string first = S(r.json(), "task.id");
        r = signedCall(b, "POST", "/api/agent/tasks", task(30)); // the API key counts against the same limit
        EXPECT_STATUS(r, 201);
        r = call("POST", "/api/agent/tasks", b.token, task(20));
        EXPECT_ERROR(r, 402, "SPEND_LIMIT");
        QCOMPARE(available(b.token), 21000LL); // nothing moved for the refused one
        QCOMPARE(escrow(b.token), 9000LL);

        // A refund does not lower what was committed.
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + first + "/cancel", b.token, json::object{}), 200);
        QCOMPARE(available(b.token), 27000LL);
        EXPECT_ERROR(call("POST", "/api/agent/tasks", b.token, task(20)), 402, "SPEND_LIMIT");
        r = call("POST", "/api/agent/tasks", b.token, task(10)); // exactly up to the limit
        EXPECT_STATUS(r, 201);
        const std::string last = S(r.json(), "task.id");
        // Raising a budget is a commitment too.
        EXPECT_ERROR(call("PATCH", "/api/tasks/" + last, b.token, json::object{{"budgetAmount", 10.01}}), 402,
                     "SPEND_LIMIT");
        QCOMPARE(available(b.token), 26000LL);

        r = call("GET", "/api/agent/delegations/" + b.delegationId, op.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(C(r.json(), "delegation.usage.spent"), 10000LL);
        QCOMPARE(C(r.json(), "delegation.usage.remaining"), 0LL);
        QVERIFY(jsonPath(r.json(), "delegation.usage.requests").to_number<long long>() >= 1);
        QVERIFY(!jsonPath(r.json(), "delegation.usage.lastUsedAt").is_null());
        // The operator itself is not limited by its agent's delegation.
        EXPECT_STATUS(call("POST", "/api/agent/tasks", op.token, task(200)), 201);
    }

    // Concurrent posts through one delegation: the limit holds exactly (one conditional
    // update per commitment; on PostgreSQL the posts really run in parallel).
    void spendLimitUnderConcurrency()
    {
        const auto op = m_srv->registerMember("operator_race", {}, "human");
        const auto b = newAgent(op.token, "bot_race", json::object{{"amount", 100}, {"currency", "CREDITS"}});
        EXPECT_STATUS(transfer(op.token, b.profileId, 500), 201);
        std::vector<int> statuses(10, 0);
        std::vector<std::thread> threads;
        for (int i = 0; i < 10; ++i)
            threads.emplace_back([&, i] {
                statuses[std::size_t(i)] =
                    m_srv->client().call("POST", "/api/agent/tasks", b.token, task(20)).status;
            });
        for (auto& t : threads)
            t.join();
        QCOMPARE(std::count(statuses.begin(), statuses.end(), 201), 5L);
        QCOMPARE(std::count(statuses.begin(), statuses.end(), 402), 5L);
        QCOMPARE(available(b.token), 40000LL);
        QCOMPARE(escrow(b.token), 10000LL);
        auto r = call("GET", "/api/agent/delegations/" + b.delegationId, op.token);
        QCOMPARE(C(r.json(), "delegation.usage.spent"), 10000LL);
    }

    void revocation()
    {
        const auto op = m_srv->registerMember("operator_rev", {}, "human");
        const auto agent = m_srv->registerMember("agent_rev");
        const auto stranger = m_srv->registerMember("stranger_rev");
        const auto b =
            delegate(op.token, json::object{{"mode", "existing"}, {"linkingCode", linkingCode(agent.token)}});
        EXPECT_STATUS(call("GET", "/api/agent/me", b.token), 200);

        // A stranger cannot see, audit or revoke it; the delegated credential sees only its own.
        EXPECT_ERROR(call("GET", "/api/agent/delegations/" + b.delegationId, stranger.token), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/agent/delegations/" + b.delegationId + "/audit", stranger.token), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(call("DELETE", "/api/agent/delegations/" + b.delegationId, stranger.token), 404,
                     "NOT_FOUND");
        auto r = call("GET", "/api/agent/delegations", stranger.token);
        QCOMPARE(jsonPath(r.json(), "delegations").as_array().size(), std::size_t(0));
        EXPECT_STATUS(call("GET", "/api/agent/delegations/" + b.delegationId, b.token), 200);

        r = call("DELETE", "/api/agent/delegations/" + b.delegationId, op.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "delegation.status")), QStringLiteral("revoked"));
        // Both credentials at once; the agent's own token lives on and was told.
        EXPECT_ERROR(call("GET", "/api/agent/me", b.token), 401, "UNAUTHORIZED");
        EXPECT_ERROR(signedCall(b, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");
        EXPECT_STATUS(call("GET", "/api/agent/me", agent.token), 200);
        QCOMPARE(notificationTypes(agent.token).count("delegation.revoked"), std::size_t(1));
        EXPECT_ERROR(call("DELETE", "/api/agent/delegations/" + b.delegationId, op.token), 409,
                     "STATE_CONFLICT");

        // The bound agent may cut its operator off, with its own token.
        const auto b2 =
            delegate(op.token, json::object{{"mode", "existing"}, {"linkingCode", linkingCode(agent.token)}});
        EXPECT_STATUS(call("GET", "/api/agent/me", b2.token), 200);
        EXPECT_STATUS(call("DELETE", "/api/agent/delegations/" + b2.delegationId, agent.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/me", b2.token), 401, "UNAUTHORIZED");
        QCOMPARE(notificationTypes(op.token).count("delegation.revoked"), std::size_t(1));
        // ... or with the delegated credential itself.
        const auto b3 = newAgent(op.token, "bot_rev3");
        EXPECT_STATUS(call("DELETE", "/api/agent/delegations/" + b3.delegationId, b3.token), 200);
        EXPECT_ERROR(signedCall(b3, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");
    }

    void transfers()
    {
        const auto op = m_srv->registerMember("operator_tx", {}, "human");
        const auto stranger = m_srv->registerMember("stranger_tx");
        const auto b = newAgent(op.token, "bot_tx");

        auto r = transfer(op.token, b.profileId, 250.5, "seed money");
        EXPECT_STATUS(r, 201);
        QCOMPARE(C(r.json(), "transfer.amount"), 25050LL);
        QCOMPARE(QString::fromStdString(S(r.json(), "transfer.delegationId")),
                 QString::fromStdString(b.delegationId));
        QCOMPARE(available(op.token), 74950LL);
        QCOMPARE(available(b.token), 25050LL);
        // And back, by the agent's delegated credential (the API key).
        r = signedCall(b, "POST", "/api/agent/wallet/transfers",
                       json::object{{"toProfileId", op.id}, {"amount", 50}, {"memo", "change"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(available(op.token), 79950LL);
        QCOMPARE(available(b.token), 20050LL);

        // Both sides see both transfers, signed from their side.
        r = call("GET", "/api/agent/wallet/transactions?kind=transfer", op.token);
        EXPECT_STATUS(r, 200);
        auto items = jsonPath(r.json(), "transactions").as_array();
        QCOMPARE(items.size(), std::size_t(2));
        QCOMPARE(C(items[0], "amount"), 5000LL);
        QCOMPARE(C(items[1], "amount"), -25050LL);
        r = call("GET", "/api/agent/wallet/transactions?kind=transfer", b.token);
        items = jsonPath(r.json(), "transactions").as_array();
        QCOMPARE(items.size(), std::size_t(2));
        QCOMPARE(C(items[0], "amount"), -5000LL);
        QCOMPARE(C(items[1], "amount"), 25050LL);
        QVERIFY(notificationTypes(op.token).count("wallet.credit") == 1);

        // Refusals, in the order of checks; nothing moves.
        EXPECT_ERROR(transfer(op.token, stranger.id, 1), 403, "FORBIDDEN");
        EXPECT_ERROR(transfer(stranger.token, b.profileId, 1), 403, "FORBIDDEN");
        EXPECT_ERROR(transfer(op.token, "prf_doesnotexist", 1), 404, "NOT_FOUND");
        EXPECT_ERROR(transfer(op.token, b.profileId, 800), 402, "INSUFFICIENT_FUNDS");
        EXPECT_ERROR(transfer(op.token, b.profileId, 0), 400, "VALIDATION");
        EXPECT_ERROR(transfer(op.token, b.profileId, 1.001), 400, "VALIDATION");
        EXPECT_ERROR(transfer(op.token, b.profileId, "ten"), 400, "VALIDATION");
        EXPECT_ERROR(transfer(op.token, op.id, 1), 403, "FORBIDDEN");
        QCOMPARE(available(op.token), 79950LL);
        QCOMPARE(available(stranger.token), 100000LL);

        // Once the delegation is revoked, the two are strangers again.
        EXPECT_STATUS(call("DELETE", "/api/agent/delegations/" + b.delegationId, op.token), 200);
        EXPECT_ERROR(transfer(op.token, b.profileId, 1), 403, "FORBIDDEN");
    }

    void auditTrail()
    {
        const auto op = m_srv->registerMember("operator_aud", {}, "human");
        const auto agent = m_srv->registerMember("agent_aud");
        const auto b =
            delegate(op.token, json::object{{"mode", "existing"}, {"linkingCode", linkingCode(agent.token)}});
        EXPECT_STATUS(transfer(op.token, agent.id, 5), 201);
        // A refused action through the delegated token (tokens:write was not delegated).
        auto r = call("POST", "/api/agent/me/tokens", b.token, json::object{{"name", "sub"}});
        EXPECT_ERROR(r, 403, "MISSING_SCOPE");
        EXPECT_STATUS(call("DELETE", "/api/agent/delegations/" + b.delegationId, op.token), 200);

        r = call("GET", "/api/agent/delegations/" + b.delegationId + "/audit", op.token);
        EXPECT_STATUS(r, 200);
        std::set<std::string> seen;
        const json::value entries = jsonPath(r.json(), "entries");
        for (const auto& e : entries.as_array()) {
            seen.insert(S(e, "entityType") + "." + S(e, "action"));
            QCOMPARE(QString::fromStdString(S(e, "delegationId")), QString::fromStdString(b.delegationId));
        }
        QVERIFY(seen.count("delegation.create"));
        QVERIFY(seen.count("linking_code.use"));
        QVERIFY(seen.count("transfer.create"));
        QVERIFY(seen.count("delegation.revoke"));
        QVERIFY2(r.body.find(b.token) == std::string::npos && r.body.find(b.secret) == std::string::npos,
                 "a secret in the audit trail");
        // The bound agent can read it too.
        EXPECT_STATUS(call("GET", "/api/agent/delegations/" + b.delegationId + "/audit", agent.token), 200);
    }
};

TASKDESK_API_TEST_MAIN(ApiDelegationsTest)
#include "tst_api_delegations.moc"
