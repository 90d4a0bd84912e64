// HMAC-signed requests over real HTTP, from the attacker's side: good signatures
// on GET and POST (query strings, bodies), replays (also across a failed attempt
// and with the hex upper-cased), stale and future timestamps, every tampered
// part, unknown, revoked, expired and wrong keys, Bearer and HMAC together, the
// secret's absence from the database, and key scopes. Signatures are made with
// crypto::RequestSigner at the server clock's time.
#include "ApiExpect.h"
#include "Database.h"
#include "JsonPath.h"
#include "RequestSigner.h"
#include "TestServer.h"
#include "WebhookService.h"

#include <QFileInfo>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <chrono>
#include <string>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;
using taskdesk::crypto::RequestSigner;

namespace {

std::string S(const json::value& v, const std::string& path)
{
    return jsonText(jsonPath(v, path));
}

} // namespace

class ApiHmacTest : public QObject
{
    Q_OBJECT

    std::unique_ptr<TestServer> m_srv;

    struct Key
    {
        std::string id, secret;
    };

    Reply call(const std::string& method, const std::string& target, const std::string& token,
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    long long now() const
    {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   m_srv->server().clock().now().time_since_epoch())
            .count();
    }

    Key makeKey(const std::string& token, const json::value& scopes = nullptr,
                const std::string& name = "bot")
    {
        json::object body{{"name", name}};
        if (!scopes.is_null())
            body["scopes"] = scopes;
        const auto r = call("POST", "/api/agent/me/api-keys", token, body);
        if (r.status != 201)
            throw std::runtime_error("api key creation failed: " + r.body);
        return {S(r.json(), "apiKey.keyId"), S(r.json(), "secret")};
    }

    // Sends a signed request; each part of what is signed can be swapped for what is sent.
    struct Signing
    {
        std::string method, target, body;
        long long timestamp = 0;
    };
    Reply signedRequest(const Key& key, const std::string& method, const std::string& target,
                        const std::string& body = {}, const Signing* signedAs = nullptr,
                        std::vector<std::pair<std::string, std::string>> extra = {})
    {
        const long long ts = signedAs && signedAs->timestamp ? signedAs->timestamp : now();
        const std::string sig =
            RequestSigner::sign(key.secret, std::to_string(ts), signedAs ? signedAs->method : method,
                                signedAs ? signedAs->target : target, signedAs ? signedAs->body : body);
        std::vector<std::pair<std::string, std::string>> headers = {
            {"X-Agent-Key", key.id}, {"X-Agent-Timestamp", std::to_string(ts)}, {"X-Agent-Signature", sig}};
        if (!body.empty())
            headers.emplace_back("Content-Type", "application/json");
        for (auto& h : extra)
            headers.push_back(std::move(h));
        return m_srv->client().request(method, target, body, headers);
    }
    static std::vector<std::pair<std::string, std::string>> headersFor(const Key& key, long long ts,
                                                                       const std::string& sig)
    {
        return {
            {"X-Agent-Key", key.id}, {"X-Agent-Timestamp", std::to_string(ts)}, {"X-Agent-Signature", sig}};
    }

    // Every text cell of every table, for looking for secrets at rest.
    std::string databaseText()
    {
        using namespace taskdesk;
        std::string all;
        store::Transaction tx(m_srv->server().platform().db, store::Transaction::Mode::Read);
        std::vector<std::string> tables;
        {
            auto r = tx.query(tx.backend() == store::Backend::Sqlite
                                  ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                  : "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                    "'public'");
            while (r.next())
                tables.push_back(r.str(0));
        }
        QSqlQuery q(tx.database().connection());
        for (const auto& t : tables) {
            if (!q.exec(QString::fromStdString("SELECT * FROM " + t)))
                continue;
            while (q.next())
                for (int c = 0; c < q.record().count(); ++c)
                    all += q.value(c).toString().toStdString() + "\n";
        }
        return all;
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

    void signedGetAndPost()
    {
        const auto alice = m_srv->registerMember("alice_hmac");
        const Key key = makeKey(alice.token);
        QVERIFY(key.id.rfind("ak_", 0) == 0);
        QVERIFY(key.secret.size() >= 32);

        auto r = signedRequest(key, "GET", "/api/agent/me");
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.id")), QString::fromStdString(alice.id));

        // A query string, signed exactly as sent (undecoded, parameters in the sent order).
        r = signedRequest(key, "GET", "/api/agent/notifications?limit=5&unreadOnly=0");
        EXPECT_STATUS(r, 200);
        r = signedRequest(key, "GET", "/api/tasks?query=write%20docs&limit=3");
        EXPECT_STATUS(r, 200);

        // A POST with a body moves escrow as the key's profile.
        const std::string body = json::serialize(json::object{{"title", "Signed task"},
                                                              {"description", "Posted with an API key."},
                                                              {"budgetAmount", 12.5},
                                                              {"budgetCurrency", "CREDITS"}});
        r = signedRequest(key, "POST", "/api/agent/tasks", body);
        EXPECT_STATUS(r, 201);
        QCOMPARE(QString::fromStdString(S(r.json(), "task.owner.id")), QString::fromStdString(alice.id));
        r = call("GET", "/api/agent/wallet", alice.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "wallet.available").to_number<double>(), 987.5);

        // The key's last use is recorded, and the list never shows a secret.
        r = call("GET", "/api/agent/me/api-keys", alice.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "apiKeys.0.keyId")), QString::fromStdString(key.id));
        QVERIFY(!jsonPath(r.json(), "apiKeys.0.lastUsedAt").is_null());
        QVERIFY(r.body.find(key.secret) == std::string::npos);
        QVERIFY(r.body.find("secret") == std::string::npos);
    }

    void replayIsRefused()
    {
        const auto alice = m_srv->registerMember("alice_replay");
        const Key key = makeKey(alice.token);
        const long long ts = now();
        const std::string sig =
            RequestSigner::sign(key.secret, std::to_string(ts), "GET", "/api/agent/me", "");

        // A failed attempt with the valid signature (another target) does not use it up.
        auto r = m_srv->client().request("GET", "/api/agent/wallet", "", headersFor(key, ts, sig));
        EXPECT_ERROR(r, 401, "UNAUTHORIZED");
        r = m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig));
        EXPECT_STATUS(r, 200);
        r = m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig));
        EXPECT_ERROR(r, 401, "REPLAYED");
        // The same signature in upper-case hex is the same signature.
        std::string upper = sig;
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        r = m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, upper));
        EXPECT_ERROR(r, 401, "REPLAYED");

        // A write replayed is refused too, and does nothing twice.
        const std::string body = json::serialize(json::object{{"title", "Once"},
                                                              {"description", "Only once."},
                                                              {"budgetAmount", 10},
                                                              {"budgetCurrency", "CREDITS"}});
        const std::string postSig =
            RequestSigner::sign(key.secret, std::to_string(ts), "POST", "/api/agent/tasks", body);
        r = m_srv->client().request("POST", "/api/agent/tasks", body, headersFor(key, ts, postSig));
        EXPECT_STATUS(r, 201);
        r = m_srv->client().request("POST", "/api/agent/tasks", body, headersFor(key, ts, postSig));
        EXPECT_ERROR(r, 401, "REPLAYED");
        r = call("GET", "/api/agent/wallet", alice.token);
        QCOMPARE(jsonPath(r.json(), "wallet.available").to_number<double>(), 990.0);

        // A new signature (a new timestamp) for the same request is fine.
        const Signing later{"GET", "/api/agent/me", "", ts + 1};
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me", {}, &later), 200);
    }

    void staleAndFutureTimestamps()
    {
        const auto alice = m_srv->registerMember("alice_time");
        const Key key = makeKey(alice.token);
        Signing s{"GET", "/api/agent/me", "", now() - 301};
        auto r = signedRequest(key, "GET", "/api/agent/me", {}, &s);
        EXPECT_ERROR(r, 401, "STALE_TIMESTAMP");
        QVERIFY2(r.body.find("300 seconds") != std::string::npos, r.body.c_str());
        s.timestamp = now() + 301;
        r = signedRequest(key, "GET", "/api/agent/me", {}, &s);
        EXPECT_ERROR(r, 401, "STALE_TIMESTAMP");
        // Inside the window either way is accepted.
        s.timestamp = now() - 250;
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me", {}, &s), 200);
        s.timestamp = now() + 250;
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me", {}, &s), 200);
        // Not unix seconds.
        const std::string sig = RequestSigner::sign(key.secret, "1e9", "GET", "/api/agent/me", "");
        r = m_srv->client().request(
            "GET", "/api/agent/me", "",
            {{"X-Agent-Key", key.id}, {"X-Agent-Timestamp", "1e9"}, {"X-Agent-Signature", sig}});
        EXPECT_ERROR(r, 401, "UNAUTHORIZED");
    }

    void tamperedRequests()
    {
        const auto alice = m_srv->registerMember("alice_tamper");
        const Key key = makeKey(alice.token);
        const std::string body = json::serialize(json::object{{"title", "Tampered"},
                                                              {"description", "Should never be posted."},
                                                              {"budgetAmount", 10},
                                                              {"budgetCurrency", "CREDITS"}});
        const std::string other = json::serialize(json::object{{"title", "Tampered"},
                                                               {"description", "Should never be posted."},
                                                               {"budgetAmount", 900},
                                                               {"budgetCurrency", "CREDITS"}});
        // Body
        Signing s{"POST", "/api/agent/tasks", body, 0};
        EXPECT_ERROR(signedRequest(key, "POST", "/api/agent/tasks", other, &s), 401, "UNAUTHORIZED");
        // Method
        s = {"GET", "/api/agent/me", "", 0};
        EXPECT_ERROR(signedRequest(key, "PATCH", "/api/agent/me", "", &s), 401, "UNAUTHORIZED");
        // Target: path, query and encoding each count.
        s = {"GET", "/api/agent/notifications?limit=5", "", 0};
        EXPECT_ERROR(signedRequest(key, "GET", "/api/agent/notifications?limit=50", "", &s), 401,
                     "UNAUTHORIZED");
        s = {"GET", "/api/tasks?query=a%20b", "", 0};
        EXPECT_ERROR(signedRequest(key, "GET", "/api/tasks?query=a+b", "", &s), 401, "UNAUTHORIZED");
        s = {"GET", "/api/agent/me", "", 0};
        EXPECT_ERROR(signedRequest(key, "GET", "/api/agent/wallet", "", &s), 401, "UNAUTHORIZED");
        // Timestamp: signed for one second, sent with another.
        const long long ts = now();
        const std::string sig =
            RequestSigner::sign(key.secret, std::to_string(ts), "GET", "/api/agent/me", "");
        EXPECT_ERROR(m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts - 1, sig)), 401,
                     "UNAUTHORIZED");
        // Signature: one hex digit changed, truncated, missing headers.
        std::string bad = sig;
        bad[10] = bad[10] == '0' ? '1' : '0';
        EXPECT_ERROR(m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, bad)), 401,
                     "UNAUTHORIZED");
        EXPECT_ERROR(
            m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig.substr(0, 63))), 401,
            "UNAUTHORIZED");
        EXPECT_ERROR(m_srv->client().request("GET", "/api/agent/me", "",
                                             {{"X-Agent-Key", key.id}, {"X-Agent-Signature", sig}}),
                     401, "UNAUTHORIZED");
        // Nothing was posted.
        auto r = call("GET", "/api/agent/wallet", alice.token);
        QCOMPARE(jsonPath(r.json(), "wallet.available").to_number<double>(), 1000.0);
        // The untouched signature still works: the failures above did not use it up.
        EXPECT_STATUS(m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig)), 200);
    }

    void unknownRevokedExpiredAndWrongKeys()
    {
        const auto alice = m_srv->registerMember("alice_keys");
        const auto bob = m_srv->registerMember("bob_keys");
        Key key = makeKey(alice.token);
        const Key bobKey = makeKey(bob.token);

        EXPECT_ERROR(signedRequest(Key{"ak_00000000000000000000000000", key.secret}, "GET", "/api/agent/me"),
                     401, "UNAUTHORIZED");
        EXPECT_ERROR(signedRequest(Key{"not-a-key", key.secret}, "GET", "/api/agent/me"), 401,
                     "UNAUTHORIZED");
        // Alice's key id with Bob's secret, and a made-up secret.
        EXPECT_ERROR(signedRequest(Key{key.id, bobKey.secret}, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");
        EXPECT_ERROR(signedRequest(Key{key.id, "tds_guess"}, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");

        // Bob cannot revoke Alice's key; Alice can.
        EXPECT_ERROR(call("DELETE", "/api/agent/me/api-keys/" + key.id, bob.token), 404, "NOT_FOUND");
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me"), 200);
        EXPECT_STATUS(call("DELETE", "/api/agent/me/api-keys/" + key.id, alice.token), 200);
        Signing s{"GET", "/api/agent/me", "", now() + 1};
        EXPECT_ERROR(signedRequest(key, "GET", "/api/agent/me", "", &s), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("DELETE", "/api/agent/me/api-keys/" + key.id, alice.token), 404, "NOT_FOUND");

        // Expiry: a key made to expire in a minute is refused once the clock passes it.
        const auto expiresAt =
            taskdesk::domain::Clock::toIso(m_srv->server().clock().now() + std::chrono::minutes(1));
        auto r = call("POST", "/api/agent/me/api-keys", alice.token,
                      json::object{{"name", "short"}, {"expiresAt", expiresAt}});
        EXPECT_STATUS(r, 201);
        const Key shortKey{S(r.json(), "apiKey.keyId"), S(r.json(), "secret")};
        EXPECT_STATUS(signedRequest(shortKey, "GET", "/api/agent/me"), 200);
        m_srv->server().clock().advance(std::chrono::minutes(2));
        EXPECT_ERROR(signedRequest(shortKey, "GET", "/api/agent/me"), 401, "UNAUTHORIZED");
        // The other key still works at the new time (signed with the server's clock).
        EXPECT_STATUS(signedRequest(bobKey, "GET", "/api/agent/me"), 200);
    }

    void bearerAndHmacTogether()
    {
        const auto alice = m_srv->registerMember("alice_both");
        const Key key = makeKey(alice.token);
        const auto r = signedRequest(key, "GET", "/api/agent/me", "", nullptr,
                                     {{"Authorization", "Bearer " + alice.token}});
        EXPECT_ERROR(r, 400, "VALIDATION");
    }

    void secretIsNotStoredInClear()
    {
        const auto alice = m_srv->registerMember("alice_rest");
        const Key key = makeKey(alice.token);
        // Used once, and created under an Idempotency-Key (never stored for replay).
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me"), 200);
        auto r = m_srv->client().call("POST", "/api/agent/me/api-keys", alice.token,
                                      json::object{{"name", "idem"}}, {{"Idempotency-Key", "key-create-1"}});
        EXPECT_STATUS(r, 201);
        const std::string secret2 = S(r.json(), "secret");
        QVERIFY(!secret2.empty());
        // A webhook secret is sealed at rest too.
        const std::string hookSecret = "whsec-at-rest-0123456789";
        r = call("POST", "/api/agent/webhooks", alice.token,
                 json::object{{"url", "http://127.0.0.1:9/hook"},
                              {"events", json::array{"*"}},
                              {"secret", hookSecret}});
        EXPECT_STATUS(r, 201);

        const std::string text = databaseText();
        QVERIFY(text.find(key.id) != std::string::npos); // the search itself sees the rows
        QVERIFY2(text.find(key.secret) == std::string::npos, "an API secret is stored in clear");
        QVERIFY2(text.find(key.secret.substr(4)) == std::string::npos,
                 "an API secret's body is stored in clear");
        QVERIFY2(text.find(secret2) == std::string::npos, "an API secret is stored in clear");
        QVERIFY2(text.find(hookSecret) == std::string::npos, "a webhook secret is stored in clear");
        // The sealed form is what is stored.
        QVERIFY(text.find("sb1:") != std::string::npos);
        // And the key file is the server's own, readable by its owner only.
        const QFileInfo keyFile(QString::fromStdString(m_srv->dataDir() + "/server.key"));
        QVERIFY(keyFile.exists());
        QCOMPARE(keyFile.size(), 32);
        QCOMPARE(keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                          QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions{});

        // After a restart (same key file and database) the key still verifies, and the
        // replay cache remembers what was used before.
        const long long ts = now() + 5; // not the second of the request above
        const std::string sig =
            RequestSigner::sign(key.secret, std::to_string(ts), "GET", "/api/agent/me", "");
        EXPECT_STATUS(m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig)), 200);
        m_srv->restart();
        EXPECT_ERROR(m_srv->client().request("GET", "/api/agent/me", "", headersFor(key, ts, sig)), 401,
                     "REPLAYED");
        const Signing fresh{"GET", "/api/agent/me", "", ts + 1};
        EXPECT_STATUS(signedRequest(key, "GET", "/api/agent/me", "", &fresh), 200);
    }

    // A webhook secret an older version stored in clear is sealed at the next start and
    // still signs with the same bytes.
    void clearWebhookSecretIsSealedAtStart()
    {
        using namespace taskdesk;
        const auto alice = m_srv->registerMember("alice_legacy");
        const std::string legacy = "whsec-legacy-in-clear-0123";
        auto r = call("POST", "/api/agent/webhooks", alice.token,
                      json::object{{"url", "http://127.0.0.1:9/hook"}, {"events", json::array{"*"}}});
        EXPECT_STATUS(r, 201);
        const std::string hookId = S(r.json(), "webhook.id");
        QVERIFY(!hookId.empty());
        {
            store::Transaction tx(m_srv->server().platform().db, store::Transaction::Mode::Write);
            tx.exec("UPDATE webhooks SET secret = ? WHERE id = ?",
                    {store::sqlText(legacy), store::sqlText(hookId)});
            tx.commit();
        }
        m_srv->restart();
        std::string stored;
        {
            store::Transaction tx(m_srv->server().platform().db, store::Transaction::Mode::Read);
            stored = tx.scalarText("SELECT secret FROM webhooks WHERE id = ?", {store::sqlText(hookId)})
                         .value_or("");
        }
        QVERIFY2(stored.rfind("sb1:", 0) == 0, stored.c_str());
        QVERIFY(stored.find(legacy) == std::string::npos);
        const auto opened = domain::WebhookService::openSecret(m_srv->server().platform(), hookId, stored);
        QVERIFY(opened.has_value());
        QCOMPARE(QString::fromStdString(*opened), QString::fromStdString(legacy));
        // Under another row's context it does not open.
        QVERIFY(
            !domain::WebhookService::openSecret(m_srv->server().platform(), "wh_other", stored).has_value());
    }

    void keyScopes()
    {
        const auto alice = m_srv->registerMember("alice_scopes");
        const Key reader = makeKey(alice.token, json::array{"profile:read"});
        EXPECT_STATUS(signedRequest(reader, "GET", "/api/agent/me"), 200);
        EXPECT_ERROR(signedRequest(reader, "GET", "/api/agent/wallet"), 403, "MISSING_SCOPE");
        const std::string body = json::serialize(json::object{{"title", "No scope"},
                                                              {"description", "Must not post."},
                                                              {"budgetAmount", 10},
                                                              {"budgetCurrency", "CREDITS"}});
        EXPECT_ERROR(signedRequest(reader, "POST", "/api/agent/tasks", body), 403, "MISSING_SCOPE");

        // A credential cannot mint a key (or a token) with a scope it lacks.
        auto r =
            call("POST", "/api/agent/me/tokens", alice.token,
                 json::object{{"name", "narrow"}, {"scopes", json::array{"tokens:write", "profile:read"}}});
        EXPECT_STATUS(r, 201);
        const std::string narrow = S(r.json(), "tokenValue");
        r = call("POST", "/api/agent/me/api-keys", narrow,
                 json::object{{"name", "wider"}, {"scopes", json::array{"profile:read", "wallet:read"}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(r.body.find("wallet:read") != std::string::npos);
        // Without scopes, the key gets exactly its maker's.
        r = call("POST", "/api/agent/me/api-keys", narrow, json::object{{"name", "same"}});
        EXPECT_STATUS(r, 201);
        const auto scopes = jsonPath(r.json(), "apiKey.scopes").as_array();
        QCOMPARE(scopes.size(), std::size_t(2));
        const Key same{S(r.json(), "apiKey.keyId"), S(r.json(), "secret")};
        // That key, signing, cannot mint wider either.
        const std::string wider =
            json::serialize(json::object{{"name", "w"}, {"scopes", json::array{"wallet:write"}}});
        EXPECT_ERROR(signedRequest(same, "POST", "/api/agent/me/api-keys", wider), 400, "VALIDATION");
        // A key without tokens:write cannot make keys at all; nor a reader list them.
        EXPECT_ERROR(signedRequest(reader, "POST", "/api/agent/me/api-keys",
                                   json::serialize(json::object{{"name", "x"}})),
                     403, "MISSING_SCOPE");
        EXPECT_ERROR(signedRequest(reader, "GET", "/api/agent/me/api-keys"), 403, "MISSING_SCOPE");
        // Unknown scope and a missing name are field errors.
        r = call("POST", "/api/agent/me/api-keys", alice.token,
                 json::object{{"name", "x"}, {"scopes", json::array{"everything"}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/me/api-keys", alice.token, json::object{}), 400, "VALIDATION");
        // Staff scopes are not grantable to a profile without the role.
        r = call("POST", "/api/agent/me/api-keys", alice.token,
                 json::object{{"name", "x"}, {"scopes", json::array{"support:read"}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
    }
};

TASKDESK_API_TEST_MAIN(ApiHmacTest)
#include "tst_api_hmac.moc"
