// Protected payloads over real HTTP: the task carries ciphertext only (the database is
// searched for the plaintext and the key), who may ask for access and with which key,
// one pending request per agent, grants sealed with crypto_box_seal and signed with the
// publisher's Ed25519 key (forged, missing and misplaced signatures refused, nothing
// stored), denial and revocation, the bundle only for the granted agent, notifications
// and the audit trail.
#include "Base64.h"
#include "Database.h"
#include "GrantSignature.h"
#include "JsonPath.h"
#include "KeyPairs.h"
#include "PayloadCipher.h"
#include "SealedBox.h"
#include "SecureBuffer.h"
#include "TestServer.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>
#include <set>
#include <string>

using namespace taskdesk::test;
namespace json = boost::json;
namespace crypto = taskdesk::crypto;

namespace {

constexpr const char* kPlaintext = "{\"apiKey\":\"PLAINTEXT-MARKER-7d1f0c\",\"host\":\"db.internal\"}";

std::string b64(const QByteArray& bytes)
{
    return crypto::Base64::encode(bytes).toStdString();
}

QByteArray unb64(const std::string& text)
{
    auto v = crypto::Base64::decode(QByteArrayView(text.data(), qsizetype(text.size())));
    return v ? *v : QByteArray();
}

std::string S(const json::value& v, const std::string& path)
{
    return jsonText(jsonPath(v, path));
}

// The length of the array at path; -1 when there is none.
long long countAt(const json::value& v, const std::string& path)
{
    const json::value a = jsonPath(v, path);
    return a.is_array() ? static_cast<long long>(a.as_array().size()) : -1;
}

// Whether the object at path has member key.
bool hasMember(const json::value& v, const std::string& path, const char* key)
{
    const json::value o = jsonPath(v, path);
    return o.is_object() && o.as_object().contains(key);
}

std::string codeOf(const Reply& r)
{
    return S(r.json(), "code");
}

std::string brief(const Reply& r)
{
    return std::to_string(r.status) + " " + r.body.substr(0, 400);
}

// The payload as the console makes it: a random key, the fields' JSON encrypted.
struct Payload
{
    crypto::SecureBuffer key;
    json::object wire; // {alg, nonce, ciphertext, fields}
};

Payload makePayload(const char* plaintext = kPlaintext)
{
    Payload p;
    p.key = crypto::PayloadCipher::newKey();
    const auto sealed =
        crypto::PayloadCipher::encrypt(p.key, crypto::SecureBuffer::copyOf(QByteArrayView(plaintext)));
    p.wire = json::object{{"alg", crypto::PayloadCipher::kAlgorithm},
                          {"nonce", b64(sealed.nonce)},
                          {"ciphertext", b64(sealed.ciphertext)},
                          {"fields", json::array{"apiKey", "host"}}};
    return p;
}

} // namespace

class ApiProtectedTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_srv;
    TestServer::Member m_owner, m_worker, m_stranger;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    // Registers a key; returns its id.
    std::string addKey(const std::string& token, const char* purpose, const char* algorithm,
                       const QByteArray& pub)
    {
        const auto r = call("POST", "/api/agent/me/keys", token,
                            json::object{{"label", std::string(purpose) + " key"},
                                         {"purpose", purpose},
                                         {"algorithm", algorithm},
                                         {"publicKey", b64(pub)}});
        if (r.status != 201)
            qWarning("add key: %s", brief(r).c_str());
        return S(r.json(), "key.id");
    }

    std::string postTask(const std::string& token, json::object extra)
    {
        extra["title"] = "Rotate the staging credentials";
        extra["description"] = "Use the protected credentials to rotate staging.";
        if (!extra.contains("budgetAmount"))
            extra["budgetAmount"] = 50;
        const auto r = call("POST", "/api/agent/tasks", token, extra);
        if (r.status != 201)
            qWarning("post task: %s", brief(r).c_str());
        return S(r.json(), "task.id");
    }

    // A bid task with payload p, the worker bid and hired.
    std::string hiredTask(const Payload& p, const char* visibility = "public")
    {
        const std::string task = postTask(m_owner.token, {{"protected", p.wire}, {"visibility", visibility}});
        const auto bid =
            call("POST", "/api/agent/tasks/" + task + "/bids", m_worker.token,
                 json::object{{"proposedAmount", 40}, {"etaDays", 2}, {"approach", "Rotate, test."}});
        if (bid.status != 201)
            qWarning("bid: %s", brief(bid).c_str());
        const auto hire = call("POST", "/api/agent/contracts", m_owner.token,
                               json::object{{"taskId", task}, {"bidId", S(bid.json(), "bid.id")}});
        if (hire.status != 201)
            qWarning("hire: %s", brief(hire).c_str());
        return task;
    }

    std::multiset<std::string> notificationTypes(const std::string& token)
    {
        std::multiset<std::string> out;
        const auto r = call("GET", "/api/agent/notifications?limit=100", token);
        const json::value list = jsonPath(r.json(), "notifications");
        if (list.is_array())
            for (const auto& n : list.as_array())
                out.insert(S(n, "type"));
        return out;
    }

    std::string requestStatus(const std::string& reqId)
    {
        taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                        taskdesk::store::Transaction::Mode::Read);
        return tx
            .scalarText("SELECT status FROM protected_access_requests WHERE id = ?",
                        {taskdesk::store::sqlText(reqId)})
            .value_or("<none>");
    }

    std::int64_t auditCount(const std::string& entityId, const std::string& action)
    {
        taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                        taskdesk::store::Transaction::Mode::Read);
        return tx
            .scalarInt(
                "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'protected_access' AND entity_id = ? "
                "AND action = ?",
                {taskdesk::store::sqlText(entityId), taskdesk::store::sqlText(action)})
            .value_or(-1);
    }

    // Every text value in every table, for a needle.
    int occurrences(const std::string& needle)
    {
        auto& conn = m_srv->server().platform().db.connection();
        QStringList tables;
        {
            QSqlQuery q(conn);
            q.exec(
                m_srv->databaseUrl().rfind("postgres", 0) == 0
                    ? QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                     "current_schema()")
                    : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"));
            while (q.next())
                tables << q.value(0).toString();
        }
        int found = 0;
        for (const auto& t : tables) {
            QSqlQuery q(conn);
            if (!q.exec(QStringLiteral("SELECT * FROM ") + t))
                continue;
            while (q.next())
                for (int c = 0; c < q.record().count(); ++c)
                    if (q.value(c).toString().toStdString().find(needle) != std::string::npos)
                        ++found;
        }
        return found;
    }

    // The grant the console makes: the key sealed to the request's public key, signed.
    json::object grantBody(const Payload& p, const std::string& taskId, const std::string& agentPublicKey,
                           const crypto::SigningKeyPair* signer)
    {
        const QByteArray sealed = crypto::SealedBox::seal(p.key, unb64(agentPublicKey));
        json::object body{{"sealedKey", b64(sealed)}};
        if (signer)
            body["signature"] =
                b64(crypto::GrantSignature::sign(*signer, QString::fromStdString(taskId),
                                                 unb64(S(json::value(p.wire), "ciphertext")), sealed));
        return body;
    }

private slots:
    void initTestCase() { qInfo("database backend: %s", TestServer::backendName().c_str()); }

    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        m_owner = m_srv->registerMember("publisher");
        m_worker = m_srv->registerMember("worker", {"ops"});
        m_stranger = m_srv->registerMember("stranger", {"ops"});
    }

    void cleanup()
    {
        if (m_srv) {
            const auto l = m_srv->ledger();
            QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        }
        m_srv.reset();
    }

    void taskCarriesCiphertextOnly()
    {
        const Payload p = makePayload();
        const std::string task = postTask(m_owner.token, {{"protected", p.wire}});
        QVERIFY(!task.empty());
        // Everyone who can see the task sees exactly what was sent: it is ciphertext.
        const auto pub = call("GET", "/api/tasks/" + task);
        QCOMPARE(pub.status, 200);
        QCOMPARE(json::serialize(jsonPath(pub.json(), "task.protected")),
                 json::serialize(json::value(p.wire)));
        const auto other = call("GET", "/api/agent/tasks/" + task, m_stranger.token);
        QCOMPARE(json::serialize(jsonPath(other.json(), "task.protected")),
                 json::serialize(json::value(p.wire)));
        // The database holds neither the plaintext nor the key.
        QCOMPARE(occurrences("PLAINTEXT-MARKER-7d1f0c"), 0);
        QCOMPARE(occurrences(p.key.toBase64().toStdString()), 0);
        QVERIFY(occurrences(S(json::value(p.wire), "ciphertext")) >= 1); // the search does find stored text
    }

    void taskValidatesPayload()
    {
        const Payload p = makePayload();
        auto bad = [&](const char* field, json::value v) {
            json::object w = p.wire;
            if (v.is_null())
                w.erase(field);
            else
                w[field] = v;
            const auto r = call("POST", "/api/agent/tasks", m_owner.token,
                                json::object{{"title", "Bad payload"},
                                             {"description", "A task whose payload is malformed."},
                                             {"protected", w}});
            QVERIFY2(r.status == 400, (std::string(field) + ": " + brief(r)).c_str());
            QCOMPARE(codeOf(r), std::string("VALIDATION"));
        };
        bad("alg", "aes-256-gcm");
        bad("alg", nullptr);
        bad("nonce", json::value(b64(QByteArray(23, 'n'))));
        bad("nonce", "not base64!");
        bad("ciphertext", "@@@@");
        bad("ciphertext", json::value(b64(QByteArray(15, 'c')))); // shorter than the tag
        bad("fields", json::array{});
        json::array many;
        for (int i = 0; i < 21; ++i)
            many.emplace_back("f" + std::to_string(i));
        bad("fields", many);
        bad("fields", json::array{1, 2});
        bad("extra", "member");
        const auto notObject = call("POST", "/api/agent/tasks", m_owner.token,
                                    json::object{{"title", "Bad payload"},
                                                 {"description", "A task whose payload is malformed."},
                                                 {"protected", "ciphertext"}});
        QCOMPARE(notObject.status, 400);
        // Twenty names are fine.
        json::object ok = p.wire;
        many.pop_back();
        ok["fields"] = many;
        QVERIFY(!postTask(m_owner.token, {{"protected", ok}}).empty());
    }

    void whoMayRequest()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p);
        QVERIFY(!task.empty());
        const auto agentKeys = crypto::BoxKeyPair::generate();
        const auto signing = crypto::SigningKeyPair::generate();
        const std::string encKey = addKey(m_worker.token, "encryption", "x25519", agentKeys.publicKey);
        const std::string sigKey = addKey(m_worker.token, "signing", "ed25519", signing.publicKey);
        const std::string strangerKey =
            addKey(m_stranger.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const std::string path = "/api/agent/tasks/" + task + "/protected-access";

        // No credential: 401. A stranger to a public task: 403. The owner: 403.
        QCOMPARE(call("POST", path, {}, json::object{{"keyId", encKey}}).status, 401);
        auto r = call("POST", path, m_stranger.token, json::object{{"keyId", strangerKey}});
        QCOMPARE(r.status, 403);
        r = call("POST", path, m_owner.token, json::object{{"keyId", encKey}});
        QCOMPARE(r.status, 403);
        // A token without protected:write.
        const auto narrow =
            call("POST", "/api/agent/me/tokens", m_worker.token,
                 json::object{{"name", "read-only"}, {"scopes", json::array{"protected:read"}}});
        QCOMPARE(narrow.status, 201);
        r = call("POST", path, S(narrow.json(), "tokenValue"), json::object{{"keyId", encKey}});
        QCOMPARE(r.status, 403);
        QCOMPARE(codeOf(r), std::string("MISSING_SCOPE"));
        // The worker with a wrong key: missing, a signing key, someone else's, one that does not exist.
        QCOMPARE(call("POST", path, m_worker.token, json::object{}).status, 400);
        r = call("POST", path, m_worker.token, json::object{{"keyId", sigKey}});
        QCOMPARE(r.status, 400);
        QVERIFY(hasMember(r.json(), "fields", "keyId"));
        QCOMPARE(call("POST", path, m_worker.token, json::object{{"keyId", strangerKey}}).status, 400);
        QCOMPARE(call("POST", path, m_worker.token, json::object{{"keyId", "key_nope"}}).status, 400);
        // A task without a protected payload, and one that does not exist: 404.
        const std::string plain = postTask(m_owner.token, {});
        QCOMPARE(call("POST", "/api/agent/tasks/" + plain + "/protected-access", m_worker.token,
                      json::object{{"keyId", encKey}})
                     .status,
                 404);
        QCOMPARE(call("POST", "/api/agent/tasks/tsk_missing/protected-access", m_worker.token,
                      json::object{{"keyId", encKey}})
                     .status,
                 404);
        QCOMPARE(notificationTypes(m_owner.token).count("protected_access.requested"), std::size_t(0));

        // The contract holder with its encryption key: pending, once.
        r = call("POST", path, m_worker.token, json::object{{"keyId", encKey}});
        QCOMPARE(r.status, 201);
        const std::string reqId = S(r.json(), "request.id");
        QVERIFY(reqId.rfind("par_", 0) == 0);
        QCOMPARE(S(r.json(), "request.status"), std::string("pending"));
        QCOMPARE(S(r.json(), "request.publicKey"), b64(agentKeys.publicKey));
        QCOMPARE(S(r.json(), "request.agentId"), m_worker.id);
        r = call("POST", path, m_worker.token, json::object{{"keyId", encKey}});
        QCOMPARE(r.status, 409);
        QCOMPARE(codeOf(r), std::string("DUPLICATE_REQUEST"));
        QCOMPARE(notificationTypes(m_owner.token).count("protected_access.requested"), std::size_t(1));
        QCOMPARE(auditCount(reqId, "request"), std::int64_t(1));

        // Lists: the owner sees it, the worker its own, a stranger nothing.
        r = call("GET", path, m_owner.token);
        QCOMPARE(r.status, 200);
        QCOMPARE(countAt(r.json(), "requests"), 1LL);
        QCOMPARE(S(r.json(), "requests.0.id"), reqId);
        r = call("GET", path, m_worker.token);
        QCOMPARE(countAt(r.json(), "requests"), 1LL);
        r = call("GET", path, m_stranger.token);
        QCOMPARE(r.status, 200);
        QCOMPARE(countAt(r.json(), "requests"), 0LL);
        // Nobody has a bundle yet.
        r = call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token);
        QCOMPARE(r.status, 403);
        QCOMPARE(codeOf(r), std::string("ACCESS_NOT_GRANTED"));
        QCOMPARE(call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_stranger.token).status, 403);
    }

    void unlistedTaskIsHiddenFromStrangers()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p, "unlisted");
        const std::string key =
            addKey(m_stranger.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const std::string base = "/api/agent/tasks/" + task;
        QCOMPARE(
            call("POST", base + "/protected-access", m_stranger.token, json::object{{"keyId", key}}).status,
            404);
        QCOMPARE(call("GET", base + "/protected-access", m_stranger.token).status, 404);
        QCOMPARE(call("GET", base + "/protected-bundle", m_stranger.token).status, 404);
        // The contract holder may see and ask.
        const std::string mine =
            addKey(m_worker.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        QCOMPARE(
            call("POST", base + "/protected-access", m_worker.token, json::object{{"keyId", mine}}).status,
            201);
        const auto list = call("GET", base + "/protected-access", m_owner.token);
        const std::string reqId = S(list.json(), "requests.0.id");
        // A stranger cannot even learn that the request exists.
        QCOMPARE(call("POST", base + "/protected-access/" + reqId + "/grant", m_stranger.token,
                      json::object{{"sealedKey", b64(QByteArray(80, 's'))}})
                     .status,
                 404);
    }

    void signedGrantOpensForTheAgent()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p);
        const auto publisherSigning = crypto::SigningKeyPair::generate();
        QVERIFY(!addKey(m_owner.token, "signing", "ed25519", publisherSigning.publicKey).empty());
        const auto agentKeys = crypto::BoxKeyPair::generate();
        const std::string keyId = addKey(m_worker.token, "encryption", "x25519", agentKeys.publicKey);
        const std::string base = "/api/agent/tasks/" + task + "/protected-access";
        auto r = call("POST", base, m_worker.token, json::object{{"keyId", keyId}});
        QCOMPARE(r.status, 201);
        const std::string reqId = S(r.json(), "request.id");
        const std::string agentPub = S(r.json(), "request.publicKey");
        const std::string grant = base + "/" + reqId + "/grant";

        const json::object good = grantBody(p, task, agentPub, &publisherSigning);
        // The worker cannot grant itself (it sees the request: 403); a stranger does not see it (404).
        QCOMPARE(call("POST", grant, m_worker.token, good).status, 403);
        QCOMPARE(call("POST", grant, m_stranger.token, good).status, 404);
        // With a signing key on file, a grant must be signed, by that key, over this very grant.
        json::object unsigned_ = good;
        unsigned_.erase("signature");
        r = call("POST", grant, m_owner.token, unsigned_);
        QCOMPARE(r.status, 400);
        QVERIFY(hasMember(r.json(), "fields", "signature"));
        const auto forger = crypto::SigningKeyPair::generate();
        QCOMPARE(call("POST", grant, m_owner.token, grantBody(p, task, agentPub, &forger)).status, 400);
        json::object swapped = grantBody(p, task, agentPub, &publisherSigning);
        swapped["signature"] = good.at("signature"); // a valid signature, but over another sealed key
        QCOMPARE(call("POST", grant, m_owner.token, swapped).status, 400);
        json::object shortSig = good;
        shortSig["signature"] = b64(QByteArray(63, 'x'));
        QCOMPARE(call("POST", grant, m_owner.token, shortSig).status, 400);
        json::object shortKey = good;
        shortKey["sealedKey"] = b64(QByteArray(79, 'k'));
        QCOMPARE(call("POST", grant, m_owner.token, shortKey).status, 400);
        QCOMPARE(call("POST", grant, m_owner.token, json::object{}).status, 400);
        // None of that stored anything.
        QCOMPARE(requestStatus(reqId), std::string("pending"));
        QCOMPARE(occurrences(S(json::value(good), "sealedKey")), 0);
        QCOMPARE(notificationTypes(m_worker.token).count("protected_access.granted"), std::size_t(0));

        r = call("POST", grant, m_owner.token, good);
        QCOMPARE(r.status, 200);
        QCOMPARE(S(r.json(), "request.status"), std::string("granted"));
        QCOMPARE(call("POST", grant, m_owner.token, good).status, 409);
        QCOMPARE(notificationTypes(m_worker.token).count("protected_access.granted"), std::size_t(1));
        QCOMPARE(auditCount(reqId, "grant"), std::int64_t(1));

        // The agent's side: verify the publisher's signature, open the key, decrypt.
        r = call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token);
        QCOMPARE(r.status, 200);
        const auto b = jsonPath(r.json(), "bundle");
        QCOMPARE(S(b, "alg"), std::string(crypto::PayloadCipher::kAlgorithm));
        QCOMPARE(S(b, "keyId"), keyId);
        QCOMPARE(S(b, "publisherSigningKey"), b64(publisherSigning.publicKey));
        const QByteArray ciphertext = unb64(S(b, "ciphertext"));
        const QByteArray sealedKey = unb64(S(b, "sealedKey"));
        QVERIFY(crypto::GrantSignature::verify(unb64(S(b, "publisherSigningKey")),
                                               QString::fromStdString(task), ciphertext, sealedKey,
                                               unb64(S(b, "signature"))));
        const auto payloadKey = crypto::SealedBox::open(sealedKey, agentKeys);
        QVERIFY(payloadKey.has_value());
        const auto plain = crypto::PayloadCipher::decrypt(*payloadKey, unb64(S(b, "nonce")), ciphertext);
        QVERIFY(plain.has_value());
        QCOMPARE(QByteArray(plain->view().data(), plain->view().size()), QByteArray(kPlaintext));
        // Others get nothing; the owner is told to use its keystore.
        QCOMPARE(call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_stranger.token).status, 403);
        QCOMPARE(call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_owner.token).status, 403);
        QCOMPARE(occurrences("PLAINTEXT-MARKER-7d1f0c"), 0);

        // Revoked: the bundle is gone, and a second revoke is a conflict.
        r = call("POST", base + "/" + reqId + "/revoke", m_worker.token, json::object{});
        QCOMPARE(r.status, 403);
        r = call("POST", base + "/" + reqId + "/revoke", m_owner.token,
                 json::object{{"reason", "Contract ended"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(S(r.json(), "request.status"), std::string("revoked"));
        QCOMPARE(call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token).status, 403);
        QCOMPARE(call("POST", base + "/" + reqId + "/revoke", m_owner.token, json::object{}).status, 409);
        QCOMPARE(notificationTypes(m_worker.token).count("protected_access.revoked"), std::size_t(1));
    }

    void unsignedGrantWithoutSigningKey()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p);
        const auto agentKeys = crypto::BoxKeyPair::generate();
        const std::string keyId = addKey(m_worker.token, "encryption", "x25519", agentKeys.publicKey);
        const std::string base = "/api/agent/tasks/" + task + "/protected-access";
        auto r = call("POST", base, m_worker.token, json::object{{"keyId", keyId}});
        const std::string reqId = S(r.json(), "request.id");
        // A signature nobody can check is refused rather than passed on as if it meant something.
        const auto someone = crypto::SigningKeyPair::generate();
        QCOMPARE(call("POST", base + "/" + reqId + "/grant", m_owner.token,
                      grantBody(p, task, b64(agentKeys.publicKey), &someone))
                     .status,
                 400);
        r = call("POST", base + "/" + reqId + "/grant", m_owner.token,
                 grantBody(p, task, b64(agentKeys.publicKey), nullptr));
        QCOMPARE(r.status, 200);
        r = call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token);
        QCOMPARE(r.status, 200);
        QVERIFY(jsonPath(r.json(), "bundle.signature").is_null());
        QVERIFY(jsonPath(r.json(), "bundle.publisherSigningKey").is_null());
        const auto key = crypto::SealedBox::open(unb64(S(r.json(), "bundle.sealedKey")), agentKeys);
        QVERIFY(key.has_value() && key->equals(p.key));
        // Granted with this key already: asking again with it is a conflict.
        r = call("POST", base, m_worker.token, json::object{{"keyId", keyId}});
        QCOMPARE(r.status, 409);
        QCOMPARE(codeOf(r), std::string("ALREADY_GRANTED"));
    }

    void denyFlow()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p);
        const std::string keyId =
            addKey(m_worker.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const std::string base = "/api/agent/tasks/" + task + "/protected-access";
        auto r = call("POST", base, m_worker.token, json::object{{"keyId", keyId}});
        const std::string reqId = S(r.json(), "request.id");
        const std::string deny = base + "/" + reqId + "/deny";
        QCOMPARE(call("POST", deny, m_worker.token, json::object{{"reason", "I deny myself"}}).status, 403);
        QCOMPARE(call("POST", deny, m_stranger.token, json::object{{"reason", "No"}}).status, 404);
        QCOMPARE(call("POST", deny, m_owner.token, json::object{}).status, 400);
        QCOMPARE(
            call("POST", base + "/par_missing/deny", m_owner.token, json::object{{"reason", "x"}}).status,
            404);
        r = call("POST", deny, m_owner.token, json::object{{"reason", "Use the sandbox account instead"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(S(r.json(), "request.status"), std::string("denied"));
        QCOMPARE(S(r.json(), "request.reason"), std::string("Use the sandbox account instead"));
        QCOMPARE(call("POST", deny, m_owner.token, json::object{{"reason", "again"}}).status, 409);
        QCOMPARE(call("POST", base + "/" + reqId + "/grant", m_owner.token,
                      json::object{{"sealedKey", b64(QByteArray(80, 's'))}})
                     .status,
                 409);
        QCOMPARE(notificationTypes(m_worker.token).count("protected_access.denied"), std::size_t(1));
        QCOMPARE(auditCount(reqId, "deny"), std::int64_t(1));
        r = call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token);
        QCOMPARE(r.status, 403);
        // The agent's view of its request says why.
        r = call("GET", base, m_worker.token);
        QCOMPARE(S(r.json(), "requests.0.status"), std::string("denied"));
        // A denied agent may ask again (the owner may change its mind).
        QCOMPARE(call("POST", base, m_worker.token, json::object{{"keyId", keyId}}).status, 201);
    }

    void openTaskAgentsMayAsk()
    {
        const Payload p = makePayload();
        const std::string task = postTask(
            m_owner.token, {{"protected", p.wire}, {"mode", "open"}, {"skillsTags", json::array{"ops"}}});
        QVERIFY(!task.empty());
        const auto other = m_srv->registerMember("painter", {"painting"});
        const std::string k1 =
            addKey(m_worker.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const std::string k2 =
            addKey(other.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const std::string base = "/api/agent/tasks/" + task + "/protected-access";
        QCOMPARE(call("POST", base, m_worker.token, json::object{{"keyId", k1}}).status, 201);
        const auto r = call("POST", base, other.token, json::object{{"keyId", k2}});
        QCOMPARE(r.status, 403);
        QCOMPARE(codeOf(r), std::string("SKILL_MISMATCH"));
    }

    // A grant ends with the work it was for: a cancelled contract, an accepted one, or a
    // closed open-mode task stops the bundle without the owner revoking anything.
    void grantEndsWithTheWork()
    {
        const Payload p = makePayload();
        const auto agentKeys = crypto::BoxKeyPair::generate();
        const std::string keyId = addKey(m_worker.token, "encryption", "x25519", agentKeys.publicKey);
        auto grantFor = [&](const std::string& task, const std::string& token) {
            const std::string base = "/api/agent/tasks/" + task + "/protected-access";
            auto r = call("POST", base, token, json::object{{"keyId", keyId}});
            if (r.status != 201)
                return r;
            const std::string reqId = S(r.json(), "request.id");
            return call("POST", base + "/" + reqId + "/grant", m_owner.token,
                        grantBody(p, task, S(r.json(), "request.publicKey"), nullptr));
        };
        auto bundle = [&](const std::string& task) {
            return call("GET", "/api/agent/tasks/" + task + "/protected-bundle", m_worker.token);
        };

        // Cancelled by both parties.
        const std::string t1 = hiredTask(p);
        QCOMPARE(grantFor(t1, m_worker.token).status, 200);
        QCOMPARE(bundle(t1).status, 200);
        const auto contracts = call("GET", "/api/agent/contracts?role=seller", m_worker.token);
        const std::string c1 = S(contracts.json(), "contracts.0.id");
        QCOMPARE(call("POST", "/api/agent/contracts/" + c1 + "/cancellation", m_worker.token,
                      json::object{{"action", "apply"}, {"reason", "Scope changed"}})
                     .status,
                 200);
        QCOMPARE(bundle(t1).status, 200); // applied is not yet cancelled
        QCOMPARE(call("POST", "/api/agent/contracts/" + c1 + "/cancellation", m_owner.token,
                      json::object{{"action", "confirm"}, {"reason", "Agreed"}})
                     .status,
                 200);
        auto r = bundle(t1);
        QCOMPARE(r.status, 403);
        QCOMPARE(codeOf(r), std::string("ACCESS_ENDED"));
        QVERIFY(r.body.find("sealedKey") == std::string::npos);

        // Accepted: the job is done.
        const std::string t2 = hiredTask(p);
        QCOMPARE(grantFor(t2, m_worker.token).status, 200);
        const auto seller =
            call("GET", "/api/agent/contracts?role=seller&status=in_progress", m_worker.token);
        const std::string c2 = S(seller.json(), "contracts.0.id");
        QVERIFY(!c2.empty() && c2 != c1);
        QCOMPARE(call("POST", "/api/agent/contracts/" + c2 + "/submissions", m_worker.token,
                      json::object{{"deliverableUrl", "https://example.com/done"}})
                     .status,
                 201);
        QCOMPARE(bundle(t2).status, 200); // under review, the work goes on
        QCOMPARE(call("POST", "/api/agent/contracts/" + c2 + "/decision", m_owner.token,
                      json::object{{"action", "accept"}})
                     .status,
                 200);
        QCOMPARE(codeOf(bundle(t2)), std::string("ACCESS_ENDED"));

        // An open-mode task the owner cancels.
        const std::string t3 = postTask(
            m_owner.token, {{"protected", p.wire}, {"mode", "open"}, {"skillsTags", json::array{"ops"}}});
        QCOMPARE(grantFor(t3, m_worker.token).status, 200);
        QCOMPARE(bundle(t3).status, 200);
        QCOMPARE(call("POST", "/api/agent/tasks/" + t3 + "/cancel", m_owner.token,
                      json::object{{"reason", "No longer needed"}})
                     .status,
                 200);
        QCOMPARE(codeOf(bundle(t3)), std::string("ACCESS_ENDED"));
    }

    void closedContractMayNotAsk()
    {
        const Payload p = makePayload();
        const std::string task = hiredTask(p);
        const std::string keyId =
            addKey(m_worker.token, "encryption", "x25519", crypto::BoxKeyPair::generate().publicKey);
        const auto contracts = call("GET", "/api/agent/contracts?role=seller", m_worker.token);
        const std::string contract = S(contracts.json(), "contracts.0.id");
        QCOMPARE(call("POST", "/api/agent/contracts/" + contract + "/submissions", m_worker.token,
                      json::object{{"deliverableUrl", "https://example.com/done"}, {"notes", "Rotated."}})
                     .status,
                 201);
        QCOMPARE(call("POST", "/api/agent/contracts/" + contract + "/decision", m_owner.token,
                      json::object{{"action", "accept"}})
                     .status,
                 200);
        const auto r = call("POST", "/api/agent/tasks/" + task + "/protected-access", m_worker.token,
                            json::object{{"keyId", keyId}});
        QCOMPARE(r.status, 409);
        QCOMPARE(codeOf(r), std::string("CONTRACT_CLOSED"));
    }
};

TASKDESK_API_TEST_MAIN(ApiProtectedTest)
#include "tst_api_protected.moc"
