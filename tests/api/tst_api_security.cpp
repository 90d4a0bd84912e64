// Security tests over real HTTP, written from the attacker's side. One fresh
// server (and database) per test; cleanup() checks the ledger after each.
//
//  1. Object-level authorization: a world of two honest members (an owner and a
//     worker with contracts, bids, counter-offers, applications, submissions,
//     notifications, tokens, keys and payout methods on public and unlisted
//     tasks), then a third profile, mallory, calls every route that takes an id
//     with their ids. The probe table below is kept complete BY HAND: every route
//     pattern of server/http/ApiRoutes.cpp that contains ':' is listed in
//     kRoutesWithIds, and the test fails when one of them has no probe. When a
//     route with an id is added to ApiRoutes.cpp, add it to kRoutesWithIds and
//     give it a probe (and a narrowed-scope probe in narrowedTokenScopes).
//     Scoped tokens, revoked/expired/garbage credentials, the staff ledger
//     check and unlisted tasks are covered too.
//  2. Bad input: a 4xx with the error shape and a field-level reason, never a
//     5xx, and nothing changes.
//  3. Idempotency-Key: replay, mismatch, which outcomes are stored, per-principal
//     keys, eight concurrent twins, and scope checks on replay.
//  4. Rate limits (registration, login, bids).
//  5. Registration and login.
#include "Clock.h"
#include "Database.h"
#include "JsonPath.h"
#include "TestServer.h"

#include <QTest>
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <climits>
#include <cmath>
#include <functional>
#include <latch>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

// ---------------------------------------------------------------------------------------------
// Every route pattern in server/http/ApiRoutes.cpp that contains ':' (kept by hand; see above).
const std::vector<std::pair<std::string, std::string>> kRoutesWithIds = {
    {"DELETE", "/api/agent/me/tokens/:id"},
    {"PATCH", "/api/agent/me/payout-methods/:id"},
    {"DELETE", "/api/agent/me/payout-methods/:id"},
    {"DELETE", "/api/agent/me/keys/:id"},
    {"GET", "/api/profiles/:id"},
    {"GET", "/api/profiles/:id/reviews"},
    {"GET", "/api/profiles/:id/payout-methods"},
    {"GET", "/api/tasks/:id"},
    {"PATCH", "/api/tasks/:id"},
    {"GET", "/api/agent/tasks/:id"},
    {"POST", "/api/agent/tasks/:id/cancel"},
    {"POST", "/api/agent/tasks/:id/split"},
    {"GET", "/api/agent/tasks/:id/comments"},
    {"POST", "/api/agent/tasks/:id/comments"},
    {"POST", "/api/agent/tasks/:id/claim"},
    {"GET", "/api/agent/tasks/:id/applications"},
    {"POST", "/api/agent/tasks/:id/applications/:appId/approve"},
    {"POST", "/api/agent/tasks/:id/applications/:appId/reject"},
    {"POST", "/api/agent/tasks/:id/submissions"},
    {"GET", "/api/agent/tasks/:id/submissions"},
    {"POST", "/api/agent/tasks/:id/submissions/:subId/decision"},
    {"POST", "/api/agent/tasks/:id/bids"},
    {"GET", "/api/agent/tasks/:id/bids"},
    {"GET", "/api/agent/bids/:id"},
    {"PATCH", "/api/agent/bids/:id"},
    {"GET", "/api/agent/bids/:id/counter-offers"},
    {"POST", "/api/agent/bids/:id/counter-offers"},
    {"PATCH", "/api/agent/bids/:id/counter-offers/:coId"},
    {"POST", "/api/agent/bids/:id/counter-offers/:coId/accept"},
    {"POST", "/api/agent/bids/:id/counter-offers/:coId/reject"},
    {"GET", "/api/agent/contracts/:id"},
    {"POST", "/api/agent/contracts/:id/submissions"},
    {"GET", "/api/agent/contracts/:id/submissions"},
    {"POST", "/api/agent/contracts/:id/decision"},
    {"POST", "/api/agent/contracts/:id/reviews"},
    {"GET", "/api/agent/contracts/:id/reviews"},
    {"POST", "/api/agent/contracts/:id/cancellation"},
    {"POST", "/api/agent/notifications/:id/read"},
    // registerConversationRoutes() (ApiRoutesConversations.cpp)
    {"GET", "/api/agent/bids/:id/messages"},
    {"POST", "/api/agent/bids/:id/messages"},
    {"GET", "/api/agent/contracts/:id/messages"},
    {"POST", "/api/agent/contracts/:id/messages"},
};

// Every authenticated (AuthMode::Required) route in ApiRoutes.cpp with the scope the
// contract gives it; narrowedTokenScopes() probes each one with a tasks:read token.
const std::vector<std::pair<std::string, std::string>> kRequiredRoutes = {
    {"GET", "/api/agent/me"},
    {"PATCH", "/api/agent/me"},
    {"GET", "/api/agent/me/tokens"},
    {"POST", "/api/agent/me/tokens"},
    {"DELETE", "/api/agent/me/tokens/:id"},
    {"GET", "/api/agent/me/payout-methods"},
    {"POST", "/api/agent/me/payout-methods"},
    {"PATCH", "/api/agent/me/payout-methods/:id"},
    {"DELETE", "/api/agent/me/payout-methods/:id"},
    {"GET", "/api/agent/me/keys"},
    {"POST", "/api/agent/me/keys"},
    {"DELETE", "/api/agent/me/keys/:id"},
    {"POST", "/api/agent/heartbeat"},
    {"GET", "/api/agent/stats"},
    {"GET", "/api/agent/wallet"},
    {"GET", "/api/agent/wallet/transactions"},
    {"GET", "/api/support/ledger/verify"},
    {"PATCH", "/api/tasks/:id"},
    {"POST", "/api/agent/tasks"},
    {"GET", "/api/agent/tasks"},
    {"GET", "/api/agent/tasks/:id"},
    {"POST", "/api/agent/tasks/:id/cancel"},
    {"POST", "/api/agent/tasks/:id/split"},
    {"GET", "/api/agent/tasks/:id/comments"},
    {"POST", "/api/agent/tasks/:id/comments"},
    {"POST", "/api/agent/tasks/:id/claim"},
    {"GET", "/api/agent/tasks/:id/applications"},
    {"POST", "/api/agent/tasks/:id/applications/:appId/approve"},
    {"POST", "/api/agent/tasks/:id/applications/:appId/reject"},
    {"POST", "/api/agent/tasks/:id/submissions"},
    {"GET", "/api/agent/tasks/:id/submissions"},
    {"POST", "/api/agent/tasks/:id/submissions/:subId/decision"},
    {"POST", "/api/agent/tasks/:id/bids"},
    {"GET", "/api/agent/tasks/:id/bids"},
    {"GET", "/api/agent/bids"},
    {"GET", "/api/agent/bids/:id"},
    {"PATCH", "/api/agent/bids/:id"},
    {"GET", "/api/agent/bids/:id/counter-offers"},
    {"POST", "/api/agent/bids/:id/counter-offers"},
    {"PATCH", "/api/agent/bids/:id/counter-offers/:coId"},
    {"POST", "/api/agent/bids/:id/counter-offers/:coId/accept"},
    {"POST", "/api/agent/bids/:id/counter-offers/:coId/reject"},
    {"POST", "/api/agent/contracts"},
    {"GET", "/api/agent/contracts"},
    {"GET", "/api/agent/contracts/:id"},
    {"POST", "/api/agent/contracts/:id/submissions"},
    {"GET", "/api/agent/contracts/:id/submissions"},
    {"POST", "/api/agent/contracts/:id/decision"},
    {"POST", "/api/agent/contracts/:id/reviews"},
    {"GET", "/api/agent/contracts/:id/reviews"},
    {"POST", "/api/agent/contracts/:id/cancellation"},
    {"GET", "/api/agent/notifications"},
    {"GET", "/api/agent/notifications/unread-count"},
    {"POST", "/api/agent/notifications/read-all"},
    {"POST", "/api/agent/notifications/:id/read"},
    // registerConversationRoutes() and registerEventRoutes()
    {"GET", "/api/agent/bids/:id/messages"},
    {"POST", "/api/agent/bids/:id/messages"},
    {"GET", "/api/agent/contracts/:id/messages"},
    {"POST", "/api/agent/contracts/:id/messages"},
    {"GET", "/api/agent/messages"},
    {"POST", "/api/agent/messages"},
    {"GET", "/api/agent/threads"},
    {"POST", "/api/agent/threads/read"},
    {"GET", "/api/agent/events"},
};

constexpr const char* kPassword = "correct horse battery";
// 32 bytes (0x00..0x1f) in standard base64: a well-formed x25519 public key.
constexpr const char* kPublicKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

json::value get(const json::value& root, const std::string& path)
{
    return taskdesk::test::jsonPath(root, path);
}

std::string S(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

// A money value in cents; LLONG_MIN when absent.
long long C(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    if (v.is_int64())
        return v.as_int64() * 100;
    if (v.is_uint64())
        return static_cast<long long>(v.as_uint64()) * 100;
    if (v.is_double())
        return std::llround(v.as_double() * 100.0);
    return LLONG_MIN;
}

long long N(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_array() ? static_cast<long long>(v.as_array().size()) : -1;
}

std::string codeOf(const Reply& r)
{
    return S(r.json(), "code");
}

std::string brief(const Reply& r)
{
    if (r.status == 0)
        return "no response (" + r.error + ")";
    return std::to_string(r.status) + " " + (r.body.size() > 400 ? r.body.substr(0, 400) + "..." : r.body);
}

std::string join(const std::vector<std::string>& v, const char* sep = "\n  ")
{
    std::string out;
    for (const auto& s : v)
        out += sep + s;
    return out;
}

// Why the reply is not a well-formed error ({error, code, retry, fields?}); empty when it is.
std::string shapeProblem(const Reply& r)
{
    const auto v = r.json();
    if (!v.is_object())
        return "error body is not a JSON object";
    const auto& o = v.as_object();
    const auto* e = o.if_contains("error");
    const auto* c = o.if_contains("code");
    const auto* t = o.if_contains("retry");
    if (!e || !e->is_string() || e->as_string().empty())
        return "error body lacks a non-empty \"error\" string";
    if (!c || !c->is_string() || c->as_string().empty())
        return "error body lacks a non-empty \"code\" string";
    if (!t || !t->is_bool())
        return "error body lacks a boolean \"retry\"";
    for (const auto& kv : o) {
        if (kv.key() == "error" || kv.key() == "code" || kv.key() == "retry")
            continue;
        if (kv.key() != "fields")
            return "error body has an unexpected member \"" + std::string(kv.key()) + "\"";
        if (!kv.value().is_object())
            return "\"fields\" is not an object";
        for (const auto& f : kv.value().as_object())
            if (!f.value().is_string() || f.value().as_string().empty())
                return "fields." + std::string(f.key()) + " is not a non-empty reason";
    }
    if (r.status >= 400 && r.status < 500 && r.status != 429 && t->as_bool())
        return "a client error says retry: true";
    return {};
}

std::string firstLeak(const std::string& body, const std::vector<std::string>& secrets)
{
    for (const auto& s : secrets)
        if (!s.empty() && body.find(s) != std::string::npos)
            return s;
    return {};
}

// An id of the same type and length that does not exist.
std::string fakeId(const std::string& id)
{
    const auto us = id.find('_');
    std::string out = id.substr(0, us + 1);
    out += std::string(id.size() - out.size(), '0');
    if (out.size() > us + 1)
        out.back() = '7';
    return out;
}

void replaceAll(std::string& s, const std::string& from, const std::string& to)
{
    if (from.empty())
        return;
    for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

// Drops members whose values legitimately change on reads (token bookkeeping).
json::value stripVolatile(json::value v)
{
    if (v.is_object()) {
        auto& o = v.as_object();
        o.erase("lastUsedAt");
        o.erase("lastSeenAt");
        for (auto& kv : o)
            kv.value() = stripVolatile(kv.value());
    } else if (v.is_array()) {
        for (auto& e : v.as_array())
            e = stripVolatile(e);
    }
    return v;
}

// A JSON object text from (name, raw JSON value) pairs, in order.
std::string objectText(const std::vector<std::pair<std::string, std::string>>& members)
{
    std::string out = "{";
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i)
            out += ",";
        out += "\"" + members[i].first + "\":" + members[i].second;
    }
    return out + "}";
}

std::string quoted(const std::string& s)
{
    return json::serialize(json::value(s));
}

} // namespace

#define GUARD                                                                                                \
    if (QTest::currentTestFailed())                                                                          \
    return
#define EXPECT_STATUS(r, code)                                                                               \
    do {                                                                                                     \
        const Reply& rs_ = (r);                                                                              \
        QVERIFY2(rs_.status == (code),                                                                       \
                 ("expected HTTP " + std::to_string(code) + ", got " + brief(rs_)).c_str());                 \
    } while (0)
#define EXPECT_ERROR(r, code, machine)                                                                       \
    do {                                                                                                     \
        const Reply& r_ = (r);                                                                               \
        EXPECT_STATUS(r_, code);                                                                             \
        QVERIFY2(codeOf(r_) == (machine),                                                                    \
                 ("expected code " + std::string(machine) + ", got " + brief(r_)).c_str());                  \
        QVERIFY2(shapeProblem(r_).empty(), (shapeProblem(r_) + ": " + brief(r_)).c_str());                   \
    } while (0)

class ApiSecurityTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    using Member = TestServer::Member;
    using Headers = std::vector<std::pair<std::string, std::string>>;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr, Headers headers = {})
    {
        return m_srv->client().call(method, target, token, body, std::move(headers));
    }

    // A request with a raw body (sent as application/json).
    Reply raw(const std::string& method, const std::string& target, const std::string& token,
              const std::string& body, Headers headers = {})
    {
        if (!token.empty())
            headers.emplace_back("Authorization", "Bearer " + token);
        headers.emplace_back("Content-Type", "application/json");
        return m_srv->client().request(method, target, body, headers);
    }

    // The value at path of a reply with the expected status; throws otherwise (world building).
    std::string must(const Reply& r, int status, const std::string& path, const std::string& what)
    {
        if (r.status != status)
            throw std::runtime_error(what + ": expected " + std::to_string(status) + ", got " + brief(r));
        if (path.empty())
            return {};
        const std::string v = S(r.json(), path);
        if (v.empty())
            throw std::runtime_error(what + ": no " + path + " in " + brief(r));
        return v;
    }

    std::string newTask(const std::string& token, const std::string& title, json::object extra)
    {
        extra["title"] = title;
        if (!extra.contains("description"))
            extra["description"] = "Details of " + title + " for the security tests.";
        return must(call("POST", "/api/agent/tasks", token, extra), 201, "task.id", "post " + title);
    }

    // ---- the world ----------------------------------------------------------------------------

    struct World
    {
        Member owner, worker, mallory;
        std::string ownerTokId, ownerKeyId, ownerPayId, workerPayId, workerTokId;
        // owner's tasks
        std::string tPub, tUnl, tPub2, tUnl2, tClaimPub, tClaimUnl, tOpenPub, tOpenUnl;
        // worker's bids, owner's counter-offers, contracts, submissions, applications
        std::string bPub, bUnl, bPub2, bUnl2, coPub2, coUnl2, cPub, cUnl;
        std::string subCPub, subCUnl, subOpenPub, subOpenUnl, appPub, appUnl;
        std::vector<std::string> ownerNtf, workerNtf;
        std::vector<std::string> ownerThreads; // thread ids (bid, contract, direct)
        // mallory's own
        std::string tM, tMc, tMo, bM;
        // Never in a reply to mallory when she is refused.
        std::vector<std::string> secrets;
        // Never in any reply to mallory, even on public reads.
        std::vector<std::string> privateSecrets;
        // Ids that are not mallory's (for the existence-oracle comparison).
        std::vector<std::string> foreignIds;
    };

    void buildWorld(World& w)
    {
        w.owner = m_srv->registerMember("owner_sec", {"docs"});
        w.worker = m_srv->registerMember("worker_sec", {"docs"});
        w.mallory = m_srv->registerMember("mallory", {"docs"});
        const std::string& O = w.owner.token;
        const std::string& W = w.worker.token;
        const std::string& M = w.mallory.token;

        w.ownerTokId =
            must(call("POST", "/api/agent/me/tokens", O, json::object{{"name", "ci-secret-token"}}), 201,
                 "token.id", "owner token");
        w.workerTokId =
            must(call("POST", "/api/agent/me/tokens", W, json::object{{"name", "worker-secret-token"}}), 201,
                 "token.id", "worker token");
        w.ownerKeyId = must(call("POST", "/api/agent/me/keys", O,
                                 json::object{{"label", "owner-secret-key"},
                                              {"purpose", "encryption"},
                                              {"algorithm", "x25519"},
                                              {"publicKey", kPublicKey}}),
                            201, "key.id", "owner key");
        w.ownerPayId = must(call("POST", "/api/agent/me/payout-methods", O,
                                 json::object{{"denomination", "USDC"},
                                              {"network", "base"},
                                              {"address", "0xOWNERSECRETADDRESS77"}}),
                            201, "payoutMethod.id", "owner payout");
        w.workerPayId = must(call("POST", "/api/agent/me/payout-methods", W,
                                  json::object{{"denomination", "USDC"},
                                               {"network", "base"},
                                               {"address", "0xWORKERSECRETADDRESS99"},
                                               {"memo", "worker-secret-memo"}}),
                             201, "payoutMethod.id", "worker payout");

        auto credits = [](double amount, json::object extra = {}) {
            extra["budgetAmount"] = amount;
            extra["budgetCurrency"] = "CREDITS";
            return extra;
        };
        const json::array docs{"docs"};
        w.tPub = newTask(O, "Alpha public widget", credits(173.37));
        w.tUnl = newTask(O, "Bravo unlisted gadget", credits(181.11, {{"visibility", "unlisted"}}));
        w.tPub2 = newTask(O, "Charlie public counter", credits(92.47));
        w.tUnl2 = newTask(O, "Delta unlisted counter", credits(88.19, {{"visibility", "unlisted"}}));
        w.tClaimPub =
            newTask(O, "Echo public claim",
                    credits(65.65, {{"mode", "claim"}, {"requireApproval", true}, {"skillsTags", docs}}));
        w.tClaimUnl = newTask(O, "Foxtrot unlisted claim",
                              credits(66.66, {{"mode", "claim"},
                                              {"requireApproval", true},
                                              {"skillsTags", docs},
                                              {"visibility", "unlisted"}}));
        w.tOpenPub = newTask(O, "Golf public open", credits(74.44, {{"mode", "open"}, {"skillsTags", docs}}));
        w.tOpenUnl =
            newTask(O, "Hotel unlisted open",
                    credits(73.33, {{"mode", "open"}, {"skillsTags", docs}, {"visibility", "unlisted"}}));

        auto bid = [&](const std::string& task, double amount, const std::string& approach) {
            return must(
                call("POST", "/api/agent/tasks/" + task + "/bids", W,
                     json::object{{"proposedAmount", amount}, {"etaDays", 3}, {"approach", approach}}),
                201, "bid.id", "bid on " + task);
        };
        w.bPub = bid(w.tPub, 151.29, "approach-secret-pub");
        w.bUnl = bid(w.tUnl, 161.17, "approach-secret-unl");
        w.bPub2 = bid(w.tPub2, 81.23, "approach-secret-pub2");
        w.bUnl2 = bid(w.tUnl2, 77.31, "approach-secret-unl2");
        w.coPub2 = must(call("POST", "/api/agent/bids/" + w.bPub2 + "/counter-offers", O,
                             json::object{{"proposedAmount", 71.13}, {"message", "counter-secret-pub2"}}),
                        201, "counterOffer.id", "counter-offer pub2");
        w.coUnl2 = must(call("POST", "/api/agent/bids/" + w.bUnl2 + "/counter-offers", O,
                             json::object{{"proposedAmount", 71.17}, {"message", "counter-secret-unl2"}}),
                        201, "counterOffer.id", "counter-offer unl2");
        w.cPub =
            must(call("POST", "/api/agent/contracts", O, json::object{{"taskId", w.tPub}, {"bidId", w.bPub}}),
                 201, "contract.id", "hire pub");
        w.cUnl =
            must(call("POST", "/api/agent/contracts", O,
                      json::object{{"taskId", w.tUnl}, {"bidId", w.bUnl}, {"payoutMethodId", w.workerPayId}}),
                 201, "contract.id", "hire unl");
        w.subCPub = must(call("POST", "/api/agent/contracts/" + w.cPub + "/submissions", W,
                              json::object{{"deliverableUrl", "https://example.com/deliv-secret-pub"},
                                           {"summaryText", "summary-secret-pub"}}),
                         201, "submission.id", "deliver pub");
        w.subCUnl = must(call("POST", "/api/agent/contracts/" + w.cUnl + "/submissions", W,
                              json::object{{"deliverableUrl", "https://example.com/deliv-secret-unl"},
                                           {"summaryText", "summary-secret-unl"}}),
                         201, "submission.id", "deliver unl");
        must(call("POST", "/api/agent/contracts/" + w.cPub + "/decision", O,
                  json::object{{"action", "accept"}, {"rating", 5}, {"review", "Solid work on the widget"}}),
             200, "", "accept pub");
        w.appPub = must(call("POST", "/api/agent/tasks/" + w.tClaimPub + "/claim", W,
                             json::object{{"message", "application-secret-pub"}}),
                        201, "application.id", "apply pub");
        w.appUnl = must(call("POST", "/api/agent/tasks/" + w.tClaimUnl + "/claim", W,
                             json::object{{"message", "application-secret-unl"}}),
                        201, "application.id", "apply unl");
        w.subOpenPub =
            must(call("POST", "/api/agent/tasks/" + w.tOpenPub + "/submissions", W,
                      json::object{{"summaryText", "open-secret-pub"}, {"output", "open-output-secret-pub"}}),
                 201, "submission.id", "open submit pub");
        w.subOpenUnl =
            must(call("POST", "/api/agent/tasks/" + w.tOpenUnl + "/submissions", W,
                      json::object{{"summaryText", "open-secret-unl"}, {"output", "open-output-secret-unl"}}),
                 201, "submission.id", "open submit unl");
        must(call("POST", "/api/agent/tasks/" + w.tUnl + "/comments", O,
                  json::object{{"body", "comment-secret-unlisted"}}),
             201, "comment.id", "comment unl");
        // private threads: a bid thread, a contract thread and a direct conversation
        must(call("POST", "/api/agent/bids/" + w.bPub2 + "/messages", O,
                  json::object{{"body", "bidmsg-secret-pub2"}}),
             201, "", "bid message");
        must(call("POST", "/api/agent/contracts/" + w.cUnl + "/messages", W,
                  json::object{{"body", "ctrmsg-secret-unl"}}),
             201, "", "contract message");
        must(call("POST", "/api/agent/messages", O,
                  json::object{{"toProfileId", w.worker.id}, {"body", "dm-secret-owner-to-worker"}}),
             201, "", "direct message");
        {
            const auto r = call("GET", "/api/agent/threads?limit=100", O);
            must(r, 200, "", "threads");
            const auto list = get(r.json(), "threads");
            if (list.is_array())
                for (const auto& t : list.as_array())
                    w.ownerThreads.push_back(std::string(t.at("id").as_string()));
            if (w.ownerThreads.size() < 3)
                throw std::runtime_error("expected at least 3 threads for the owner: " + brief(r));
        }

        // mallory's own tasks, and the worker's bid on one of them
        w.tM = newTask(M, "Mallory own bid task", credits(20));
        w.tMc = newTask(M, "Mallory own claim task",
                        credits(10, {{"mode", "claim"}, {"requireApproval", true}, {"skillsTags", docs}}));
        w.tMo = newTask(M, "Mallory own open task", credits(10, {{"mode", "open"}, {"skillsTags", docs}}));
        w.bM = bid(w.tM, 15, "approach-for-mallory");

        auto ntfIds = [&](const std::string& token) {
            std::vector<std::string> ids;
            const auto r = call("GET", "/api/agent/notifications?limit=100", token);
            must(r, 200, "", "notifications");
            const auto list = get(r.json(), "notifications");
            if (list.is_array())
                for (const auto& n : list.as_array())
                    ids.push_back(std::string(n.at("id").as_string()));
            if (ids.empty())
                throw std::runtime_error("no notifications");
            return ids;
        };
        w.ownerNtf = ntfIds(O);
        w.workerNtf = ntfIds(W);

        w.foreignIds = {w.owner.id,    w.worker.id,  w.ownerTokId, w.workerTokId, w.ownerKeyId, w.ownerPayId,
                        w.workerPayId, w.tPub,       w.tUnl,       w.tPub2,       w.tUnl2,      w.tClaimPub,
                        w.tClaimUnl,   w.tOpenPub,   w.tOpenUnl,   w.bPub,        w.bUnl,       w.bPub2,
                        w.bUnl2,       w.coPub2,     w.coUnl2,     w.cPub,        w.cUnl,       w.subCPub,
                        w.subCUnl,     w.subOpenPub, w.subOpenUnl, w.appPub,      w.appUnl};
        for (const auto& n : w.ownerNtf)
            w.foreignIds.push_back(n);
        for (const auto& n : w.workerNtf)
            w.foreignIds.push_back(n);
        for (const auto& t : w.ownerThreads)
            w.foreignIds.push_back(t);

        w.privateSecrets = {
            w.owner.email, w.worker.email, "0xOWNERSECRETADDRESS77", "0xWORKERSECRETADDRESS99",
            "worker-secret-memo", w.ownerTokId, w.workerTokId, "ci-secret-token", "worker-secret-token",
            w.ownerKeyId, kPublicKey, "owner-secret-key", w.ownerPayId, w.workerPayId,
            // unlisted tasks: ids, titles, budgets
            w.tUnl, w.tUnl2, w.tClaimUnl, w.tOpenUnl, "Bravo unlisted gadget", "Delta unlisted counter",
            "Foxtrot unlisted claim", "Hotel unlisted open", "181.11", "88.19", "66.66", "73.33",
            // bids, counter-offers, contracts, submissions, applications, comments
            w.bPub, w.bUnl, w.bPub2, w.bUnl2, "151.29", "161.17", "81.23", "77.31", "approach-secret",
            w.coPub2, w.coUnl2, "71.13", "71.17", "counter-secret", w.cUnl, w.subCPub, w.subCUnl,
            w.subOpenPub, w.subOpenUnl, "secret-pub", "secret-unl", "deliv-secret", w.appPub, w.appUnl,
            "application-secret", "comment-secret", "bidmsg-secret", "ctrmsg-secret", "dm-secret"};
        for (const auto& t : w.ownerThreads)
            w.privateSecrets.push_back(t);
        for (const auto& n : w.ownerNtf)
            w.privateSecrets.push_back(n);
        for (const auto& n : w.workerNtf)
            w.privateSecrets.push_back(n);
        w.secrets = w.privateSecrets;
        for (const std::string& s :
             {w.owner.id, w.worker.id, w.tPub, w.tPub2, w.tClaimPub, w.tOpenPub, w.cPub,
              std::string("Alpha public widget"), std::string("Charlie public counter"),
              std::string("Echo public claim"), std::string("Golf public open"), std::string("173.37"),
              std::string("92.47"), std::string("65.65"), std::string("74.44"), std::string("owner_sec"),
              std::string("worker_sec"), std::string("Solid work")})
            w.secrets.push_back(s);
    }

    // The owner's and the worker's view of everything mallory might try to change.
    std::vector<std::pair<std::string, std::string>> snapshot(const World& w)
    {
        const std::string& O = w.owner.token;
        const std::string& W = w.worker.token;
        std::vector<std::pair<std::string, std::string>> targets = {
            {O, "/api/agent/me"},
            {O, "/api/agent/wallet"},
            {W, "/api/agent/wallet"},
            {O, "/api/agent/tasks?limit=100"},
            {W, "/api/agent/bids?limit=100"},
            {O, "/api/agent/contracts?limit=100"},
            {W, "/api/agent/contracts?limit=100"},
            {O, "/api/agent/me/tokens"},
            {W, "/api/agent/me/tokens"},
            {O, "/api/agent/me/keys"},
            {O, "/api/agent/me/payout-methods"},
            {W, "/api/agent/me/payout-methods"},
            {O, "/api/agent/notifications?limit=100"},
            {W, "/api/agent/notifications?limit=100"},
            {O, "/api/agent/bids/" + w.bPub2 + "/counter-offers"},
            {O, "/api/agent/bids/" + w.bUnl2 + "/counter-offers"},
            {O, "/api/agent/tasks/" + w.tClaimPub + "/applications"},
            {O, "/api/agent/tasks/" + w.tClaimUnl + "/applications"},
            {O, "/api/agent/tasks/" + w.tOpenPub + "/submissions"},
            {O, "/api/agent/tasks/" + w.tOpenUnl + "/submissions"},
            {O, "/api/agent/contracts/" + w.cUnl + "/submissions"},
            {O, "/api/agent/contracts/" + w.cPub + "/reviews"},
            {O, "/api/agent/tasks/" + w.tUnl + "/comments"},
            {O, "/api/agent/tasks/" + w.tPub + "/comments"},
            {O, "/api/agent/threads?limit=100"},
            {W, "/api/agent/threads?limit=100"},
            {O, "/api/agent/messages?limit=100"},
            {O, "/api/agent/bids/" + w.bPub2 + "/messages"},
            {O, "/api/agent/contracts/" + w.cUnl + "/messages"},
        };
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& [tok, target] : targets) {
            const auto r = call("GET", target, tok);
            out.emplace_back(target,
                             std::to_string(r.status) + " " + json::serialize(stripVolatile(r.json())));
        }
        out.emplace_back("ledger transfers", std::to_string(m_srv->ledger().transfers));
        return out;
    }

    void compareSnapshots(const std::vector<std::pair<std::string, std::string>>& before,
                          const std::vector<std::pair<std::string, std::string>>& after, const char* what)
    {
        QCOMPARE(before.size(), after.size());
        std::vector<std::string> changed;
        for (std::size_t i = 0; i < before.size(); ++i)
            if (before[i].second != after[i].second)
                changed.push_back(before[i].first + "\n    before: " + before[i].second.substr(0, 600) +
                                  "\n    after:  " + after[i].second.substr(0, 600));
        QVERIFY2(changed.empty(), (std::string(what) + " changed state:" + join(changed)).c_str());
    }

    struct Probe
    {
        using Check = std::function<std::string(const json::value&)>;
        Probe(std::string m, std::string pat, std::string p, json::value b = nullptr, int e = 404,
              std::string c = {}, bool pub = false, Check chk = {})
            : method(std::move(m)), pattern(std::move(pat)), path(std::move(p)), body(std::move(b)),
              expect(e), code(std::move(c)), publicRead(pub), check(std::move(chk))
        {}
        std::string method, pattern, path;
        json::value body;
        int expect;       // the status the contract gives mallory
        std::string code; // the machine code, when it matters
        bool publicRead;  // a read the contract allows anyone: checked for private data only
        Check check;      // extra check on an allowed read; "" = fine
    };

private slots:
    void init()
    {
        TestServer::Options options;
        const std::string fn = QTest::currentTestFunction() ? QTest::currentTestFunction() : "";
        options.rateLimits = fn.rfind("rateLimit", 0) == 0;
        m_srv = std::make_unique<TestServer>(options);
        m_srv->start();
    }

    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        QCOMPARE(l.negativeAccounts, 0LL);
        QCOMPARE(l.mismatchedAccounts, 0LL);
        m_srv.reset();
    }

    // ---- 1. object-level authorization ------------------------------------------------------

    void objectLevelAuthorization()
    {
        World w;
        try {
            buildWorld(w);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        const std::string& M = w.mallory.token;
        const json::object withdraw{{"action", "withdraw"}};

        auto noEmail = [](const json::value& v) -> std::string {
            return get(v, "profile").is_object() && !get(v, "profile").as_object().contains("email")
                       ? ""
                       : "a public profile carries an email";
        };
        auto noOwnerExtras = [](const json::value& v) -> std::string {
            const auto t = get(v, "task");
            if (!t.is_object())
                return "no task";
            for (const char* k : {"bidSummary", "pendingApplications", "pendingSubmissions", "contractId"})
                if (t.as_object().contains(k))
                    return std::string("a stranger sees the owner's ") + k;
            return "";
        };
        auto emptyList = [](const char* name) {
            return [name](const json::value& v) -> std::string {
                return N(v, name) == 0 ? "" : std::string("a stranger sees ") + name;
            };
        };

        const std::vector<Probe> probes = {
            // account-scoped objects: other profiles' ids do not exist for mallory
            {"DELETE", "/api/agent/me/tokens/:id", "/api/agent/me/tokens/" + w.ownerTokId},
            {"DELETE", "/api/agent/me/tokens/:id", "/api/agent/me/tokens/" + w.workerTokId},
            {"PATCH", "/api/agent/me/payout-methods/:id", "/api/agent/me/payout-methods/" + w.workerPayId,
             json::object{{"address", "0xMALLORY"}}},
            {"DELETE", "/api/agent/me/payout-methods/:id", "/api/agent/me/payout-methods/" + w.workerPayId},
            {"DELETE", "/api/agent/me/keys/:id", "/api/agent/me/keys/" + w.ownerKeyId},
            // public profile reads: allowed, but never private data
            {"GET", "/api/profiles/:id", "/api/profiles/" + w.worker.id, nullptr, 200, "", true, noEmail},
            {"GET", "/api/profiles/:id", "/api/profiles/" + w.owner.id, nullptr, 200, "", true, noEmail},
            {"GET", "/api/profiles/:id/reviews", "/api/profiles/" + w.worker.id + "/reviews", nullptr, 200,
             "", true},
            {"GET", "/api/profiles/:id/payout-methods", "/api/profiles/" + w.worker.id + "/payout-methods",
             nullptr, 200, "", true},
            // tasks
            {"GET", "/api/tasks/:id", "/api/tasks/" + w.tPub, nullptr, 200, "", true},
            {"GET", "/api/tasks/:id", "/api/tasks/" + w.tUnl},
            {"GET", "/api/tasks/:id", "/api/tasks/" + w.tClaimUnl},
            {"PATCH", "/api/tasks/:id", "/api/tasks/" + w.tPub2, json::object{{"title", "Pwned by mallory"}},
             403},
            {"PATCH", "/api/tasks/:id", "/api/tasks/" + w.tUnl2, json::object{{"title", "Pwned by mallory"}}},
            {"GET", "/api/agent/tasks/:id", "/api/agent/tasks/" + w.tPub, nullptr, 200, "", true,
             noOwnerExtras},
            {"GET", "/api/agent/tasks/:id", "/api/agent/tasks/" + w.tPub2, nullptr, 200, "", true,
             noOwnerExtras},
            {"GET", "/api/agent/tasks/:id", "/api/agent/tasks/" + w.tUnl},
            {"GET", "/api/agent/tasks/:id", "/api/agent/tasks/" + w.tOpenUnl},
            {"POST", "/api/agent/tasks/:id/cancel", "/api/agent/tasks/" + w.tPub2 + "/cancel", json::object{},
             403},
            {"POST", "/api/agent/tasks/:id/cancel", "/api/agent/tasks/" + w.tUnl2 + "/cancel",
             json::object{}},
            {"POST", "/api/agent/tasks/:id/split", "/api/agent/tasks/" + w.tOpenPub + "/split",
             json::object{{"subtasks", json::array{json::object{{"title", "Stolen part"},
                                                                {"description", "Mallory's subtask"},
                                                                {"budgetAmount", 1}}}}},
             403},
            {"POST", "/api/agent/tasks/:id/split", "/api/agent/tasks/" + w.tUnl2 + "/split",
             json::object{{"subtasks", json::array{json::object{{"title", "Stolen part"},
                                                                {"description", "Mallory's subtask"},
                                                                {"budgetAmount", 1}}}}}},
            {"GET", "/api/agent/tasks/:id/comments", "/api/agent/tasks/" + w.tPub + "/comments", nullptr, 200,
             "", true},
            {"GET", "/api/agent/tasks/:id/comments", "/api/agent/tasks/" + w.tUnl + "/comments"},
            {"POST", "/api/agent/tasks/:id/comments", "/api/agent/tasks/" + w.tUnl + "/comments",
             json::object{{"body", "mallory was here"}}},
            // claim, open submissions and bids are open to anyone holding the id: refused here by state
            {"POST", "/api/agent/tasks/:id/claim", "/api/agent/tasks/" + w.tUnl + "/claim", json::object{},
             409, "WRONG_MODE"},
            {"POST", "/api/agent/tasks/:id/claim", "/api/agent/tasks/" + w.tPub2 + "/claim", json::object{},
             409, "WRONG_MODE"},
            {"GET", "/api/agent/tasks/:id/applications", "/api/agent/tasks/" + w.tClaimPub + "/applications",
             nullptr, 403},
            {"GET", "/api/agent/tasks/:id/applications", "/api/agent/tasks/" + w.tClaimUnl + "/applications"},
            {"POST", "/api/agent/tasks/:id/applications/:appId/approve",
             "/api/agent/tasks/" + w.tClaimPub + "/applications/" + w.appPub + "/approve", json::object{},
             403},
            {"POST", "/api/agent/tasks/:id/applications/:appId/approve",
             "/api/agent/tasks/" + w.tClaimUnl + "/applications/" + w.appUnl + "/approve", json::object{}},
            {"POST", "/api/agent/tasks/:id/applications/:appId/approve",
             "/api/agent/tasks/" + w.tMc + "/applications/" + w.appPub + "/approve", json::object{}},
            {"POST", "/api/agent/tasks/:id/applications/:appId/reject",
             "/api/agent/tasks/" + w.tClaimPub + "/applications/" + w.appPub + "/reject",
             json::object{{"reason", "mallory says no"}}, 403},
            {"POST", "/api/agent/tasks/:id/applications/:appId/reject",
             "/api/agent/tasks/" + w.tClaimUnl + "/applications/" + w.appUnl + "/reject",
             json::object{{"reason", "mallory says no"}}},
            {"POST", "/api/agent/tasks/:id/applications/:appId/reject",
             "/api/agent/tasks/" + w.tMc + "/applications/" + w.appUnl + "/reject",
             json::object{{"reason", "mallory says no"}}},
            {"POST", "/api/agent/tasks/:id/submissions", "/api/agent/tasks/" + w.tUnl + "/submissions",
             json::object{{"summaryText", "mallory's work"}}, 409, "WRONG_MODE"},
            {"GET", "/api/agent/tasks/:id/submissions", "/api/agent/tasks/" + w.tOpenPub + "/submissions",
             nullptr, 200, "", true, emptyList("submissions")},
            {"GET", "/api/agent/tasks/:id/submissions", "/api/agent/tasks/" + w.tOpenUnl + "/submissions"},
            {"POST", "/api/agent/tasks/:id/submissions/:subId/decision",
             "/api/agent/tasks/" + w.tOpenPub + "/submissions/" + w.subOpenPub + "/decision",
             json::object{{"action", "accept"}}, 403},
            {"POST", "/api/agent/tasks/:id/submissions/:subId/decision",
             "/api/agent/tasks/" + w.tOpenUnl + "/submissions/" + w.subOpenUnl + "/decision",
             json::object{{"action", "accept"}}},
            {"POST", "/api/agent/tasks/:id/submissions/:subId/decision",
             "/api/agent/tasks/" + w.tMo + "/submissions/" + w.subOpenPub + "/decision",
             json::object{{"action", "reject"}, {"reason", "mallory rejects"}}},
            {"POST", "/api/agent/tasks/:id/bids", "/api/agent/tasks/" + w.tUnl + "/bids",
             json::object{{"proposedAmount", 1}, {"approach", "cheap"}}, 409, "TASK_NOT_OPEN"},
            {"GET", "/api/agent/tasks/:id/bids", "/api/agent/tasks/" + w.tPub2 + "/bids", nullptr, 403},
            {"GET", "/api/agent/tasks/:id/bids", "/api/agent/tasks/" + w.tUnl2 + "/bids"},
            // bids and counter-offers: parties only
            {"GET", "/api/agent/bids/:id", "/api/agent/bids/" + w.bPub2},
            {"GET", "/api/agent/bids/:id", "/api/agent/bids/" + w.bUnl},
            {"PATCH", "/api/agent/bids/:id", "/api/agent/bids/" + w.bPub2, withdraw},
            {"PATCH", "/api/agent/bids/:id", "/api/agent/bids/" + w.bPub2,
             json::object{{"action", "reject"}, {"reason", "mallory"}}},
            {"PATCH", "/api/agent/bids/:id", "/api/agent/bids/" + w.bUnl2,
             json::object{{"action", "amend"}, {"proposedAmount", 1}}},
            {"GET", "/api/agent/bids/:id/counter-offers", "/api/agent/bids/" + w.bPub2 + "/counter-offers"},
            {"GET", "/api/agent/bids/:id/counter-offers", "/api/agent/bids/" + w.bUnl2 + "/counter-offers"},
            {"POST", "/api/agent/bids/:id/counter-offers", "/api/agent/bids/" + w.bPub2 + "/counter-offers",
             json::object{{"proposedAmount", 1}}},
            {"PATCH", "/api/agent/bids/:id/counter-offers/:coId",
             "/api/agent/bids/" + w.bPub2 + "/counter-offers/" + w.coPub2, withdraw},
            {"PATCH", "/api/agent/bids/:id/counter-offers/:coId",
             "/api/agent/bids/" + w.bM + "/counter-offers/" + w.coPub2, withdraw},
            {"POST", "/api/agent/bids/:id/counter-offers/:coId/accept",
             "/api/agent/bids/" + w.bPub2 + "/counter-offers/" + w.coPub2 + "/accept", json::object{}},
            {"POST", "/api/agent/bids/:id/counter-offers/:coId/accept",
             "/api/agent/bids/" + w.bM + "/counter-offers/" + w.coUnl2 + "/accept", json::object{}},
            {"POST", "/api/agent/bids/:id/counter-offers/:coId/reject",
             "/api/agent/bids/" + w.bUnl2 + "/counter-offers/" + w.coUnl2 + "/reject", json::object{}},
            {"POST", "/api/agent/bids/:id/counter-offers/:coId/reject",
             "/api/agent/bids/" + w.bM + "/counter-offers/" + w.coPub2 + "/reject", json::object{}},
            // contracts: parties only
            {"GET", "/api/agent/contracts/:id", "/api/agent/contracts/" + w.cPub},
            {"GET", "/api/agent/contracts/:id", "/api/agent/contracts/" + w.cUnl},
            {"POST", "/api/agent/contracts/:id/submissions",
             "/api/agent/contracts/" + w.cUnl + "/submissions",
             json::object{{"summaryText", "mallory delivers"}}},
            {"GET", "/api/agent/contracts/:id/submissions",
             "/api/agent/contracts/" + w.cPub + "/submissions"},
            {"GET", "/api/agent/contracts/:id/submissions",
             "/api/agent/contracts/" + w.cUnl + "/submissions"},
            {"POST", "/api/agent/contracts/:id/decision", "/api/agent/contracts/" + w.cUnl + "/decision",
             json::object{{"action", "accept"}, {"rating", 1}}},
            {"POST", "/api/agent/contracts/:id/reviews", "/api/agent/contracts/" + w.cPub + "/reviews",
             json::object{{"rating", 1}, {"text", "mallory's fake review"}}},
            {"GET", "/api/agent/contracts/:id/reviews", "/api/agent/contracts/" + w.cPub + "/reviews"},
            {"POST", "/api/agent/contracts/:id/cancellation",
             "/api/agent/contracts/" + w.cUnl + "/cancellation",
             json::object{{"action", "apply"}, {"reason", "mallory wants out"}}},
            // notifications
            {"POST", "/api/agent/notifications/:id/read",
             "/api/agent/notifications/" + w.ownerNtf.front() + "/read", json::object{}},
            {"POST", "/api/agent/notifications/:id/read",
             "/api/agent/notifications/" + w.workerNtf.back() + "/read", json::object{}},
            // private threads: parties only
            {"GET", "/api/agent/bids/:id/messages", "/api/agent/bids/" + w.bPub2 + "/messages"},
            {"GET", "/api/agent/bids/:id/messages", "/api/agent/bids/" + w.bUnl + "/messages"},
            {"POST", "/api/agent/bids/:id/messages", "/api/agent/bids/" + w.bPub2 + "/messages",
             json::object{{"body", "mallory butts in"}}},
            {"GET", "/api/agent/contracts/:id/messages", "/api/agent/contracts/" + w.cUnl + "/messages"},
            {"POST", "/api/agent/contracts/:id/messages", "/api/agent/contracts/" + w.cPub + "/messages",
             json::object{{"body", "mallory butts in"}}},
            // ids in the body: marking another profile's thread read
            {"POST", "/api/agent/threads/read", "/api/agent/threads/read",
             json::object{{"threadId", w.ownerThreads.front()}}},
            {"POST", "/api/agent/threads/read", "/api/agent/threads/read",
             json::object{{"threadId", w.ownerThreads.back()}}},
            // ids in the body: hiring another owner's bidder
            {"POST", "/api/agent/contracts", "/api/agent/contracts",
             json::object{{"taskId", w.tPub2}, {"bidId", w.bPub2}}, 403},
            {"POST", "/api/agent/contracts", "/api/agent/contracts",
             json::object{{"taskId", w.tUnl2}, {"bidId", w.bUnl2}}},
            {"POST", "/api/agent/contracts", "/api/agent/contracts",
             json::object{{"taskId", w.tM}, {"bidId", w.bPub2}}},
        };

        // The table covers every route with an id.
        {
            std::vector<std::string> missing;
            for (const auto& [method, pattern] : kRoutesWithIds) {
                const bool covered = std::any_of(probes.begin(), probes.end(), [&](const Probe& p) {
                    return p.method == method && p.pattern == pattern;
                });
                if (!covered)
                    missing.push_back(method + " " + pattern);
            }
            QVERIFY2(missing.empty(),
                     ("routes with ids lacking an authorization probe:" + join(missing)).c_str());
            QCOMPARE(kRoutesWithIds.size(), std::size_t(42));
        }

        const auto before = snapshot(w);
        GUARD;
        std::vector<std::string> problems;
        int denied = 0;
        for (const auto& p : probes) {
            const std::string label = p.method + " " + p.path + " (" + p.pattern + ")";
            const auto r = call(p.method, p.path, M, p.body);
            if (r.status != p.expect) {
                problems.push_back(label + ": expected " + std::to_string(p.expect) + ", got " + brief(r));
                continue;
            }
            if (p.publicRead) {
                if (const auto leak = firstLeak(r.body, w.privateSecrets); !leak.empty())
                    problems.push_back(label + ": a public read leaks \"" + leak + "\": " + brief(r));
                if (p.check)
                    if (const auto why = p.check(r.json()); !why.empty())
                        problems.push_back(label + ": " + why + ": " + brief(r));
                continue;
            }
            ++denied;
            if (const auto shape = shapeProblem(r); !shape.empty())
                problems.push_back(label + ": " + shape + ": " + brief(r));
            if (!p.code.empty() && codeOf(r) != p.code)
                problems.push_back(label + ": expected code " + p.code + ", got " + brief(r));
            if (p.expect == 404 && codeOf(r) != "NOT_FOUND")
                problems.push_back(label + ": a 404 with code " + codeOf(r));
            if (p.expect == 403 && codeOf(r) != "FORBIDDEN")
                problems.push_back(label + ": a 403 with code " + codeOf(r));
            if (const auto leak = firstLeak(r.body, w.secrets); !leak.empty())
                problems.push_back(label + ": the refusal leaks \"" + leak + "\": " + brief(r));
            // No existence oracle: a hidden object answers exactly like one that never existed.
            if (p.expect == 404) {
                std::string path = p.path;
                std::string bodyText = p.body.is_null() ? std::string() : json::serialize(p.body);
                for (const auto& id : w.foreignIds) {
                    replaceAll(path, id, fakeId(id));
                    replaceAll(bodyText, id, fakeId(id));
                }
                const auto r2 = bodyText.empty() ? call(p.method, path, M) : raw(p.method, path, M, bodyText);
                if (r2.status != r.status || r2.body != r.body)
                    problems.push_back(label + ": differs from a never-existing id: " + brief(r) + " vs " +
                                       brief(r2));
            }
            // Garbage in the body changes nothing about the order: still hidden / forbidden (when
            // the ids are in the path; ids in a malformed body name nothing, so that is a 400).
            if (p.method != "GET" && p.method != "DELETE" && (p.expect == 403 || p.expect == 404) &&
                p.pattern.find(':') != std::string::npos) {
                const auto r3 = raw(p.method, p.path, M, "{\"this is\": not json");
                if (r3.status != r.status || codeOf(r3) != codeOf(r))
                    problems.push_back(label + ": with a malformed body: expected " +
                                       std::to_string(r.status) + " " + codeOf(r) + " first, got " +
                                       brief(r3));
            }
        }
        QVERIFY2(problems.empty(), ("object-level authorization:" + join(problems)).c_str());
        compareSnapshots(before, snapshot(w), "mallory's probes");
        GUARD;

        // Mallory's own lists hold nothing of theirs but the worker's bid on her task.
        {
            std::vector<std::string> secrets = w.secrets;
            std::vector<std::string> lists = {"/api/agent/me",
                                              "/api/agent/me/tokens",
                                              "/api/agent/me/keys",
                                              "/api/agent/me/payout-methods",
                                              "/api/agent/tasks?limit=100",
                                              "/api/agent/tasks?status=open&limit=100",
                                              "/api/agent/bids?limit=100",
                                              "/api/agent/contracts?limit=100",
                                              "/api/agent/contracts?role=seller&limit=100",
                                              "/api/agent/notifications?limit=100",
                                              "/api/agent/notifications/unread-count",
                                              "/api/agent/wallet",
                                              "/api/agent/wallet/transactions?limit=100",
                                              "/api/agent/stats",
                                              "/api/agent/bids?taskId=" + w.tPub2,
                                              "/api/agent/tasks/" + w.tM + "/bids",
                                              "/api/agent/bids/" + w.bM,
                                              "/api/agent/bids/" + w.bM + "/counter-offers",
                                              "/api/agent/messages?limit=100",
                                              "/api/agent/messages?with=" + w.worker.id,
                                              "/api/agent/messages?with=" + w.owner.id,
                                              "/api/agent/threads?limit=100"};
            for (const auto& target : lists) {
                const auto r = call("GET", target, M);
                if (r.status != 200) {
                    problems.push_back("GET " + target + ": " + brief(r));
                    continue;
                }
                // The worker's public identity appears on the bid on her own task, and a conversation
                // "with" someone may name them; no other foreign data may appear.
                const bool ownBid =
                    target.find(w.tM) != std::string::npos || target.find(w.bM) != std::string::npos;
                const bool with = target.find("with=") != std::string::npos;
                std::vector<std::string> s;
                for (const auto& x : secrets) {
                    const bool workerIdentity = x == w.worker.id || x == "worker_sec";
                    const bool ownerIdentity = x == w.owner.id || x == "owner_sec";
                    if ((ownBid && workerIdentity) || (with && (workerIdentity || ownerIdentity)))
                        continue;
                    s.push_back(x);
                }
                if (const auto leak = firstLeak(r.body, s); !leak.empty())
                    problems.push_back("GET " + target + " leaks \"" + leak + "\": " + brief(r));
            }
            // Public browsing lists public tasks, never unlisted ones.
            for (const std::string& target : {std::string("/api/tasks?status=all&limit=100"),
                                              std::string("/api/tasks?limit=100&sort=budget"),
                                              std::string("/api/tasks?query=unlisted&status=all"),
                                              std::string("/api/tasks?skill=docs&status=all")}) {
                const auto anon = call("GET", target);
                const auto mal = call("GET", target, M);
                for (const auto* r : {&anon, &mal}) {
                    if (r->status != 200)
                        problems.push_back("GET " + target + ": " + brief(*r));
                    else if (const auto leak = firstLeak(r->body, w.privateSecrets); !leak.empty())
                        problems.push_back("GET " + target + " leaks \"" + leak + "\"");
                }
            }
            QVERIFY2(problems.empty(), ("mallory's lists:" + join(problems)).c_str());
        }

        // Anonymous callers get 401 on every authenticated route with an id, and public reads stay public.
        for (const auto& p : probes) {
            const auto r = call(p.method, p.path, "", p.body);
            const bool optional = p.pattern.rfind("/api/profiles/", 0) == 0 ||
                                  (p.method == "GET" && p.pattern == "/api/tasks/:id");
            if (optional) {
                const int want =
                    p.path.find(w.tUnl) != std::string::npos || p.path.find(w.tClaimUnl) != std::string::npos
                        ? 404
                        : 200;
                if (r.status != want)
                    problems.push_back("anonymous " + p.method + " " + p.path + ": expected " +
                                       std::to_string(want) + ", got " + brief(r));
                else if (want == 200 && !firstLeak(r.body, w.privateSecrets).empty())
                    problems.push_back("anonymous " + p.path + " leaks " +
                                       firstLeak(r.body, w.privateSecrets));
            } else if (r.status != 401 || codeOf(r) != "UNAUTHORIZED" || !shapeProblem(r).empty()) {
                problems.push_back("anonymous " + p.method + " " + p.path + ": expected 401, got " +
                                   brief(r));
            }
        }
        QVERIFY2(problems.empty(), ("anonymous probes:" + join(problems)).c_str());
        compareSnapshots(before, snapshot(w), "anonymous probes");
        qInfo("authorization table: %d probes (%d refusals) over %zu route patterns with ids",
              int(probes.size()), denied, kRoutesWithIds.size());
    }

    void unlistedTasks()
    {
        const auto owner = m_srv->registerMember("unl_owner", {"docs"});
        const auto stranger = m_srv->registerMember("unl_stranger", {"docs"});
        const auto stranger2 = m_srv->registerMember("unl_stranger2", {"docs"});
        const std::string secretTitle = "Kilo unlisted secret";
        std::string bidTask, claimTask, openTask;
        try {
            bidTask = newTask(
                owner.token, secretTitle,
                {{"budgetAmount", 123.45}, {"visibility", "unlisted"}, {"skillsTags", json::array{"docs"}}});
            claimTask = newTask(owner.token, "Lima unlisted claim",
                                {{"budgetAmount", 50}, {"visibility", "unlisted"}, {"mode", "claim"}});
            openTask = newTask(owner.token, "Mike unlisted open",
                               {{"budgetAmount", 40}, {"visibility", "unlisted"}, {"mode", "open"}});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        // Reads are 404 to strangers, signed in or not, and identical to a missing task.
        for (const auto& tok : {std::string(), stranger.token}) {
            for (const std::string& t : {bidTask, claimTask, openTask}) {
                const auto a = call("GET", "/api/tasks/" + t, tok);
                EXPECT_ERROR(a, 404, "NOT_FOUND");
                QCOMPARE(QString::fromStdString(a.body),
                         QString::fromStdString(call("GET", "/api/tasks/" + fakeId(t), tok).body));
                if (!tok.empty()) {
                    EXPECT_ERROR(call("GET", "/api/agent/tasks/" + t, tok), 404, "NOT_FOUND");
                    EXPECT_ERROR(call("GET", "/api/agent/tasks/" + t + "/comments", tok), 404, "NOT_FOUND");
                    EXPECT_ERROR(call("GET", "/api/agent/tasks/" + t + "/submissions", tok), 404,
                                 "NOT_FOUND");
                }
            }
        }
        for (const std::string& target :
             {std::string("/api/tasks?status=all&limit=100"), std::string("/api/tasks?query=kilo"),
              std::string("/api/tasks?skill=docs")}) {
            const auto r = call("GET", target, stranger.token);
            EXPECT_STATUS(r, 200);
            QVERIFY2(r.body.find(bidTask) == std::string::npos &&
                         r.body.find(secretTitle) == std::string::npos,
                     ("browse lists an unlisted task: " + target).c_str());
        }
        // Anyone holding the id may bid, claim or submit ...
        auto r = call("POST", "/api/agent/tasks/" + bidTask + "/bids", stranger.token,
                      json::object{{"proposedAmount", 100}, {"etaDays", 1}, {"approach", "I have the link"}});
        EXPECT_STATUS(r, 201);
        const std::string bidId = S(r.json(), "bid.id");
        r = call("POST", "/api/agent/tasks/" + openTask + "/submissions", stranger.token,
                 json::object{{"summaryText", "Done, found via a shared link"}});
        EXPECT_STATUS(r, 201);
        r = call("POST", "/api/agent/tasks/" + claimTask + "/claim", stranger2.token, json::object{});
        EXPECT_STATUS(r, 201);
        QCOMPARE(QString::fromStdString(S(r.json(), "contract.seller.id")),
                 QString::fromStdString(stranger2.id));
        // ... and is then a party who may read it (the other stranger still may not).
        r = call("GET", "/api/tasks/" + bidTask, stranger.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "task.title")), QString::fromStdString(secretTitle));
        EXPECT_STATUS(call("GET", "/api/agent/tasks/" + claimTask, stranger2.token), 200);
        EXPECT_ERROR(call("GET", "/api/tasks/" + bidTask, stranger2.token), 404, "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/tasks/" + bidTask), 404, "NOT_FOUND");
        // A party still gets no owner-only data.
        EXPECT_ERROR(call("GET", "/api/agent/tasks/" + bidTask + "/bids", stranger.token), 403, "FORBIDDEN");
        r = call("GET", "/api/agent/tasks/" + bidTask, stranger.token);
        EXPECT_STATUS(r, 200);
        QVERIFY(!get(r.json(), "task").as_object().contains("bidSummary"));
        // The owner sees the bid.
        r = call("GET", "/api/agent/tasks/" + bidTask + "/bids", owner.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "bids.0.id")), QString::fromStdString(bidId));
    }

    // ---- scopes and credentials ---------------------------------------------------------------

    void narrowedTokenScopes()
    {
        World w;
        try {
            buildWorld(w);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        auto narrow = [&](const std::string& token, const json::array& scopes) {
            return must(call("POST", "/api/agent/me/tokens", token,
                             json::object{{"name", "narrow"}, {"scopes", scopes}}),
                        201, "tokenValue", "narrow token");
        };
        std::string RO, RW;
        try {
            RO = narrow(w.owner.token, json::array{"tasks:read"});
            RW = narrow(w.worker.token, json::array{"tasks:read"});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        // A fresh open task with a fresh pending counter-offer for the owner's probes.
        struct Sweep
        {
            std::string method, pattern, path, token, scope;
            json::value body = nullptr;
        };
        const std::string A = "/api/agent";
        const json::object subtasks{
            {"subtasks",
             json::array{json::object{
                 {"title", "Part one"}, {"description", "The first part of it"}, {"budgetAmount", 1}}}}};
        const std::vector<Sweep> sweep = {
            {"GET", A + "/me", A + "/me", RO, "profile:read"},
            {"PATCH", A + "/me", A + "/me", RO, "profile:write", json::object{{"displayName", "Changed"}}},
            {"GET", A + "/me/tokens", A + "/me/tokens", RO, "tokens:read"},
            {"POST", A + "/me/tokens", A + "/me/tokens", RO, "tokens:write", json::object{{"name", "x"}}},
            {"DELETE", A + "/me/tokens/:id", A + "/me/tokens/" + w.ownerTokId, RO, "tokens:write"},
            {"GET", A + "/me/payout-methods", A + "/me/payout-methods", RO, "profile:read"},
            {"POST", A + "/me/payout-methods", A + "/me/payout-methods", RO, "profile:write",
             json::object{{"denomination", "USDC"}, {"address", "0xNEW"}}},
            {"PATCH", A + "/me/payout-methods/:id", A + "/me/payout-methods/" + w.ownerPayId, RO,
             "profile:write", json::object{{"address", "0xCHANGED"}}},
            {"DELETE", A + "/me/payout-methods/:id", A + "/me/payout-methods/" + w.ownerPayId, RO,
             "profile:write"},
            {"GET", A + "/me/keys", A + "/me/keys", RO, "keys:read"},
            {"POST", A + "/me/keys", A + "/me/keys", RO, "keys:write",
             json::object{{"label", "k"},
                          {"purpose", "encryption"},
                          {"algorithm", "x25519"},
                          {"publicKey", kPublicKey}}},
            {"DELETE", A + "/me/keys/:id", A + "/me/keys/" + w.ownerKeyId, RO, "keys:write"},
            {"POST", A + "/heartbeat", A + "/heartbeat", RO, "profile:write", json::object{}},
            {"GET", A + "/stats", A + "/stats", RO, "profile:read"},
            {"GET", A + "/wallet", A + "/wallet", RO, "wallet:read"},
            {"GET", A + "/wallet/transactions", A + "/wallet/transactions", RO, "wallet:read"},
            {"PATCH", "/api/tasks/:id", "/api/tasks/" + w.tPub2, RO, "tasks:write",
             json::object{{"title", "Changed title"}}},
            {"POST", A + "/tasks", A + "/tasks", RO, "tasks:write",
             json::object{
                 {"title", "New task"}, {"description", "Should not be posted"}, {"budgetAmount", 5}}},
            {"POST", A + "/tasks/:id/cancel", A + "/tasks/" + w.tUnl2 + "/cancel", RO, "tasks:write",
             json::object{}},
            {"POST", A + "/tasks/:id/split", A + "/tasks/" + w.tOpenPub + "/split", RO, "tasks:write",
             subtasks},
            {"GET", A + "/tasks/:id/comments", A + "/tasks/" + w.tUnl + "/comments", RO, "comments:read"},
            {"POST", A + "/tasks/:id/comments", A + "/tasks/" + w.tUnl + "/comments", RO, "comments:write",
             json::object{{"body", "hello"}}},
            {"POST", A + "/tasks/:id/claim", A + "/tasks/" + w.tMc + "/claim", RW, "bids:write",
             json::object{}},
            {"GET", A + "/tasks/:id/applications", A + "/tasks/" + w.tClaimUnl + "/applications", RO,
             "bids:read"},
            {"POST", A + "/tasks/:id/applications/:appId/approve",
             A + "/tasks/" + w.tClaimUnl + "/applications/" + w.appUnl + "/approve", RO, "bids:write",
             json::object{}},
            {"POST", A + "/tasks/:id/applications/:appId/reject",
             A + "/tasks/" + w.tClaimPub + "/applications/" + w.appPub + "/reject", RO, "bids:write",
             json::object{{"reason", "no"}}},
            {"POST", A + "/tasks/:id/submissions", A + "/tasks/" + w.tMo + "/submissions", RW,
             "submissions:write", json::object{{"summaryText", "work"}}},
            {"GET", A + "/tasks/:id/submissions", A + "/tasks/" + w.tOpenUnl + "/submissions", RO,
             "submissions:read"},
            {"POST", A + "/tasks/:id/submissions/:subId/decision",
             A + "/tasks/" + w.tOpenUnl + "/submissions/" + w.subOpenUnl + "/decision", RO, "decision:write",
             json::object{{"action", "accept"}}},
            {"POST", A + "/tasks/:id/bids", A + "/tasks/" + w.tMo + "/bids", RW, "bids:write",
             json::object{{"proposedAmount", 1}}},
            {"GET", A + "/tasks/:id/bids", A + "/tasks/" + w.tUnl2 + "/bids", RO, "bids:read"},
            {"GET", A + "/bids", A + "/bids", RW, "bids:read"},
            {"GET", A + "/bids/:id", A + "/bids/" + w.bUnl2, RW, "bids:read"},
            {"PATCH", A + "/bids/:id", A + "/bids/" + w.bUnl2, RW, "bids:write",
             json::object{{"action", "withdraw"}}},
            {"GET", A + "/bids/:id/counter-offers", A + "/bids/" + w.bUnl2 + "/counter-offers", RW,
             "bids:read"},
            {"POST", A + "/bids/:id/counter-offers", A + "/bids/" + w.bPub2 + "/counter-offers", RO,
             "bids:write", json::object{{"proposedAmount", 1}}},
            {"PATCH", A + "/bids/:id/counter-offers/:coId",
             A + "/bids/" + w.bPub2 + "/counter-offers/" + w.coPub2, RO, "bids:write",
             json::object{{"action", "withdraw"}}},
            {"POST", A + "/bids/:id/counter-offers/:coId/accept",
             A + "/bids/" + w.bUnl2 + "/counter-offers/" + w.coUnl2 + "/accept", RW, "bids:write",
             json::object{}},
            {"POST", A + "/bids/:id/counter-offers/:coId/reject",
             A + "/bids/" + w.bPub2 + "/counter-offers/" + w.coPub2 + "/reject", RW, "bids:write",
             json::object{}},
            {"POST", A + "/contracts", A + "/contracts", RO, "contracts:write",
             json::object{{"taskId", w.tPub2}, {"bidId", w.bPub2}}},
            {"GET", A + "/contracts", A + "/contracts", RO, "contracts:read"},
            {"GET", A + "/contracts/:id", A + "/contracts/" + w.cUnl, RW, "contracts:read"},
            {"POST", A + "/contracts/:id/submissions", A + "/contracts/" + w.cUnl + "/submissions", RW,
             "submissions:write", json::object{{"summaryText", "again"}}},
            {"GET", A + "/contracts/:id/submissions", A + "/contracts/" + w.cUnl + "/submissions", RO,
             "submissions:read"},
            {"POST", A + "/contracts/:id/decision", A + "/contracts/" + w.cUnl + "/decision", RO,
             "decision:write", json::object{{"action", "accept"}}},
            {"POST", A + "/contracts/:id/reviews", A + "/contracts/" + w.cPub + "/reviews", RW,
             "reviews:write", json::object{{"rating", 5}}},
            {"GET", A + "/contracts/:id/reviews", A + "/contracts/" + w.cPub + "/reviews", RO,
             "reviews:read"},
            {"POST", A + "/contracts/:id/cancellation", A + "/contracts/" + w.cUnl + "/cancellation", RW,
             "contracts:write", json::object{{"action", "apply"}, {"reason", "stop"}}},
            {"GET", A + "/notifications", A + "/notifications", RO, "notifications:read"},
            {"GET", A + "/notifications/unread-count", A + "/notifications/unread-count", RO,
             "notifications:read"},
            {"POST", A + "/notifications/read-all", A + "/notifications/read-all", RO, "notifications:write",
             json::object{}},
            {"POST", A + "/notifications/:id/read", A + "/notifications/" + w.ownerNtf.front() + "/read", RO,
             "notifications:write", json::object{}},
            {"GET", A + "/bids/:id/messages", A + "/bids/" + w.bPub2 + "/messages", RO, "messages:read"},
            {"POST", A + "/bids/:id/messages", A + "/bids/" + w.bPub2 + "/messages", RW, "messages:write",
             json::object{{"body", "hi"}}},
            {"GET", A + "/contracts/:id/messages", A + "/contracts/" + w.cUnl + "/messages", RW,
             "messages:read"},
            {"POST", A + "/contracts/:id/messages", A + "/contracts/" + w.cUnl + "/messages", RO,
             "messages:write", json::object{{"body", "hi"}}},
            {"GET", A + "/messages", A + "/messages", RO, "messages:read"},
            {"POST", A + "/messages", A + "/messages", RO, "messages:write",
             json::object{{"toProfileId", w.worker.id}, {"body", "hi"}}},
            {"GET", A + "/threads", A + "/threads", RO, "messages:read"},
            {"POST", A + "/threads/read", A + "/threads/read", RO, "messages:write",
             json::object{{"threadId", w.ownerThreads.front()}}},
            {"GET", A + "/events", A + "/events?wait=0", RO, "notifications:read"},
        };
        std::vector<std::string> problems;
        for (const auto& [method, pattern] : kRequiredRoutes) {
            const bool allowed = pattern == A + "/tasks" && method == "GET";
            const bool allowedOne = pattern == A + "/tasks/:id" && method == "GET";
            const bool staff = pattern == "/api/support/ledger/verify";
            const bool covered = std::any_of(sweep.begin(), sweep.end(), [&](const Sweep& s) {
                return s.method == method && s.pattern == pattern;
            });
            if (!covered && !allowed && !allowedOne && !staff)
                problems.push_back("no narrowed-scope probe for " + method + " " + pattern);
        }
        QVERIFY2(problems.empty(), join(problems).c_str());

        const auto before = snapshot(w);
        GUARD;
        // Any MISSING_SCOPE refusal carries nothing but the scope's name.
        std::vector<std::string> secrets = w.secrets;
        for (const auto& s : {"Mallory own", "0xNEW", "0xCHANGED", "Changed title"})
            secrets.push_back(s);
        for (const auto& s : sweep) {
            for (int variant = 0; variant < 3; ++variant) {
                if (variant > 0 && s.body.is_null())
                    break;
                Reply r;
                const char* what = variant == 0   ? "valid body"
                                   : variant == 1 ? "empty object"
                                                  : "malformed JSON";
                if (variant == 0)
                    r = call(s.method, s.path, s.token, s.body);
                else
                    r = raw(s.method, s.path, s.token, variant == 1 ? "{}" : "{\"broken\": ");
                const std::string label = s.method + " " + s.path + " [" + what + "]";
                if (r.status != 403 || codeOf(r) != "MISSING_SCOPE")
                    problems.push_back(label + ": expected 403 MISSING_SCOPE, got " + brief(r));
                else if (S(r.json(), "fields.scope") != s.scope)
                    problems.push_back(label + ": expected the scope " + s.scope + " to be named, got " +
                                       brief(r));
                else if (const auto shape = shapeProblem(r); !shape.empty())
                    problems.push_back(label + ": " + shape);
                else if (const auto leak = firstLeak(r.body, secrets); !leak.empty())
                    problems.push_back(label + ": leaks " + leak);
            }
        }
        // What tasks:read does allow.
        for (const auto& target : {A + "/tasks", A + "/tasks/" + w.tUnl, "/api/tasks/" + w.tUnl}) {
            const auto r = call("GET", target, RO);
            if (r.status != 200)
                problems.push_back("tasks:read GET " + target + ": " + brief(r));
        }
        // Staff verification: a non-staff profile does not learn the route exists (404 before 403).
        {
            const auto r = call("GET", "/api/support/ledger/verify", RO);
            if (r.status != 404 || !shapeProblem(r).empty())
                problems.push_back("non-staff verify: expected 404, got " + brief(r));
        }
        QVERIFY2(problems.empty(), ("narrowed token:" + join(problems)).c_str());
        compareSnapshots(before, snapshot(w), "the narrowed tokens");
        GUARD;

        // A token cannot mint a token with a scope it lacks.
        EXPECT_ERROR(call("POST", A + "/me/tokens", RO, json::object{{"scopes", json::array{"tasks:read"}}}),
                     403, "MISSING_SCOPE");
        std::string minter;
        try {
            minter = narrow(w.owner.token, json::array{"tokens:write", "tasks:read"});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        for (const auto& scope :
             {"tasks:write", "wallet:read", "support:read", "support:write", "tokens:read"}) {
            const auto r =
                call("POST", A + "/me/tokens", minter, json::object{{"scopes", json::array{scope}}});
            EXPECT_ERROR(r, 400, "VALIDATION");
            QVERIFY2(!S(r.json(), "fields.scopes").empty(), brief(r).c_str());
            QVERIFY(r.body.find("tokenValue") == std::string::npos);
        }
        auto r = call("POST", A + "/me/tokens", minter, json::object{{"name", "child"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(N(r.json(), "token.scopes"), 2LL);
        const std::string child = S(r.json(), "tokenValue");
        EXPECT_ERROR(call("GET", A + "/wallet", child), 403, "MISSING_SCOPE");
        EXPECT_STATUS(call("GET", A + "/tasks", child), 200);
    }

    void credentialsRejected()
    {
        const auto me = m_srv->registerMember("cred_me");
        const auto other = m_srv->registerMember("cred_other");
        std::string taskId;
        try {
            taskId = newTask(me.token, "November public task", {{"budgetAmount", 10}});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        // Missing, garbage and malformed Authorization: 401 with the error shape, and no data.
        const std::vector<Headers> bad = {
            {},
            {{"Authorization", "Bearer td_" + std::string(43, 'A')}},
            {{"Authorization", "Bearer " + me.token + "x"}},
            {{"Authorization", "Bearer " + me.token.substr(0, me.token.size() - 1)}},
            {{"Authorization", "Bearer"}},
            {{"Authorization", "Bearer "}},
            {{"Authorization", "Basic " + me.token}},
            {{"Authorization", "Token " + me.token}},
            {{"Authorization", me.token}},
            {{"Authorization", "Bearer " + std::string(5000, 'x')}},
            {{"Authorization", "Bearer ' OR '1'='1"}},
            {{"X-Api-Key", me.token}},
        };
        for (const auto& h : bad) {
            for (const auto& target : {std::string("/api/agent/me"), std::string("/api/agent/wallet"),
                                       "/api/agent/tasks/" + taskId}) {
                const auto r = m_srv->client().request("GET", target, {}, h);
                const std::string label =
                    "GET " + target + " with " + (h.empty() ? "no header" : h.front().second.substr(0, 40));
                QVERIFY2(r.status == 401 && codeOf(r) == "UNAUTHORIZED", (label + ": " + brief(r)).c_str());
                QVERIFY2(shapeProblem(r).empty(), (label + ": " + shapeProblem(r)).c_str());
                QVERIFY2(r.body.find(me.id) == std::string::npos &&
                             r.body.find("November") == std::string::npos,
                         label.c_str());
            }
            // A write with a bad credential changes nothing.
            const auto r = m_srv->client().request("POST", "/api/agent/tasks/" + taskId + "/cancel", "{}", h);
            QVERIFY2(r.status == 401, brief(r).c_str());
        }
        // A credential that is presented but wrong is 401 even on a public route.
        {
            const auto r = call("GET", "/api/tasks/" + taskId, "td_not_a_real_token_value");
            EXPECT_ERROR(r, 401, "UNAUTHORIZED");
        }
        // Bearer and HMAC headers together: 400.
        {
            auto r = call("GET", "/api/agent/me", me.token, nullptr,
                          {{"X-Agent-Key", "ak_123"},
                           {"X-Agent-Timestamp", "1700000000"},
                           {"X-Agent-Signature", "00"}});
            EXPECT_ERROR(r, 400, "VALIDATION");
            r = call("GET", "/api/agent/me", me.token, nullptr, {{"X-Agent-Key", "ak_123"}});
            EXPECT_ERROR(r, 400, "VALIDATION");
            r = call("GET", "/api/agent/me", me.token, nullptr, {{"X-Agent-Signature", "abc"}});
            EXPECT_ERROR(r, 400, "VALIDATION");
            r = call("GET", "/api/agent/me", "", nullptr, {{"X-Agent-Key", "ak_123"}});
            QVERIFY2(r.status == 401, brief(r).c_str());
        }
        // A revoked token is 401 everywhere, at once.
        auto r = call("POST", "/api/agent/me/tokens", me.token, json::object{{"name", "to revoke"}});
        EXPECT_STATUS(r, 201);
        const std::string revokeMe = S(r.json(), "tokenValue");
        const std::string revokeId = S(r.json(), "token.id");
        EXPECT_STATUS(call("GET", "/api/agent/me", revokeMe), 200);
        EXPECT_ERROR(call("DELETE", "/api/agent/me/tokens/" + revokeId, other.token), 404, "NOT_FOUND");
        EXPECT_STATUS(call("GET", "/api/agent/me", revokeMe), 200);
        EXPECT_STATUS(call("DELETE", "/api/agent/me/tokens/" + revokeId, me.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/me", revokeMe), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("GET", "/api/tasks/" + taskId, revokeMe), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/cancel", revokeMe, json::object{}), 401,
                     "UNAUTHORIZED");
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", revokeMe, json::object{}), 401, "UNAUTHORIZED");
        // An expired token is 401; one not yet expired works.
        const auto now = m_srv->server().clock().now();
        r = call("POST", "/api/agent/me/tokens", me.token,
                 json::object{{"name", "short"},
                              {"expiresAt", taskdesk::domain::Clock::toIso(now + std::chrono::minutes(30))}});
        EXPECT_STATUS(r, 201);
        const std::string shortLived = S(r.json(), "tokenValue");
        EXPECT_STATUS(call("GET", "/api/agent/me", shortLived), 200);
        // A child minted by an expiring token never outlives it.
        r = call("POST", "/api/agent/me/tokens", shortLived, json::object{{"name", "child of short"}});
        EXPECT_STATUS(r, 201);
        const std::string childOfShort = S(r.json(), "tokenValue");
        QVERIFY2(!S(r.json(), "token.expiresAt").empty() &&
                     S(r.json(), "token.expiresAt") <=
                         taskdesk::domain::Clock::toIso(now + std::chrono::minutes(30)),
                 ("a child token outlives its expiring parent: " + brief(r)).c_str());
        r = call("POST", "/api/agent/me/tokens", shortLived,
                 json::object{{"name", "longer"},
                              {"expiresAt", taskdesk::domain::Clock::toIso(now + std::chrono::hours(48))}});
        QVERIFY2(r.status == 400 && !S(r.json(), "fields.expiresAt").empty(),
                 ("a token extends its own expiry through a child: " + brief(r)).c_str());
        m_srv->server().clock().advance(std::chrono::minutes(31));
        EXPECT_ERROR(call("GET", "/api/agent/me", shortLived), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("GET", "/api/agent/me", childOfShort), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/cancel", shortLived, json::object{}), 401,
                     "UNAUTHORIZED");
        EXPECT_STATUS(call("GET", "/api/agent/me", me.token), 200);
        // Nothing above cancelled the task.
        r = call("GET", "/api/tasks/" + taskId);
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "task.status")), QStringLiteral("open"));
    }

    void staffLedgerVerify()
    {
        const auto user = m_srv->registerMember("plain_user");
        const auto staffer = m_srv->registerMember("staff_person");
        EXPECT_ERROR(call("GET", "/api/support/ledger/verify"), 401, "UNAUTHORIZED");
        auto r = call("GET", "/api/support/ledger/verify", user.token);
        QVERIFY2(r.status == 404 || r.status == 403, brief(r).c_str());
        QVERIFY(shapeProblem(r).empty());
        QVERIFY(r.body.find("balanced") == std::string::npos);
        // Staff scopes cannot be had without the role.
        r = call("POST", "/api/agent/register", "",
                 json::object{{"email", "wannabe@example.com"},
                              {"password", kPassword},
                              {"handle", "wannabe"},
                              {"tokenScopes", json::array{"support:read"}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(r.body.find("tokenValue") == std::string::npos);
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", user.email},
                              {"password", kPassword},
                              {"tokenScopes", json::array{"support:read"}}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", user.token,
                          json::object{{"scopes", json::array{"support:read"}}}),
                     400, "VALIDATION");
        // Mass assignment cannot grant the role either.
        EXPECT_STATUS(call("PATCH", "/api/agent/me", user.token,
                           json::object{{"roles", json::array{"support", "admin"}}}),
                      200);
        r = call("GET", "/api/support/ledger/verify", user.token);
        QVERIFY2(r.status == 404 || r.status == 403, brief(r).c_str());

        m_srv->grantRole("staff_person", "support");
        // The role alone is not enough: the token must carry support:read.
        EXPECT_ERROR(call("GET", "/api/support/ledger/verify", staffer.token), 403, "MISSING_SCOPE");
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", staffer.email}, {"password", kPassword}});
        EXPECT_STATUS(r, 200);
        EXPECT_ERROR(call("GET", "/api/support/ledger/verify", S(r.json(), "tokenValue")), 403,
                     "MISSING_SCOPE");
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", staffer.email},
                              {"password", kPassword},
                              {"tokenScopes", json::array{"support:read", "profile:read"}}});
        EXPECT_STATUS(r, 200);
        const std::string staffToken = S(r.json(), "tokenValue");
        r = call("GET", "/api/support/ledger/verify", staffToken);
        EXPECT_STATUS(r, 200);
        QVERIFY(get(r.json(), "balanced").is_bool() && get(r.json(), "balanced").as_bool());
        // The staff token is scoped: support:read does not let it write anything.
        EXPECT_ERROR(call("POST", "/api/agent/tasks", staffToken,
                          json::object{{"title", "Staff task"},
                                       {"description", "Should be refused"},
                                       {"budgetAmount", 1}}),
                     403, "MISSING_SCOPE");
        // A non-staff profile's token still cannot reach it, whatever it claims.
        r = call("GET", "/api/support/ledger/verify", user.token, nullptr, {{"X-Role", "support"}});
        QVERIFY2(r.status == 404 || r.status == 403, brief(r).c_str());
    }

    // ---- 2. bad input -------------------------------------------------------------------------

    void badTaskInputChangesNothing()
    {
        const auto owner = m_srv->registerMember("input_owner", {"docs"});
        const std::string& O = owner.token;
        const std::string title = quoted("Valid task title");
        const std::string desc = quoted("A valid description of the work.");
        struct Case
        {
            std::string label, body;
            std::set<std::string> fields; // any of these names the reason
        };
        auto with = [&](const std::string& name, const std::string& value) {
            std::vector<std::pair<std::string, std::string>> m = {
                {"title", title}, {"description", desc}, {"budgetAmount", "10"}};
            bool replaced = false;
            for (auto& kv : m)
                if (kv.first == name) {
                    kv.second = value;
                    replaced = true;
                }
            if (!replaced)
                m.emplace_back(name, value);
            return objectText(m);
        };
        std::string deep;
        for (int i = 0; i < 100; ++i)
            deep += "[";
        for (int i = 0; i < 100; ++i)
            deep += "]";
        std::string tags21 = "[";
        for (int i = 0; i < 21; ++i)
            tags21 += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\"";
        tags21 += "]";
        const std::vector<Case> cases = {
            {"malformed JSON", "{\"title\": \"x\",", {"body"}},
            {"not JSON at all", "title=hello&budget=10", {"body"}},
            {"a JSON array", "[{\"title\":\"Valid task title\"}]", {"body"}},
            {"a JSON string", "\"just a string\"", {"body"}},
            {"a JSON number", "42", {"body"}},
            {"JSON null", "null", {"body"}},
            {"trailing garbage", with("title", title) + " trailing", {"body"}},
            {"nesting too deep", with("extra", deep), {"body"}},
            {"invalid UTF-8",
             "{\"title\":\"bad \xff\xfe bytes\",\"description\":" + desc + ",\"budgetAmount\":10}",
             {"body"}},
            {"lone surrogate", with("title", "\"bad \\ud800 surrogate\""), {"body", "title"}},
            {"title: 5", with("title", "5"), {"title"}},
            {"title: true", with("title", "true"), {"title"}},
            {"title: object", with("title", "{}"), {"title"}},
            {"title: null", with("title", "null"), {"title"}},
            {"title too short", with("title", "\"ab\""), {"title"}},
            {"title only spaces", with("title", "\"     \""), {"title"}},
            {"title 121 chars", with("title", quoted(std::string(121, 'a'))), {"title"}},
            {"title with NUL", with("title", "\"bad\\u0000nul\""), {"title"}},
            {"title with ESC", with("title", "\"bad\\u001bescape\""), {"title"}},
            {"title with BEL", with("title", "\"bad\\u0007bell\""), {"title"}},
            {"title with DEL", with("title", "\"bad\\u007fdel\""), {"title"}},
            {"title with C1 control", with("title", "\"bad\\u0085next line\""), {"title"}},
            {"description 20001 chars",
             with("description", quoted(std::string(20001, 'd'))),
             {"description"}},
            {"description with NUL",
             with("description", "\"a long enough text \\u0000 with NUL\""),
             {"description"}},
            {"description: 5", with("description", "5"), {"description"}},
            {"skillsTags: \"x\"", with("skillsTags", "\"x\""), {"skillsTags"}},
            {"skillsTags: [1]", with("skillsTags", "[1]"), {"skillsTags"}},
            {"skillsTags with NUL", with("skillsTags", "[\"ok\",\"bad\\u0000\"]"), {"skillsTags"}},
            {"21 skillsTags", with("skillsTags", tags21), {"skillsTags"}},
            {"acceptanceCriteria: string", with("acceptanceCriteria", "\"do it\""), {"acceptanceCriteria"}},
            {"budgetAmount: \"10\"", with("budgetAmount", "\"10\""), {"budgetAmount"}},
            {"budgetAmount: true", with("budgetAmount", "true"), {"budgetAmount"}},
            {"budgetAmount: [10]", with("budgetAmount", "[10]"), {"budgetAmount"}},
            {"budgetAmount: {}", with("budgetAmount", "{}"), {"budgetAmount"}},
            {"budgetAmount: -5", with("budgetAmount", "-5"), {"budgetAmount"}},
            {"budgetAmount: 0", with("budgetAmount", "0"), {"budgetAmount"}},
            {"budgetAmount: -0.0", with("budgetAmount", "-0.0"), {"budgetAmount"}},
            {"budgetAmount: 1e12", with("budgetAmount", "1e12"), {"budgetAmount"}},
            {"budgetAmount: 1000000000.01", with("budgetAmount", "1000000000.01"), {"budgetAmount"}},
            {"budgetAmount: 0.001 (sub-cent)", with("budgetAmount", "0.001"), {"budgetAmount"}},
            {"budgetAmount: 10.005", with("budgetAmount", "10.005"), {"budgetAmount"}},
            {"budgetAmount: 1e-300", with("budgetAmount", "1e-300"), {"budgetAmount"}},
            {"budgetAmount: 2^64-1", with("budgetAmount", "18446744073709551615"), {"budgetAmount"}},
            {"budgetAmount: -2^63", with("budgetAmount", "-9223372036854775808"), {"budgetAmount"}},
            {"budgetAmount: NaN", with("budgetAmount", "NaN"), {"body", "budgetAmount"}},
            {"budgetAmount: Infinity", with("budgetAmount", "Infinity"), {"body", "budgetAmount"}},
            {"budgetAmount: -Infinity", with("budgetAmount", "-Infinity"), {"body", "budgetAmount"}},
            {"budgetAmount: 1e999", with("budgetAmount", "1e999"), {"body", "budgetAmount"}},
            {"budgetAmount: \"NaN\"", with("budgetAmount", "\"NaN\""), {"budgetAmount"}},
            {"USDC with 9 decimals",
             objectText({{"title", title},
                         {"description", desc},
                         {"budgetAmount", "0.000000001"},
                         {"budgetCurrency", "\"USDC\""}}),
             {"budgetAmount"}},
            {"budgetCurrency: DOGE", with("budgetCurrency", "\"DOGE\""), {"budgetCurrency"}},
            {"OTHER without custom", with("budgetCurrency", "\"OTHER\""), {"budgetCurrencyCustom"}},
            {"mode: auction", with("mode", "\"auction\""), {"mode"}},
            {"mode: 5", with("mode", "5"), {"mode"}},
            {"claim mode without CREDITS",
             objectText({{"title", title}, {"description", desc}, {"mode", "\"claim\""}}),
             {"budgetAmount"}},
            {"visibility: secret", with("visibility", "\"secret\""), {"visibility"}},
            {"deadline: tomorrow", with("deadline", "\"tomorrow\""), {"deadline"}},
            {"deadline: Feb 30", with("deadline", "\"2030-02-30T00:00:00Z\""), {"deadline"}},
            {"deadline: 25 o'clock", with("deadline", "\"2030-01-01T25:00:00Z\""), {"deadline"}},
            {"deadline without zone", with("deadline", "\"2030-01-01T10:00:00\""), {"deadline"}},
            {"deadline: number", with("deadline", "12345"), {"deadline"}},
            {"deadline in the past", with("deadline", "\"2020-01-01T00:00:00Z\""), {"deadline"}},
            {"reviewWindowHours: 0", with("reviewWindowHours", "0"), {"reviewWindowHours"}},
            {"reviewWindowHours: 721", with("reviewWindowHours", "721"), {"reviewWindowHours"}},
            {"reviewWindowHours: \"72\"", with("reviewWindowHours", "\"72\""), {"reviewWindowHours"}},
            {"reviewWindowHours: 1.5", with("reviewWindowHours", "1.5"), {"reviewWindowHours"}},
            {"requireApproval: \"yes\"", with("requireApproval", "\"yes\""), {"requireApproval"}},
            {"verification $ref",
             with("verification", "{\"type\":\"json-schema\",\"schema\":{\"$ref\":\"#/definitions/x\"}}"),
             {"verification"}},
            {"verification unknown keyword",
             with("verification", "{\"type\":\"json-schema\",\"schema\":{\"frobnicate\":1}}"),
             {"verification"}},
            {"verification bad regex",
             with("verification", "{\"type\":\"regex\",\"pattern\":\"(unclosed\"}"),
             {"verification"}},
            {"verification empty regex",
             with("verification", "{\"type\":\"regex\",\"pattern\":\"\"}"),
             {"verification"}},
            {"verification bad sha256",
             with("verification", "{\"type\":\"sha256\",\"value\":\"xyz\"}"),
             {"verification"}},
            {"verification sha256 not hex",
             with("verification", "{\"type\":\"sha256\",\"value\":\"" + std::string(64, 'g') + "\"}"),
             {"verification"}},
            {"verification unknown type",
             with("verification", "{\"type\":\"lua\",\"code\":\"os.exit()\"}"),
             {"verification"}},
            {"verification not an object", with("verification", "\"regex\""), {"verification"}},
            {"verification extra member",
             with("verification", "{\"type\":\"regex\",\"pattern\":\"a\",\"shell\":\"rm\"}"),
             {"verification"}},
            {"verification autoAccept string",
             with("verification", "{\"type\":\"regex\",\"pattern\":\"a\",\"autoAccept\":\"yes\"}"),
             {"verification"}},
            {"protected not an object", with("protected", "\"x\""), {"protected"}},
            {"protected bad alg",
             with("protected", "{\"alg\":\"none\",\"nonce\":\"\",\"ciphertext\":\"\",\"fields\":[]}"),
             {"protected"}},
        };
        const auto transfersBefore = m_srv->ledger().transfers;
        std::vector<std::string> problems;
        for (const auto& c : cases) {
            const auto r = raw("POST", "/api/agent/tasks", O, c.body);
            const std::string label = c.label + ": ";
            if (r.status >= 500 || r.status == 0) {
                problems.push_back(label + "server error " + brief(r));
                continue;
            }
            if (r.status != 400 || codeOf(r) != "VALIDATION") {
                problems.push_back(label + "expected 400 VALIDATION, got " + brief(r));
                continue;
            }
            if (const auto shape = shapeProblem(r); !shape.empty()) {
                problems.push_back(label + shape);
                continue;
            }
            const auto fields = get(r.json(), "fields");
            const bool named = fields.is_object() &&
                               std::any_of(c.fields.begin(), c.fields.end(), [&](const std::string& f) {
                                   return fields.as_object().contains(f);
                               });
            if (!named)
                problems.push_back(label + "no field-level reason naming " + *c.fields.begin() + ": " +
                                   brief(r));
        }
        // An empty body is an empty object: the reasons name the missing fields.
        {
            const auto r = raw("POST", "/api/agent/tasks", O, "");
            if (r.status != 400 || S(r.json(), "fields.title").empty())
                problems.push_back("empty body: " + brief(r));
        }
        QVERIFY2(problems.empty(), ("bad task input:" + join(problems)).c_str());
        auto r = call("GET", "/api/agent/tasks", O);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "tasks"), 0LL);
        r = call("GET", "/api/agent/wallet", O);
        QCOMPARE(C(r.json(), "wallet.available"), 100000LL);
        QCOMPARE(C(r.json(), "wallet.escrow"), 0LL);
        QCOMPARE(m_srv->ledger().transfers, transfersBefore);
        // The same limits hold at the boundary: 120 characters and 1,000,000,000 are fine (402: no money).
        r = call("POST", "/api/agent/tasks", O,
                 json::object{{"title", std::string(120, 'a')},
                              {"description", std::string(20000, 'd')},
                              {"budgetAmount", 1000000000}});
        EXPECT_ERROR(r, 402, "INSUFFICIENT_FUNDS");
        r = call("POST", "/api/agent/tasks", O,
                 json::object{{"title", "Tab\tand newline\nare fine"},
                              {"description", "Multi-line\r\ndescription text"},
                              {"budgetAmount", 0.01}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(C(r.json(), "task.budgetAmount"), 1LL);
    }

    void badInputOnOtherRoutes()
    {
        const auto owner = m_srv->registerMember("other_owner", {"docs"});
        const auto worker = m_srv->registerMember("other_worker", {"docs"});
        const std::string& O = owner.token;
        const std::string& W = worker.token;
        std::string task, task2, bid, contract, payId, keyId;
        try {
            task = newTask(O, "Oscar task for input", {{"budgetAmount", 50}});
            task2 = newTask(O, "Papa task for decisions", {{"budgetAmount", 30}});
            bid = must(
                call("POST", "/api/agent/tasks/" + task + "/bids", W, json::object{{"proposedAmount", 40}}),
                201, "bid.id", "bid");
            const auto bid2 = must(
                call("POST", "/api/agent/tasks/" + task2 + "/bids", W, json::object{{"proposedAmount", 30}}),
                201, "bid.id", "bid2");
            contract = must(
                call("POST", "/api/agent/contracts", O, json::object{{"taskId", task2}, {"bidId", bid2}}),
                201, "contract.id", "hire");
            must(call("POST", "/api/agent/contracts/" + contract + "/submissions", W,
                      json::object{{"summaryText", "done"}}),
                 201, "", "deliver");
            payId = must(call("POST", "/api/agent/me/payout-methods", O,
                              json::object{{"denomination", "USDC"}, {"address", "0xabc"}}),
                         201, "payoutMethod.id", "payout");
            keyId = must(call("POST", "/api/agent/me/keys", O,
                              json::object{{"label", "k"},
                                           {"purpose", "encryption"},
                                           {"algorithm", "x25519"},
                                           {"publicKey", kPublicKey}}),
                         201, "key.id", "key");
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        struct Case
        {
            std::string label, method, target, token, body, field;
        };
        const std::string T = "/api/agent/tasks/" + task;
        const std::vector<Case> cases = {
            {"bid 0.001", "POST", T + "/bids", W, "{\"proposedAmount\":0.001}", "proposedAmount"},
            {"bid over budget", "POST", T + "/bids", W, "{\"proposedAmount\":50.01}", "proposedAmount"},
            {"bid as string", "POST", T + "/bids", W, "{\"proposedAmount\":\"10\"}", "proposedAmount"},
            {"bid negative", "POST", T + "/bids", W, "{\"proposedAmount\":-1}", "proposedAmount"},
            {"bid priceText garbage", "POST", T + "/bids", W, "{\"priceText\":\"lots of money\"}",
             "priceText"},
            {"bid etaDays -1", "POST", T + "/bids", W, "{\"proposedAmount\":10,\"etaDays\":-1}", "etaDays"},
            {"bid etaDays string", "POST", T + "/bids", W, "{\"proposedAmount\":10,\"etaDays\":\"soon\"}",
             "etaDays"},
            {"bid approach NUL", "POST", T + "/bids", W, "{\"proposedAmount\":10,\"approach\":\"a\\u0000b\"}",
             "approach"},
            {"bid missing price", "POST", T + "/bids", W, "{\"etaDays\":1}", "priceText"},
            {"patch budget 0.001", "PATCH", "/api/tasks/" + task, O, "{\"budgetAmount\":0.001}",
             "budgetAmount"},
            {"patch title 121", "PATCH", "/api/tasks/" + task, O,
             "{\"title\":\"" + std::string(121, 't') + "\"}", "title"},
            {"patch mode", "PATCH", "/api/tasks/" + task, O, "{\"mode\":\"open\"}", "mode"},
            {"patch deadline in the past", "PATCH", "/api/tasks/" + task, O,
             "{\"deadline\":\"2020-01-01T00:00:00Z\"}", "deadline"},
            {"patch deadline garbage", "PATCH", "/api/tasks/" + task, O,
             "{\"deadline\":\"2030-13-01T00:00:00Z\"}", "deadline"},
            {"patch verification $ref", "PATCH", "/api/tasks/" + task, O,
             "{\"verification\":{\"type\":\"json-schema\",\"schema\":{\"$ref\":\"#\"}}}", "verification"},
            {"patch title NUL", "PATCH", "/api/tasks/" + task, O, "{\"title\":\"nul\\u0000title\"}", "title"},
            {"comment NUL", "POST", T + "/comments", W, "{\"body\":\"hi\\u0000there\"}", "body"},
            {"comment too long", "POST", T + "/comments", W, "{\"body\":\"" + std::string(5001, 'c') + "\"}",
             "body"},
            {"comment empty", "POST", T + "/comments", W, "{\"body\":\"   \"}", "body"},
            {"split sub-cent budget", "POST", T + "/split", O,
             "{\"subtasks\":[{\"title\":\"Part\",\"description\":\"Part of the "
             "task\",\"budgetAmount\":0.001}]}",
             "subtasks[0].budgetAmount"},
            {"split not an array", "POST", T + "/split", O, "{\"subtasks\":\"all of it\"}", "subtasks"},
            {"hire without ids", "POST", "/api/agent/contracts", O, "{}", "taskId"},
            {"hire ids as numbers", "POST", "/api/agent/contracts", O, "{\"taskId\":1,\"bidId\":2}",
             "taskId"},
            {"reject without reason", "POST", "/api/agent/contracts/" + contract + "/decision", O,
             "{\"action\":\"reject\"}", "reason"},
            {"decision bad action", "POST", "/api/agent/contracts/" + contract + "/decision", O,
             "{\"action\":\"pay\"}", "action"},
            {"decision rating 6", "POST", "/api/agent/contracts/" + contract + "/decision", O,
             "{\"action\":\"accept\",\"rating\":6}", "rating"},
            {"submission bad URL", "POST", "/api/agent/contracts/" + contract + "/submissions", W,
             "{\"deliverableUrl\":\"javascript:alert(1)\"}", "deliverableUrl"},
            {"submission bad sha256", "POST", "/api/agent/contracts/" + contract + "/submissions", W,
             "{\"attachments\":[{\"url\":\"https://example.com/f\",\"name\":\"f\",\"sha256\":\"nothex\"}]}",
             "attachments[0].sha256"},
            {"cancellation bad action", "POST", "/api/agent/contracts/" + contract + "/cancellation", W,
             "{\"action\":\"nuke\"}", "action"},
            {"payout denomination", "POST", "/api/agent/me/payout-methods", O,
             "{\"denomination\":\"DOGE\",\"address\":\"x\"}", "denomination"},
            {"payout address NUL", "POST", "/api/agent/me/payout-methods", O,
             "{\"denomination\":\"USDC\",\"address\":\"0x\\u0000\"}", "address"},
            {"payout patch NUL", "PATCH", "/api/agent/me/payout-methods/" + payId, O,
             "{\"memo\":\"m\\u0001\"}", "memo"},
            {"key not base64", "POST", "/api/agent/me/keys", O,
             "{\"label\":\"k\",\"purpose\":\"encryption\",\"algorithm\":\"x25519\",\"publicKey\":\"not "
             "base64!!\"}",
             "publicKey"},
            {"key 31 bytes", "POST", "/api/agent/me/keys", O,
             "{\"label\":\"k\",\"purpose\":\"encryption\",\"algorithm\":\"x25519\",\"publicKey\":"
             "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==\"}",
             "publicKey"},
            {"key purpose mismatch", "POST", "/api/agent/me/keys", O,
             std::string(
                 "{\"label\":\"k\",\"purpose\":\"signing\",\"algorithm\":\"x25519\",\"publicKey\":\"") +
                 kPublicKey + "\"}",
             "algorithm"},
            {"token scopes string", "POST", "/api/agent/me/tokens", O, "{\"scopes\":\"tasks:read\"}",
             "scopes"},
            {"token unknown scope", "POST", "/api/agent/me/tokens", O, "{\"scopes\":[\"root\"]}", "scopes"},
            {"token expired", "POST", "/api/agent/me/tokens", O, "{\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
             "expiresAt"},
            {"token expiry garbage", "POST", "/api/agent/me/tokens", O, "{\"expiresAt\":\"never\"}",
             "expiresAt"},
            {"token name NUL", "POST", "/api/agent/me/tokens", O, "{\"name\":\"a\\u0000\"}", "name"},
            {"me displayName NUL", "PATCH", "/api/agent/me", O, "{\"displayName\":\"x\\u0000y\"}",
             "displayName"},
            {"me skills string", "PATCH", "/api/agent/me", O, "{\"skills\":\"docs\"}", "skills"},
            {"me availability", "PATCH", "/api/agent/me", O, "{\"availability\":\"gone\"}", "availability"},
            {"bid patch bad action", "PATCH", "/api/agent/bids/" + bid, W, "{\"action\":\"steal\"}",
             "action"},
            {"counter-offer sub-cent", "POST", "/api/agent/bids/" + bid + "/counter-offers", O,
             "{\"proposedAmount\":0.005}", "proposedAmount"},
            {"claim message NUL", "POST", T + "/claim", W, "{\"message\":\"\\u0000\"}", "message"},
        };
        // The state these requests could have touched.
        auto state = [&] {
            std::vector<std::string> s;
            for (const auto& [tok, target] : std::vector<std::pair<std::string, std::string>>{
                     {O, "/api/agent/me"},
                     {O, "/api/agent/wallet"},
                     {W, "/api/agent/wallet"},
                     {O, "/api/agent/tasks"},
                     {W, "/api/agent/bids"},
                     {O, "/api/agent/contracts"},
                     {O, "/api/agent/me/payout-methods"},
                     {O, "/api/agent/me/keys"},
                     {O, "/api/agent/bids/" + bid + "/counter-offers"},
                     {O, "/api/agent/tasks/" + task + "/comments"},
                     {O, "/api/agent/contracts/" + contract + "/submissions"}}) {
                s.push_back(target + " " + json::serialize(stripVolatile(call("GET", target, tok).json())));
            }
            auto toks = call("GET", "/api/agent/me/tokens", O).json();
            s.push_back("tokens " + std::to_string(N(toks, "tokens")));
            s.push_back("transfers " + std::to_string(m_srv->ledger().transfers));
            return s;
        };
        const auto before = state();
        std::vector<std::string> problems;
        for (const auto& c : cases) {
            const auto r = raw(c.method, c.target, c.token, c.body);
            const std::string label = c.label + " (" + c.method + " " + c.target + "): ";
            if (r.status != 400 || codeOf(r) != "VALIDATION")
                problems.push_back(label + "expected 400 VALIDATION, got " + brief(r));
            else if (const auto shape = shapeProblem(r); !shape.empty())
                problems.push_back(label + shape);
            else if (S(r.json(), "fields." + c.field).empty() &&
                     !(get(r.json(), "fields").is_object() &&
                       get(r.json(), "fields").as_object().contains(c.field)))
                problems.push_back(label + "no reason for " + c.field + ": " + brief(r));
        }
        QVERIFY2(problems.empty(), ("bad input:" + join(problems)).c_str());
        const auto after = state();
        for (std::size_t i = 0; i < before.size(); ++i)
            QVERIFY2(before[i] == after[i],
                     ("bad input changed state:\n" + before[i] + "\n" + after[i]).c_str());
    }

    void badQueryAndPathParameters()
    {
        const auto me = m_srv->registerMember("query_user");
        const std::string& T = me.token;
        std::vector<std::string> problems;
        struct Case
        {
            std::string target, field;
        };
        // List parameters: 400 naming the parameter.
        const std::vector<Case> bad = {
            {"/api/tasks?cursor=!!!", "cursor"},
            {"/api/tasks?cursor=" + std::string(65, 'a'), "cursor"},
            {"/api/tasks?cursor=%27%20OR%201%3D1--", "cursor"},
            {"/api/tasks?sort=budget&cursor=abc", "cursor"},
            {"/api/tasks?sort=budget&cursor=99999999999999999999999:tsk_x", "cursor"},
            {"/api/tasks?limit=0", "limit"},
            {"/api/tasks?limit=101", "limit"},
            {"/api/tasks?limit=abc", "limit"},
            {"/api/tasks?limit=-1", "limit"},
            {"/api/tasks?limit=1.5", "limit"},
            {"/api/tasks?limit=", "limit"},
            {"/api/tasks?limit=99999999999999999999", "limit"},
            {"/api/tasks?status=bogus", "status"},
            {"/api/tasks?mode=auction", "mode"},
            {"/api/tasks?sort=random", "sort"},
            {"/api/tasks?query=%01", "query"},
            {"/api/tasks?query=" + std::string(201, 'q'), "query"},
            {"/api/agent/tasks?limit=0", "limit"},
            {"/api/agent/tasks?cursor=%FF", "cursor"},
            {"/api/agent/bids?limit=101", "limit"},
            {"/api/agent/contracts?limit=abc", "limit"},
            {"/api/agent/contracts?role=admin", "role"},
            {"/api/agent/notifications?limit=0", "limit"},
            {"/api/agent/notifications?cursor=..%2F..", "cursor"},
            {"/api/agent/wallet/transactions?limit=1000", "limit"},
        };
        for (const auto& c : bad) {
            const auto r = call("GET", c.target, T);
            if (r.status != 400 || codeOf(r) != "VALIDATION" || !shapeProblem(r).empty() ||
                !get(r.json(), "fields").is_object() ||
                !get(r.json(), "fields").as_object().contains(c.field))
                problems.push_back("GET " + c.target + ": expected 400 naming " + c.field + ", got " +
                                   brief(r));
        }
        // Odd bytes in paths and filters: never a 5xx (404 / 400 / an empty list).
        const std::vector<std::string> odd = {
            "/api/tasks/%FF",
            "/api/tasks/%C3%28",
            "/api/tasks/" + std::string(300, 'x'),
            "/api/tasks/..%2F..%2Fetc%2Fpasswd",
            "/api/tasks/tsk_%27%20OR%20%271%27%3D%271",
            "/api/agent/tasks/%FF",
            "/api/agent/tasks/%E2%80%AE",
            "/api/agent/bids/%FF",
            "/api/agent/contracts/%FF/submissions",
            "/api/profiles/%FF",
            "/api/profiles/%FF/reviews",
            "/api/profiles/%FF/payout-methods",
            "/api/tasks?query=%FF",
            "/api/tasks?query=%25%5F%5C",
            "/api/tasks?skill=%FF",
            "/api/tasks?skill=%C0%80",
            "/api/agent/tasks?status=%FF",
            "/api/agent/bids?taskId=%FF",
            "/api/agent/bids?status=%FF",
            "/api/agent/contracts?status=%FF",
            "/api/agent/wallet/transactions?kind=%FF",
            "/api/agent/notifications?unreadOnly=%FF",
            "/api/tasks/%00",
            "/api/tasks?query=%00",
            "/api/tasks?query=%",
        };
        for (const auto& target : odd) {
            for (const auto& tok : {std::string(), T}) {
                const auto r = call("GET", target, tok);
                if (r.status == 0 || r.status >= 500 ||
                    (r.status >= 400 && !shapeProblem(r).empty() && r.status != 401))
                    problems.push_back("GET " + target + (tok.empty() ? " (anonymous)" : "") + ": " +
                                       brief(r));
            }
            const auto w = call("POST", target + (target.find('?') == std::string::npos ? "/cancel" : ""), T,
                                json::object{});
            if (w.status == 0 || w.status >= 500)
                problems.push_back("POST " + target + ": " + brief(w));
        }
        QVERIFY2(problems.empty(), ("query and path parameters:" + join(problems)).c_str());
    }

    void transportLimits()
    {
        const auto me = m_srv->registerMember("transport_user");
        auto c = m_srv->client();
        const Headers auth = {{"Authorization", "Bearer " + me.token}, {"Content-Type", "application/json"}};
        // A body over 1 MiB: 413 from the transport, with the error shape.
        const std::string prefix = "{\"title\":\"Big task title\",\"budgetAmount\":5,\"description\":\"";
        std::string big = prefix + std::string((1u << 20) + 1 - prefix.size() - 2, 'x') + "\"}";
        QCOMPARE(big.size(), std::size_t((1u << 20) + 1));
        auto r = c.request("POST", "/api/agent/tasks", big, auth);
        EXPECT_ERROR(r, 413, "TOO_LARGE");
        // Exactly 1 MiB passes the transport and is refused by validation instead.
        big = prefix + std::string((1u << 20) - prefix.size() - 2, 'x') + "\"}";
        QCOMPARE(big.size(), std::size_t(1u << 20));
        r = c.request("POST", "/api/agent/tasks", big, auth);
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(!S(r.json(), "fields.description").empty());
        // A header section over 16 KiB: 431.
        Headers huge = auth;
        huge.emplace_back("X-Padding", std::string(17 * 1024, 'h'));
        r = c.request("GET", "/api/agent/me", {}, huge);
        QVERIFY2(r.status == 431, brief(r).c_str());
        QVERIFY2(shapeProblem(r).empty(), shapeProblem(r).c_str());
        // Many small headers adding up past the limit: 431 too.
        Headers many = auth;
        for (int i = 0; i < 300; ++i)
            many.emplace_back("X-H" + std::to_string(i), std::string(60, 'v'));
        r = c.request("GET", "/api/agent/me", {}, many);
        QVERIFY2(r.status == 431, brief(r).c_str());
        // Well under the limit is fine.
        Headers fine = auth;
        fine.emplace_back("X-Padding", std::string(8 * 1024, 'h'));
        EXPECT_STATUS(c.request("GET", "/api/agent/me", {}, fine), 200);
        // A Content-Length promising more than 1 MiB is refused before the body is read.
        {
            namespace asio = boost::asio;
            asio::io_context ioc;
            asio::ip::tcp::socket sock(ioc);
            asio::ip::tcp::resolver resolver(ioc);
            asio::connect(sock, resolver.resolve("127.0.0.1", std::to_string(m_srv->port())));
            const std::string head =
                "POST /api/agent/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + me.token +
                "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{";
            asio::write(sock, asio::buffer(head));
            std::string reply;
            char buf[4096];
            boost::system::error_code ec;
            for (;;) {
                const auto n = sock.read_some(asio::buffer(buf), ec);
                reply.append(buf, n);
                if (ec || reply.find("\r\n\r\n") != std::string::npos)
                    break;
            }
            QVERIFY2(reply.rfind("HTTP/1.1 413", 0) == 0, reply.substr(0, 200).c_str());
        }
        // Nothing was created, and the server still serves.
        r = call("GET", "/api/agent/tasks", me.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "tasks"), 0LL);
        r = call("GET", "/api/agent/wallet", me.token);
        QCOMPARE(C(r.json(), "wallet.available"), 100000LL);
    }

    // ---- 3. idempotency -----------------------------------------------------------------------

    void idempotentReplayAndMismatch()
    {
        const auto owner = m_srv->registerMember("idem_owner");
        const json::object body{{"title", "Idempotent task"},
                                {"description", "Posted once, however often sent."},
                                {"budgetAmount", 250}};
        const Headers key{{"Idempotency-Key", "post-task-0001"}};
        const auto r1 = call("POST", "/api/agent/tasks", owner.token, body, key);
        EXPECT_STATUS(r1, 201);
        QVERIFY(!r1.headers.count("idempotent-replayed"));
        const auto r2 = call("POST", "/api/agent/tasks", owner.token, body, key);
        EXPECT_STATUS(r2, 201);
        QCOMPARE(QString::fromStdString(r2.body), QString::fromStdString(r1.body));
        QVERIFY2(r2.headers.count("idempotent-replayed") && r2.headers.at("idempotent-replayed") == "true",
                 "a replay is marked Idempotent-Replayed: true");
        // Charged once.
        auto r = call("GET", "/api/agent/tasks", owner.token);
        QCOMPARE(N(r.json(), "tasks"), 1LL);
        r = call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(C(r.json(), "wallet.available"), 75000LL);
        QCOMPARE(C(r.json(), "wallet.escrow"), 25000LL);
        r = call("GET", "/api/agent/wallet/transactions?kind=escrow", owner.token);
        QCOMPARE(N(r.json(), "transactions"), 1LL);
        // The same key with another body, path or method: 422, nothing done.
        json::object other = body;
        other["budgetAmount"] = 251;
        EXPECT_ERROR(call("POST", "/api/agent/tasks", owner.token, other, key), 422, "IDEMPOTENCY_MISMATCH");
        EXPECT_ERROR(call("POST", "/api/agent/me/payout-methods", owner.token,
                          json::object{{"denomination", "USDC"}, {"address", "0x1"}}, key),
                     422, "IDEMPOTENCY_MISMATCH");
        EXPECT_ERROR(call("PATCH", "/api/agent/me", owner.token, body, key), 422, "IDEMPOTENCY_MISMATCH");
        r = call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(C(r.json(), "wallet.available"), 75000LL);
        QCOMPARE(N(call("GET", "/api/agent/me/payout-methods", owner.token).json(), "payoutMethods"), 0LL);
        // Malformed keys are refused.
        for (const auto& k : {std::string(256, 'k'), std::string("has space"), std::string("caf\xc3\xa9")}) {
            const auto bad = call("POST", "/api/agent/tasks", owner.token, body, {{"Idempotency-Key", k}});
            EXPECT_ERROR(bad, 400, "VALIDATION");
        }
        r = call("GET", "/api/agent/tasks", owner.token);
        QCOMPARE(N(r.json(), "tasks"), 1LL);
    }

    void idempotencyStoresOnlyExecutedOutcomes()
    {
        const auto owner = m_srv->registerMember("idem_stores");
        const auto& O = owner.token;
        // A 400 is not stored: the same key with the body fixed succeeds.
        const Headers k1{{"Idempotency-Key", "fix-and-retry"}};
        auto r = call("POST", "/api/agent/tasks", O, json::object{{"title", "x"}, {"budgetAmount", 10}}, k1);
        EXPECT_ERROR(r, 400, "VALIDATION");
        const json::object fixed{
            {"title", "Fixed task title"}, {"description", "Now with a description."}, {"budgetAmount", 10}};
        r = call("POST", "/api/agent/tasks", O, fixed, k1);
        EXPECT_STATUS(r, 201);
        QVERIFY(!r.headers.count("idempotent-replayed"));
        const auto fixedReply = r;
        r = call("POST", "/api/agent/tasks", O, fixed, k1);
        EXPECT_STATUS(r, 201);
        QCOMPARE(QString::fromStdString(r.body), QString::fromStdString(fixedReply.body));
        // A malformed body is not stored either.
        const Headers k1b{{"Idempotency-Key", "malformed-then-fixed"}};
        EXPECT_ERROR(raw("POST", "/api/agent/tasks", O, "{oops", k1b), 400, "VALIDATION");
        json::object fixed2 = fixed;
        fixed2["title"] = "Second fixed task";
        EXPECT_STATUS(call("POST", "/api/agent/tasks", O, fixed2, k1b), 201);
        // A 402 is stored and replayed, even once the money would be there.
        const Headers k2{{"Idempotency-Key", "too-expensive"}};
        const json::object pricey{{"title", "Too expensive"},
                                  {"description", "More than the wallet holds."},
                                  {"budgetAmount", 5000}};
        const auto p1 = call("POST", "/api/agent/tasks", O, pricey, k2);
        EXPECT_ERROR(p1, 402, "INSUFFICIENT_FUNDS");
        const auto p2 = call("POST", "/api/agent/tasks", O, pricey, k2);
        EXPECT_STATUS(p2, 402);
        QCOMPARE(QString::fromStdString(p2.body), QString::fromStdString(p1.body));
        QVERIFY(p2.headers.count("idempotent-replayed"));
        json::object cheaper = pricey;
        cheaper["budgetAmount"] = 1;
        EXPECT_ERROR(call("POST", "/api/agent/tasks", O, cheaper, k2), 422, "IDEMPOTENCY_MISMATCH");
        // A 409 is stored too.
        const std::string tid = S(fixedReply.json(), "task.id");
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + tid + "/cancel", O, json::object{}), 200);
        const Headers k3{{"Idempotency-Key", "cancel-twice"}};
        const auto c1 = call("POST", "/api/agent/tasks/" + tid + "/cancel", O, json::object{}, k3);
        EXPECT_ERROR(c1, 409, "TASK_NOT_OPEN");
        const auto c2 = call("POST", "/api/agent/tasks/" + tid + "/cancel", O, json::object{}, k3);
        EXPECT_STATUS(c2, 409);
        QVERIFY(c2.headers.count("idempotent-replayed"));
        // A 403 (missing scope) and a 404 are not stored: the same key works with the right token / id.
        r = call("POST", "/api/agent/me/tokens", O,
                 json::object{{"name", "reader"}, {"scopes", json::array{"tasks:read"}}});
        EXPECT_STATUS(r, 201);
        const std::string reader = S(r.json(), "tokenValue");
        const Headers k4{{"Idempotency-Key", "scope-then-full"}};
        json::object third = fixed;
        third["title"] = "Third task title";
        EXPECT_ERROR(call("POST", "/api/agent/tasks", reader, third, k4), 403, "MISSING_SCOPE");
        r = call("POST", "/api/agent/tasks", O, third, k4);
        EXPECT_STATUS(r, 201);
        QVERIFY(!r.headers.count("idempotent-replayed"));
        const Headers k5{{"Idempotency-Key", "not-found-first"}};
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + fakeId(tid) + "/cancel", O, json::object{}, k5), 404,
                     "NOT_FOUND");
        // 401 is not stored (nobody to store it for) and does not burn the key.
        EXPECT_ERROR(
            call("POST", "/api/agent/tasks", "td_bogus_token_value", third, {{"Idempotency-Key", "k401"}}),
            401, "UNAUTHORIZED");
        json::object fourth = fixed;
        fourth["title"] = "Fourth task title";
        EXPECT_STATUS(call("POST", "/api/agent/tasks", O, fourth, {{"Idempotency-Key", "k401"}}), 201);
        r = call("GET", "/api/agent/tasks?limit=100", O);
        QCOMPARE(N(r.json(), "tasks"), 4LL);
        r = call("GET", "/api/agent/wallet", O);
        QCOMPARE(C(r.json(), "wallet.available"), 100000LL - 3 * 1000);
    }

    void idempotencyKeysArePerPrincipal()
    {
        const auto alice = m_srv->registerMember("idem_alice");
        const auto bob = m_srv->registerMember("idem_bob");
        const Headers key{{"Idempotency-Key", "shared-key-1"}};
        const json::object body{
            {"title", "Alice's task"}, {"description", "Alice posts this one."}, {"budgetAmount", 100}};
        const auto a = call("POST", "/api/agent/tasks", alice.token, body, key);
        EXPECT_STATUS(a, 201);
        // Bob's identical request under the same key is his own, not a replay of Alice's.
        const auto b = call("POST", "/api/agent/tasks", bob.token, body, key);
        EXPECT_STATUS(b, 201);
        QVERIFY(!b.headers.count("idempotent-replayed"));
        QVERIFY(S(b.json(), "task.id") != S(a.json(), "task.id"));
        QCOMPARE(QString::fromStdString(S(b.json(), "task.owner.id")), QString::fromStdString(bob.id));
        QVERIFY(b.body.find(alice.id) == std::string::npos);
        // And with a different body: no mismatch across principals.
        json::object other = body;
        other["title"] = "Bob's other task";
        const auto b2 =
            call("POST", "/api/agent/tasks", bob.token, other, {{"Idempotency-Key", "alice-only-key"}});
        EXPECT_STATUS(b2, 201);
        EXPECT_STATUS(
            call("POST", "/api/agent/tasks", alice.token, body, {{"Idempotency-Key", "alice-only-key"}}),
            201);
        // Each was charged for their own.
        auto r = call("GET", "/api/agent/wallet", alice.token);
        QCOMPARE(C(r.json(), "wallet.escrow"), 20000LL);
        r = call("GET", "/api/agent/wallet", bob.token);
        QCOMPARE(C(r.json(), "wallet.escrow"), 20000LL);
        // Anonymous keys (registration) are kept apart from a profile's keys.
        const json::object reg{
            {"email", "idem_carol@example.com"}, {"password", kPassword}, {"handle", "idem_carol"}};
        r = call("POST", "/api/agent/register", "", reg, key);
        EXPECT_STATUS(r, 201);
        QVERIFY(!r.headers.count("idempotent-replayed"));
    }

    void idempotencyReplayStillChecksScope()
    {
        const auto owner = m_srv->registerMember("idem_scope");
        auto r = call("POST", "/api/agent/me/tokens", owner.token,
                      json::object{{"name", "reader"}, {"scopes", json::array{"tasks:read"}}});
        EXPECT_STATUS(r, 201);
        const std::string reader = S(r.json(), "tokenValue");
        // The full token mints a token under a key ...
        const Headers key{{"Idempotency-Key", "mint-001"}};
        const json::object mint{{"name", "minted"}};
        const auto minted = call("POST", "/api/agent/me/tokens", owner.token, mint, key);
        EXPECT_STATUS(minted, 201);
        const std::string secret = S(minted.json(), "tokenValue");
        QVERIFY(!secret.empty());
        // ... and a tasks:read token of the same profile replaying it gets a refusal, not the secret.
        r = call("POST", "/api/agent/me/tokens", reader, mint, key);
        EXPECT_ERROR(r, 403, "MISSING_SCOPE");
        QVERIFY2(r.body.find(secret) == std::string::npos,
                 "a replay hands a token value to a token that may not mint");
        // Same for a task: the reader cannot replay a write it could not make.
        const json::object task{
            {"title", "Replay me"}, {"description", "Posted by the full token."}, {"budgetAmount", 5}};
        EXPECT_STATUS(call("POST", "/api/agent/tasks", owner.token, task, {{"Idempotency-Key", "task-001"}}),
                      201);
        EXPECT_ERROR(call("POST", "/api/agent/tasks", reader, task, {{"Idempotency-Key", "task-001"}}), 403,
                     "MISSING_SCOPE");
        // Responses that carry a token value are never stored for replay: the
        // store would keep the secret in clear. The same key mints afresh.
        r = call("POST", "/api/agent/me/tokens", owner.token, mint, key);
        EXPECT_STATUS(r, 201);
        QVERIFY(!r.headers.count("idempotent-replayed"));
        QVERIFY(S(r.json(), "tokenValue") != secret);
        // Register and login under a key leave no token value in the database either.
        const Headers regKey{{"Idempotency-Key", "register-001"}};
        const json::object reg{{"email", "idem_secret@example.com"},
                               {"password", "correct horse battery"},
                               {"handle", "idem_secret"}};
        r = call("POST", "/api/agent/register", "", reg, regKey);
        EXPECT_STATUS(r, 201);
        const std::string regToken = S(r.json(), "tokenValue");
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", "idem_secret@example.com"}, {"password", "correct horse battery"}},
                 regKey);
        EXPECT_STATUS(r, 200);
        const std::string loginToken = S(r.json(), "tokenValue");
        taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                        taskdesk::store::Transaction::Mode::Read);
        auto rows = tx.query("SELECT body FROM idempotency_keys");
        while (rows.next()) {
            const std::string stored = rows.str(0);
            QVERIFY2(stored.find(secret) == std::string::npos && stored.find(regToken) == std::string::npos &&
                         stored.find(loginToken) == std::string::npos,
                     "a token value was stored for idempotent replay");
        }
    }

    void idempotencyConcurrentTwins()
    {
        const auto owner = m_srv->registerMember("idem_race");
        const json::object body{
            {"title", "Raced task"}, {"description", "Eight threads, one key."}, {"budgetAmount", 100}};
        const std::string payload = json::serialize(body);
        constexpr int kThreads = 8;
        std::vector<Reply> replies(kThreads);
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        const auto port = m_srv->port();
        for (int i = 0; i < kThreads; ++i)
            threads.emplace_back([&, i] {
                HttpClient c("127.0.0.1", port);
                start.arrive_and_wait();
                replies[static_cast<std::size_t>(i)] = c.request("POST", "/api/agent/tasks", payload,
                                                                 {{"Authorization", "Bearer " + owner.token},
                                                                  {"Content-Type", "application/json"},
                                                                  {"Idempotency-Key", "race-key-42"}});
            });
        for (auto& t : threads)
            t.join();
        std::set<std::string> bodies;
        int created = 0, fresh = 0;
        std::vector<std::string> problems;
        for (const auto& r : replies) {
            if (r.status == 201) {
                ++created;
                bodies.insert(r.body);
                if (!r.headers.count("idempotent-replayed"))
                    ++fresh;
            } else if (!(r.status == 409 && codeOf(r) == "IDEMPOTENCY_IN_PROGRESS")) {
                problems.push_back(brief(r));
            }
        }
        QVERIFY2(problems.empty(), ("unexpected replies:" + join(problems)).c_str());
        QVERIFY(created >= 1);
        QCOMPARE(fresh, 1);
        QCOMPARE(bodies.size(), std::size_t(1));
        auto r = call("GET", "/api/agent/tasks", owner.token);
        QCOMPARE(N(r.json(), "tasks"), 1LL);
        r = call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(C(r.json(), "wallet.available"), 90000LL);
        QCOMPARE(C(r.json(), "wallet.escrow"), 10000LL);
        r = call("GET", "/api/agent/wallet/transactions?kind=escrow", owner.token);
        QCOMPARE(N(r.json(), "transactions"), 1LL);
        // Afterwards every twin is a replay.
        r = call("POST", "/api/agent/tasks", owner.token, body, {{"Idempotency-Key", "race-key-42"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(QString::fromStdString(r.body), QString::fromStdString(*bodies.begin()));
    }

    // ---- 4. rate limits -----------------------------------------------------------------------

    void rateLimitRegistration()
    {
        auto reg = [&](int i) {
            const std::string h = "rl_user_" + std::to_string(i);
            return call("POST", "/api/agent/register", "",
                        json::object{{"email", h + "@example.com"}, {"password", kPassword}, {"handle", h}});
        };
        for (int i = 0; i < 5; ++i) {
            const auto r = reg(i);
            QVERIFY2(r.status == 201, ("registration " + std::to_string(i + 1) + ": " + brief(r)).c_str());
        }
        const auto r = reg(5);
        EXPECT_ERROR(r, 429, "RATE_LIMITED");
        QVERIFY(get(r.json(), "retry").as_bool());
        QVERIFY2(r.headers.count("retry-after"), "429 without Retry-After");
        const int wait = std::atoi(r.headers.at("retry-after").c_str());
        QVERIFY2(wait >= 1 && wait <= 60, r.headers.at("retry-after").c_str());
        // Nothing was registered or minted by the refused call.
        EXPECT_ERROR(call("POST", "/api/agent/login", "",
                          json::object{{"email", "rl_user_5@example.com"}, {"password", kPassword}}),
                     401, "INVALID_CREDENTIALS");
        QCOMPARE(m_srv->ledger().transfers, 5LL);
        // Other classes still work: a registered profile logs in and reads.
        auto l = call("POST", "/api/agent/login", "",
                      json::object{{"email", "rl_user_0@example.com"}, {"password", kPassword}});
        EXPECT_STATUS(l, 200);
        EXPECT_STATUS(call("GET", "/api/agent/me", S(l.json(), "tokenValue")), 200);
        // The window passes: registration opens again. (The limiter uses the steady clock, so only
        // the header is checked here; waiting a real minute would slow every run.)
    }

    void rateLimitLogin()
    {
        const auto me = m_srv->registerMember("rl_login");
        for (int i = 0; i < 10; ++i) {
            const bool right = i % 2 == 0;
            const auto r =
                call("POST", "/api/agent/login", "",
                     json::object{{"email", me.email}, {"password", right ? kPassword : "wrong password"}});
            QVERIFY2(r.status == (right ? 200 : 401), brief(r).c_str());
        }
        const auto r =
            call("POST", "/api/agent/login", "", json::object{{"email", me.email}, {"password", kPassword}});
        EXPECT_ERROR(r, 429, "RATE_LIMITED");
        QVERIFY(r.headers.count("retry-after"));
        QVERIFY(r.body.find("tokenValue") == std::string::npos);
        // The bearer token still works: login limits do not lock out a signed-in agent.
        EXPECT_STATUS(call("GET", "/api/agent/me", me.token), 200);
    }

    void rateLimitBids()
    {
        const auto owner = m_srv->registerMember("rl_owner");
        const auto bidder = m_srv->registerMember("rl_bidder");
        const auto bidder2 = m_srv->registerMember("rl_bidder2");
        std::vector<std::string> tasks;
        try {
            for (int i = 0; i < 21; ++i)
                tasks.push_back(
                    newTask(owner.token, "Rate limited task " + std::to_string(i), {{"budgetAmount", 2}}));
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        for (int i = 0; i < 20; ++i) {
            const auto r = call("POST", "/api/agent/tasks/" + tasks[static_cast<std::size_t>(i)] + "/bids",
                                bidder.token, json::object{{"proposedAmount", 1}, {"etaDays", 1}});
            QVERIFY2(r.status == 201, ("bid " + std::to_string(i + 1) + ": " + brief(r)).c_str());
        }
        const auto r = call("POST", "/api/agent/tasks/" + tasks.back() + "/bids", bidder.token,
                            json::object{{"proposedAmount", 1}, {"etaDays", 1}});
        EXPECT_ERROR(r, 429, "RATE_LIMITED");
        QVERIFY2(r.headers.count("retry-after"), "429 without Retry-After");
        const int wait = std::atoi(r.headers.at("retry-after").c_str());
        QVERIFY2(wait >= 1 && wait <= 3600, r.headers.at("retry-after").c_str());
        // Nothing was placed by the refused bid; reads still work; another profile may bid.
        auto mine = call("GET", "/api/agent/bids?limit=100", bidder.token);
        EXPECT_STATUS(mine, 200);
        QCOMPARE(N(mine.json(), "bids"), 20LL);
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + tasks.back() + "/bids", bidder2.token,
                           json::object{{"proposedAmount", 1}, {"etaDays", 1}}),
                      201);
    }

    // ---- 5. registration and login ------------------------------------------------------------

    void registrationAndLogin()
    {
        const auto first = m_srv->registerMember("reg_first");
        const auto transfers = m_srv->ledger().transfers;
        auto reg = [&](const json::object& body) { return call("POST", "/api/agent/register", "", body); };
        auto body = [&](const std::string& email, const std::string& handle, const std::string& password) {
            return json::object{{"email", email}, {"password", password}, {"handle", handle}};
        };
        // Duplicates: 409, whatever the case.
        EXPECT_ERROR(reg(body(first.email, "reg_second", kPassword)), 409, "DUPLICATE_EMAIL");
        EXPECT_ERROR(reg(body("REG_FIRST@Example.COM", "reg_second", kPassword)), 409, "DUPLICATE_EMAIL");
        EXPECT_ERROR(reg(body("someone@example.com", "reg_first", kPassword)), 409, "DUPLICATE_HANDLE");
        EXPECT_ERROR(reg(body("someone@example.com", "REG_First", kPassword)), 409, "DUPLICATE_HANDLE");
        // Bad fields: 400 naming them.
        const std::vector<std::pair<json::object, std::string>> bad = {
            {body("a@example.com", "reg_short", "1234567"), "password"},
            {body("a@example.com", "reg_short", ""), "password"},
            {json::object{{"email", "a@example.com"}, {"handle", "reg_nopass"}}, "password"},
            {json::object{{"email", "a@example.com"}, {"handle", "reg_numpass"}, {"password", 12345678}},
             "password"},
            {body("a@example.com", "reg_nul", std::string("abc\0defgh", 9)), "password"},
            {body("a@example.com", "ab", kPassword), "handle"},
            {body("a@example.com", std::string(33, 'h'), kPassword), "handle"},
            {body("a@example.com", "has space", kPassword), "handle"},
            {body("a@example.com", "has-dash", kPassword), "handle"},
            {body("a@example.com", "h\xc3\xa9llo", kPassword), "handle"},
            {body("a@example.com", "drop';--", kPassword), "handle"},
            {body("not-an-email", "reg_email", kPassword), "email"},
            {body("a@b", "reg_email2", kPassword), "email"},
            {body("a b@example.com", "reg_email3", kPassword), "email"},
            {json::object{{"email", "k@example.com"},
                          {"password", kPassword},
                          {"handle", "reg_kind"},
                          {"kind", "admin"}},
             "kind"},
            {json::object{{"email", "s@example.com"},
                          {"password", kPassword},
                          {"handle", "reg_sc"},
                          {"tokenScopes", json::array{"support:write"}}},
             "tokenScopes"},
            {json::object{{"email", "d@example.com"},
                          {"password", kPassword},
                          {"handle", "reg_dn"},
                          {"displayName", "bad\x01name"}},
             "displayName"},
        };
        std::vector<std::string> problems;
        for (const auto& [b, field] : bad) {
            const auto r = reg(b);
            if (r.status != 400 || codeOf(r) != "VALIDATION" || !shapeProblem(r).empty() ||
                S(r.json(), "fields." + field).empty())
                problems.push_back(json::serialize(b) + ": expected 400 naming " + field + ", got " +
                                   brief(r));
            else if (r.body.find("tokenValue") != std::string::npos)
                problems.push_back(json::serialize(b) + ": a refused registration returned a token");
        }
        QVERIFY2(problems.empty(), ("registration:" + join(problems)).c_str());
        // No refused registration minted credits.
        QCOMPARE(m_srv->ledger().transfers, transfers);
        // Mass assignment at registration is ignored: no roles, no extra credits, no chosen id.
        auto r = reg(json::object{{"email", "mass@example.com"},
                                  {"password", kPassword},
                                  {"handle", "reg_mass"},
                                  {"roles", json::array{"support", "admin"}},
                                  {"id", "prf_chosen"},
                                  {"exp", 999999},
                                  {"creditScore", 999},
                                  {"balance", 1000000}});
        EXPECT_STATUS(r, 201);
        QVERIFY(S(r.json(), "profile.id") != "prf_chosen");
        QCOMPARE(N(r.json(), "profile.roles"), 0LL);
        const std::string massToken = S(r.json(), "tokenValue");
        r = call("GET", "/api/agent/wallet", massToken);
        QCOMPARE(C(r.json(), "wallet.available"), 100000LL);
        r = call("GET", "/api/support/ledger/verify", massToken);
        QVERIFY2(r.status == 404 || r.status == 403, brief(r).c_str());
        // ... and on PATCH /api/agent/me.
        r = call("PATCH", "/api/agent/me", massToken,
                 json::object{{"email", "stolen@example.com"},
                              {"handle", "reg_first"},
                              {"id", first.id},
                              {"exp", 999999},
                              {"roles", json::array{"admin"}}});
        EXPECT_STATUS(r, 200);
        r = call("GET", "/api/agent/me", massToken);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.email")), QStringLiteral("mass@example.com"));
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.handle")), QStringLiteral("reg_mass"));
        QVERIFY(S(r.json(), "profile.id") != first.id);
        QVERIFY(C(r.json(), "profile.exp") < 999999 * 100LL);
        QCOMPARE(N(r.json(), "profile.roles"), 0LL);
        // Server-owned task fields are not assignable either.
        r = call("POST", "/api/agent/tasks", massToken,
                 json::object{{"title", "Mass assigned"},
                              {"description", "Tries to set server fields"},
                              {"budgetAmount", 10},
                              {"id", "tsk_chosen"},
                              {"status", "completed"},
                              {"owner", json::object{{"id", first.id}}},
                              {"ownerId", first.id},
                              {"escrowAmount", 0}});
        EXPECT_STATUS(r, 201);
        QVERIFY(S(r.json(), "task.id") != "tsk_chosen");
        QCOMPARE(QString::fromStdString(S(r.json(), "task.status")), QStringLiteral("open"));
        QVERIFY(S(r.json(), "task.owner.id") != first.id);
        QCOMPARE(C(r.json(), "task.escrowAmount"), 1000LL);

        // Login: a wrong password and an unknown email look exactly alike.
        const auto wrong = call("POST", "/api/agent/login", "",
                                json::object{{"email", first.email}, {"password", "wrong password"}});
        const auto unknown =
            call("POST", "/api/agent/login", "",
                 json::object{{"email", "nobody@example.com"}, {"password", "wrong password"}});
        EXPECT_ERROR(wrong, 401, "INVALID_CREDENTIALS");
        EXPECT_ERROR(unknown, 401, "INVALID_CREDENTIALS");
        QCOMPARE(QString::fromStdString(wrong.body), QString::fromStdString(unknown.body));
        QVERIFY(wrong.body.find("tokenValue") == std::string::npos);
        const auto wrongCase =
            call("POST", "/api/agent/login", "",
                 json::object{{"email", first.email}, {"password", "CORRECT HORSE BATTERY"}});
        EXPECT_ERROR(wrongCase, 401, "INVALID_CREDENTIALS");
        EXPECT_ERROR(call("POST", "/api/agent/login", "", json::object{{"email", first.email}}), 400,
                     "VALIDATION");
        EXPECT_ERROR(
            call("POST", "/api/agent/login", "", json::object{{"email", first.email}, {"password", 42}}), 400,
            "VALIDATION");
        EXPECT_ERROR(raw("POST", "/api/agent/login", "", "{\"email\":"), 400, "VALIDATION");
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", "REG_FIRST@example.com"}, {"password", kPassword}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(QString::fromStdString(S(r.json(), "profile.id")), QString::fromStdString(first.id));
    }
};

TASKDESK_API_TEST_MAIN(ApiSecurityTest)
#include "tst_api_security.moc"
