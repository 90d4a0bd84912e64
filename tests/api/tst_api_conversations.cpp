// Conversations over real HTTP: bid and contract threads (parties only), direct
// messages, the inbox of every thread a profile is in with unread counts and
// read marks, paging, scopes, validation, and the attacker's side (a third
// profile sees nothing on any route that names an object). One fresh server
// (and database) per test; cleanup() checks the ledger.
#include "ApiExpect.h"
#include "JsonPath.h"
#include "TestServer.h"

#include <QTest>
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

json::value get(const json::value& root, const std::string& path)
{
    return taskdesk::test::jsonPath(root, path);
}

std::string S(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_string() ? std::string(v.as_string())
                         : std::string("<not a string: ") + json::serialize(v) + ">";
}

long long I(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_int64() ? v.as_int64() : v.is_uint64() ? static_cast<long long>(v.as_uint64()) : -999999;
}

std::size_t N(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_array() ? v.as_array().size() : 9999;
}

// The first element of an array whose field equals value (null when none).
json::value findBy(const json::value& root, const std::string& arrayPath, const std::string& field,
                   const std::string& value)
{
    const auto arr = get(root, arrayPath);
    if (arr.is_array())
        for (const auto& e : arr.as_array())
            if (S(e, field) == value)
                return e;
    return nullptr;
}

#define QCOMPARE_STR(a, b) QCOMPARE(std::string(a), std::string(b))

std::string repeat(const std::string& unit, std::size_t n)
{
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += unit;
    return s;
}

} // namespace

class ApiConversationsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr,
               std::vector<std::pair<std::string, std::string>> headers = {})
    {
        return m_srv->client().call(method, target, token, body, std::move(headers));
    }
    // A token of member's narrowed to the given scopes.
    std::string narrowToken(const TestServer::Member& m, const json::array& scopes)
    {
        const auto r = call("POST", "/api/agent/me/tokens", m.token,
                            json::object{{"name", "narrow"}, {"scopes", scopes}});
        if (r.status != 201)
            throw std::runtime_error("token creation failed: " + r.body);
        return S(r.json(), "tokenValue");
    }
    std::string postTask(const TestServer::Member& owner, const std::string& title, bool credits = false)
    {
        json::object body{{"title", title}, {"description", "A task used by the conversation tests."}};
        if (credits) {
            body["budgetAmount"] = 100;
            body["budgetCurrency"] = "CREDITS";
        }
        const auto r = call("POST", "/api/agent/tasks", owner.token, body);
        if (r.status != 201)
            throw std::runtime_error("task creation failed: " + r.body);
        return S(r.json(), "task.id");
    }
    std::string bid(const TestServer::Member& worker, const std::string& taskId, double amount = 80)
    {
        const auto r =
            call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                 json::object{{"proposedAmount", amount}, {"etaDays", 2}, {"approach", "Plan: do it well."}});
        if (r.status != 201)
            throw std::runtime_error("bid failed: " + r.body);
        return S(r.json(), "bid.id");
    }
    std::string hire(const TestServer::Member& owner, const std::string& taskId, const std::string& bidId)
    {
        const auto r = call("POST", "/api/agent/contracts", owner.token,
                            json::object{{"taskId", taskId}, {"bidId", bidId}});
        if (r.status != 201)
            throw std::runtime_error("hire failed: " + r.body);
        return S(r.json(), "contract.id");
    }
    Reply say(const std::string& path, const std::string& token, const std::string& text)
    {
        return call("POST", path, token, json::object{{"body", text}});
    }
    // Every notification of a member, newest first.
    json::value notifications(const TestServer::Member& m)
    {
        return call("GET", "/api/agent/notifications?limit=100", m.token).json();
    }
    json::value threads(const std::string& token, const std::string& query = "")
    {
        const auto r = call("GET", "/api/agent/threads" + query, token);
        if (r.status != 200)
            throw std::runtime_error("threads failed: " + r.body);
        return r.json();
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

    void bidThreadsArePrivateToBidderAndOwner()
    {
        const auto owner = m_srv->registerMember("bt_owner");
        const auto worker = m_srv->registerMember("bt_worker");
        const auto stranger = m_srv->registerMember("bt_stranger");
        const std::string taskId = postTask(owner, "Bid thread task", true);
        const std::string bidId = bid(worker, taskId);
        const std::string path = "/api/agent/bids/" + bidId + "/messages";

        auto r = say(path, worker.token, "  Is the deadline firm?\nThanks.  ");
        EXPECT_STATUS(r, 201);
        const auto first = r.json();
        QVERIFY(S(first, "message.id").rfind("msg_", 0) == 0);
        QCOMPARE_STR(S(first, "message.body"), "Is the deadline firm?\nThanks."); // stored trimmed
        QCOMPARE_STR(S(first, "message.kind"), "bid");
        QCOMPARE_STR(S(first, "message.bidId"), bidId);
        QCOMPARE_STR(S(first, "message.threadId"), "thr_bid_" + bidId);
        QCOMPARE_STR(S(first, "message.authorId"), worker.id);
        QCOMPARE_STR(S(first, "message.author.handle"), "bt_worker");
        QCOMPARE_STR(S(first, "message.recipientId"), owner.id);

        // The owner is told, pointing at the bid.
        auto n = findBy(notifications(owner), "notifications", "type", "message.received");
        QVERIFY2(!n.is_null(), "owner was not notified");
        QCOMPARE_STR(S(n, "entityType"), "bid");
        QCOMPARE_STR(S(n, "entityId"), bidId);

        r = say(path, owner.token, "Yes, Friday.");
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "message.recipientId"), worker.id);
        n = findBy(notifications(worker), "notifications", "type", "message.received");
        QVERIFY2(!n.is_null(), "worker was not notified");
        QCOMPARE_STR(S(n, "entityId"), bidId);

        for (const auto* who : {&owner, &worker}) {
            r = call("GET", path, who->token);
            EXPECT_STATUS(r, 200);
            QCOMPARE(N(r.json(), "messages"), std::size_t(2));
            QCOMPARE_STR(S(r.json(), "messages.0.body"), "Yes, Friday."); // newest first
            QCOMPARE_STR(S(r.json(), "messages.1.body"), "Is the deadline firm?\nThanks.");
            QVERIFY(get(r.json(), "nextCursor").is_null());
        }

        // The attacker's side: a third profile learns nothing, whatever its token holds.
        const std::string strangerReader = narrowToken(stranger, json::array{"messages:read"});
        for (const auto& tok : {stranger.token, strangerReader}) {
            r = call("GET", path, tok);
            EXPECT_ERROR(r, 404, "NOT_FOUND");
            QVERIFY(r.body.find("deadline") == std::string::npos);
            QVERIFY(r.body.find(worker.id) == std::string::npos);
            EXPECT_ERROR(say(path, tok, "Let me in"), 404, "NOT_FOUND");
            EXPECT_ERROR(call("POST", path, tok, json::object{}), 404, "NOT_FOUND"); // 404 before 400
        }
        r = call("GET", path, worker.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(2)); // the stranger wrote nothing
        QCOMPARE(N(threads(stranger.token), "threads"), std::size_t(0));
        n = findBy(notifications(stranger), "notifications", "type", "message.received");
        QVERIFY(n.is_null());

        const std::string missing = "/api/agent/bids/bid_" + std::string(28, '0') + "/messages";
        EXPECT_ERROR(call("GET", missing, owner.token), 404, "NOT_FOUND");
        EXPECT_ERROR(say(missing, owner.token, "hello"), 404, "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/agent/bids/not-a-bid/messages", owner.token), 404, "NOT_FOUND");

        // A withdrawn bid keeps its thread.
        EXPECT_STATUS(
            call("PATCH", "/api/agent/bids/" + bidId, worker.token, json::object{{"action", "withdraw"}}),
            200);
        EXPECT_STATUS(say(path, owner.token, "Sorry to see you go."), 201);
    }

    void contractThreadsArePrivateToBuyerAndSeller()
    {
        const auto buyer = m_srv->registerMember("ct_buyer");
        const auto seller = m_srv->registerMember("ct_seller");
        const auto loser = m_srv->registerMember("ct_loser");
        const std::string taskId = postTask(buyer, "Contract thread task", true);
        const std::string bidId = bid(seller, taskId, 90);
        const std::string loserBid = bid(loser, taskId, 95);
        const std::string contractId = hire(buyer, taskId, bidId);
        const std::string path = "/api/agent/contracts/" + contractId + "/messages";

        auto r = say(path, buyer.token, "Welcome aboard. Repo access is on its way.");
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "message.kind"), "contract");
        QCOMPARE_STR(S(r.json(), "message.contractId"), contractId);
        QCOMPARE_STR(S(r.json(), "message.threadId"), "thr_contract_" + contractId);
        QCOMPARE_STR(S(r.json(), "message.recipientId"), seller.id);
        auto n = findBy(notifications(seller), "notifications", "type", "message.received");
        QVERIFY(!n.is_null());
        QCOMPARE_STR(S(n, "entityType"), "contract");
        QCOMPARE_STR(S(n, "entityId"), contractId);

        EXPECT_STATUS(say(path, seller.token, "Got it, starting now."), 201);
        n = findBy(notifications(buyer), "notifications", "type", "message.received");
        QVERIFY(!n.is_null());
        r = call("GET", path, seller.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "messages"), std::size_t(2));
        QCOMPARE_STR(S(r.json(), "messages.0.authorId"), seller.id);

        // The losing bidder took part in the task but is no party to the contract.
        EXPECT_ERROR(call("GET", path, loser.token), 404, "NOT_FOUND");
        EXPECT_ERROR(say(path, loser.token, "Pick me instead"), 404, "NOT_FOUND");
        // ... and its own (rejected) bid thread is still its and the owner's.
        EXPECT_STATUS(say("/api/agent/bids/" + loserBid + "/messages", loser.token, "Any feedback?"), 201);
        EXPECT_STATUS(call("GET", "/api/agent/bids/" + loserBid + "/messages", buyer.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/bids/" + loserBid + "/messages", seller.token), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(
            call("GET", "/api/agent/contracts/ctr_" + std::string(28, 'f') + "/messages", buyer.token), 404,
            "NOT_FOUND");
        // Contract thread ids are not bid ids and vice versa.
        EXPECT_ERROR(call("GET", "/api/agent/contracts/" + bidId + "/messages", buyer.token), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/agent/bids/" + contractId + "/messages", buyer.token), 404,
                     "NOT_FOUND");

        // Scopes, checked after the parties: a party's narrowed token is 403, a stranger's 404.
        const std::string reader = narrowToken(seller, json::array{"messages:read"});
        const std::string writer = narrowToken(seller, json::array{"messages:write"});
        const std::string other =
            narrowToken(seller, json::array{"contracts:read", "bids:read", "comments:write"});
        EXPECT_STATUS(call("GET", path, reader), 200);
        EXPECT_ERROR(say(path, reader, "nope"), 403, "MISSING_SCOPE");
        EXPECT_ERROR(call("GET", path, writer), 403, "MISSING_SCOPE");
        EXPECT_STATUS(say(path, writer, "written with a write-only token"), 201);
        EXPECT_ERROR(call("GET", path, other), 403, "MISSING_SCOPE");
        EXPECT_ERROR(say(path, other, "nope"), 403, "MISSING_SCOPE");
        r = say(path, other, "nope");
        QCOMPARE_STR(S(r.json(), "fields.scope"), "messages:write");
        const std::string loserReader = narrowToken(loser, json::array{"bids:read"});
        EXPECT_ERROR(call("GET", path, loserReader), 404, "NOT_FOUND");
        // A missing scope comes before a bad body (403 > 400).
        EXPECT_ERROR(call("POST", path, reader, json::object{{"body", 5}}), 403, "MISSING_SCOPE");
    }

    void messageBodiesAreValidated()
    {
        const auto owner = m_srv->registerMember("mv_owner");
        const auto worker = m_srv->registerMember("mv_worker");
        const std::string taskId = postTask(owner, "Validation task", true);
        const std::string bidId = bid(worker, taskId);
        const std::string path = "/api/agent/bids/" + bidId + "/messages";

        auto expectBodyError = [&](const Reply& r, const std::string& reasonPart) {
            EXPECT_STATUS(r, 400);
            QCOMPARE_STR(S(r.json(), "code"), "VALIDATION");
            const std::string reason = S(r.json(), "fields.body");
            QVERIFY2(reason.find(reasonPart) != std::string::npos, (reason + " / " + r.body).c_str());
        };
        expectBodyError(call("POST", path, worker.token, json::object{}), "required");
        expectBodyError(call("POST", path, worker.token, json::object{{"body", nullptr}}), "required");
        expectBodyError(say(path, worker.token, ""), "empty");
        expectBodyError(say(path, worker.token, " \n\t "), "empty");
        expectBodyError(say(path, worker.token, repeat("x", 5001)), "at most 5000");
        expectBodyError(say(path, worker.token, std::string("bell\x07") + "ring"), "control");
        expectBodyError(say(path, worker.token, std::string("nul\0byte", 8)), "control");
        expectBodyError(say(path, worker.token, "esc\x1b[31m"), "control");
        expectBodyError(call("POST", path, worker.token, json::object{{"body", 42}}), "string");
        expectBodyError(call("POST", path, worker.token, json::object{{"body", json::array{"a"}}}), "string");
        // Malformed JSON, and JSON that is not an object.
        for (const std::string raw : {"{", "[1,2]", "\"text\"", "null", "{\"body\": \"unterminated}"}) {
            const auto r = m_srv->client().request(
                "POST", path, raw,
                {{"Authorization", "Bearer " + worker.token}, {"Content-Type", "application/json"}});
            EXPECT_ERROR(r, 400, "VALIDATION");
        }
        // Nothing above was stored or notified.
        auto r = call("GET", path, owner.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(0));
        QVERIFY(findBy(notifications(owner), "notifications", "type", "message.received").is_null());

        // The limits are inclusive and measured in characters, not bytes; tab, CR and LF are fine.
        r = say(path, worker.token, repeat("y", 5000));
        EXPECT_STATUS(r, 201);
        QCOMPARE(S(r.json(), "message.body").size(), std::size_t(5000));
        r = say(path, worker.token, repeat("\xc3\xa9", 5000)); // é x 5000 = 10000 bytes
        EXPECT_STATUS(r, 201);
        r = say(path, worker.token, "a\tb\r\nc \xf0\x9f\x99\x82");
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "message.body"), "a\tb\r\nc \xf0\x9f\x99\x82");
        r = say(path, worker.token, "x");
        EXPECT_STATUS(r, 201);
        expectBodyError(say(path, worker.token, repeat("\xc3\xa9", 5001)), "at most 5000");
        r = call("GET", path, owner.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(4));
    }

    void directMessages()
    {
        const auto alice = m_srv->registerMember("dm_alice");
        const auto bob = m_srv->registerMember("dm_bob");
        const auto carol = m_srv->registerMember("dm_carol");

        auto r = call("POST", "/api/agent/messages", alice.token,
                      json::object{{"toProfileId", bob.id}, {"body", " Hi Bob "}});
        EXPECT_STATUS(r, 201);
        const std::string threadId = S(r.json(), "message.threadId");
        QCOMPARE_STR(threadId, alice.id < bob.id ? "thr_dm_" + alice.id + "_" + bob.id
                                                 : "thr_dm_" + bob.id + "_" + alice.id);
        QCOMPARE_STR(S(r.json(), "message.kind"), "direct");
        QCOMPARE_STR(S(r.json(), "message.body"), "Hi Bob");
        QCOMPARE_STR(S(r.json(), "message.recipient.handle"), "dm_bob");
        auto n = findBy(notifications(bob), "notifications", "type", "message.received");
        QVERIFY(!n.is_null());
        QCOMPARE_STR(S(n, "entityType"), "profile");
        QCOMPARE_STR(S(n, "entityId"), alice.id);
        QVERIFY(S(n, "message").find("dm_alice") != std::string::npos);

        r = call("POST", "/api/agent/messages", bob.token,
                 json::object{{"toProfileId", alice.id}, {"body", "Hi Alice"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "message.threadId"), threadId); // one conversation whoever writes
        EXPECT_STATUS(call("POST", "/api/agent/messages", alice.token,
                           json::object{{"toProfileId", carol.id}, {"body", "Hi Carol"}}),
                      201);

        r = call("GET", "/api/agent/messages?with=" + alice.id, bob.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "messages"), std::size_t(2));
        QCOMPARE_STR(S(r.json(), "messages.0.body"), "Hi Alice");
        r = call("GET", "/api/agent/messages", alice.token); // sent and received
        QCOMPARE(N(r.json(), "messages"), std::size_t(3));
        QCOMPARE_STR(S(r.json(), "messages.0.body"), "Hi Carol");
        QCOMPARE_STR(S(r.json(), "messages.2.body"), "Hi Bob");
        r = call("GET", "/api/agent/messages", bob.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(2)); // not Alice's note to Carol
        // Carol cannot read Alice and Bob's conversation by naming either of them.
        r = call("GET", "/api/agent/messages?with=" + bob.id, carol.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "messages"), std::size_t(0));
        r = call("GET", "/api/agent/messages?with=" + alice.id, carol.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(1));
        QVERIFY(r.body.find("Hi Bob") == std::string::npos);
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", carol.token, json::object{{"threadId", threadId}}), 404,
            "NOT_FOUND");

        // Refusals.
        const std::string ghost = "prf_" + std::string(28, '0');
        EXPECT_ERROR(call("POST", "/api/agent/messages", alice.token,
                          json::object{{"toProfileId", ghost}, {"body", "hello?"}}),
                     404, "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/agent/messages?with=" + ghost, alice.token), 404, "NOT_FOUND");
        r = call("POST", "/api/agent/messages", alice.token,
                 json::object{{"toProfileId", alice.id}, {"body", "note to self"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(!S(r.json(), "fields.toProfileId").empty());
        r = call("POST", "/api/agent/messages", alice.token, json::object{{"body", "to whom?"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(S(r.json(), "fields.toProfileId").find("required") != std::string::npos);
        r = call("POST", "/api/agent/messages", alice.token,
                 json::object{{"toProfileId", 12}, {"body", repeat("z", 5001)}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(!S(r.json(), "fields.toProfileId").empty());
        QVERIFY(!S(r.json(), "fields.body").empty());
        r = call("POST", "/api/agent/messages", alice.token, json::object{{"toProfileId", bob.id}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(!S(r.json(), "fields.body").empty());
        r = call("POST", "/api/agent/messages", alice.token,
                 json::object{{"toProfileId", bob.id}, {"body", "tab\tok but \x01 not"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(S(r.json(), "fields.body").find("control") != std::string::npos);

        // Scopes.
        const std::string reader = narrowToken(alice, json::array{"messages:read"});
        const std::string writer = narrowToken(alice, json::array{"messages:write"});
        EXPECT_ERROR(
            call("POST", "/api/agent/messages", reader, json::object{{"toProfileId", bob.id}, {"body", "x"}}),
            403, "MISSING_SCOPE");
        EXPECT_ERROR(call("GET", "/api/agent/messages", writer), 403, "MISSING_SCOPE");
        EXPECT_ERROR(call("GET", "/api/agent/threads", writer), 403, "MISSING_SCOPE");
        EXPECT_STATUS(call("GET", "/api/agent/messages", reader), 200);
        EXPECT_ERROR(call("GET", "/api/agent/messages"), 401, "UNAUTHORIZED");
        EXPECT_ERROR(
            call("POST", "/api/agent/messages", "", json::object{{"toProfileId", bob.id}, {"body", "x"}}),
            401, "UNAUTHORIZED");

        // An Idempotency-Key sends once.
        const json::object body{{"toProfileId", bob.id}, {"body", "exactly once"}};
        const auto a1 =
            call("POST", "/api/agent/messages", alice.token, body, {{"Idempotency-Key", "dm-once-1"}});
        const auto a2 =
            call("POST", "/api/agent/messages", alice.token, body, {{"Idempotency-Key", "dm-once-1"}});
        EXPECT_STATUS(a1, 201);
        EXPECT_STATUS(a2, 201);
        QCOMPARE_STR(S(a1.json(), "message.id"), S(a2.json(), "message.id"));
        r = call("GET", "/api/agent/messages?with=" + alice.id, bob.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(3));
    }

    void threadsInboxAndUnreadCounts()
    {
        const auto owner = m_srv->registerMember("in_owner");
        const auto worker = m_srv->registerMember("in_worker");
        const auto friendly = m_srv->registerMember("in_friend");
        const auto stranger = m_srv->registerMember("in_stranger");

        // A task comment thread, a bid thread, a contract thread and a direct conversation.
        const std::string commentTask = postTask(owner, "Comment thread task");
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + commentTask + "/comments", worker.token,
                           json::object{{"body", "Public question about scope"}}),
                      201);
        const std::string hireTask = postTask(owner, "Hire thread task", true);
        const std::string bidId = bid(worker, hireTask);
        EXPECT_STATUS(say("/api/agent/bids/" + bidId + "/messages", worker.token, "About my bid"), 201);
        const std::string contractId = hire(owner, hireTask, bidId);
        EXPECT_STATUS(say("/api/agent/contracts/" + contractId + "/messages", owner.token, "Kick-off notes"),
                      201);
        EXPECT_STATUS(call("POST", "/api/agent/messages", friendly.token,
                           json::object{{"toProfileId", owner.id}, {"body", "Lunch?"}}),
                      201);

        const std::string tTask = "thr_task_" + commentTask, tBid = "thr_bid_" + bidId,
                          tContract = "thr_contract_" + contractId;
        auto inbox = threads(owner.token);
        QCOMPARE(N(inbox, "threads"), std::size_t(4));
        QVERIFY(get(inbox, "nextCursor").is_null());
        // Newest activity first.
        QCOMPARE_STR(S(inbox, "threads.0.kind"), "direct");
        QCOMPARE_STR(S(inbox, "threads.1.id"), tContract);
        QCOMPARE_STR(S(inbox, "threads.2.id"), tBid);
        QCOMPARE_STR(S(inbox, "threads.3.id"), tTask);
        const std::string tDirect = S(inbox, "threads.0.id");
        QVERIFY(tDirect.rfind("thr_dm_", 0) == 0);
        QCOMPARE_STR(S(inbox, "threads.0.subject"), "in_friend"); // the other party's display name
        QCOMPARE_STR(S(inbox, "threads.3.subject"), "Comment thread task");
        QVERIFY(S(inbox, "threads.2.subject").find("Hire thread task") != std::string::npos);
        QVERIFY(S(inbox, "threads.1.subject").find("Hire thread task") != std::string::npos);
        QCOMPARE_STR(S(inbox, "threads.1.contractId"), contractId);
        QCOMPARE_STR(S(inbox, "threads.2.bidId"), bidId);
        QCOMPARE_STR(S(inbox, "threads.3.taskId"), commentTask);
        // Last messages and who is in each thread.
        QCOMPARE_STR(S(inbox, "threads.0.lastMessage.body"), "Lunch?");
        QCOMPARE_STR(S(inbox, "threads.0.lastMessage.authorId"), friendly.id);
        QVERIFY(!S(inbox, "threads.0.lastMessage.createdAt").empty());
        QCOMPARE_STR(S(inbox, "threads.3.lastMessage.body"), "Public question about scope");
        QVERIFY(S(inbox, "threads.3.lastMessage.id").rfind("cmt_", 0) == 0);
        for (const auto& [idx, other] : std::vector<std::pair<int, std::string>>{
                 {0, friendly.id}, {1, worker.id}, {2, worker.id}, {3, worker.id}}) {
            const auto t = get(inbox, "threads." + std::to_string(idx));
            QCOMPARE(N(t, "participants"), std::size_t(2));
            std::set<std::string> ids{S(t, "participants.0.id"), S(t, "participants.1.id")};
            QVERIFY((ids == std::set<std::string>{owner.id, other}));
        }
        // Unread: others' messages after the read mark; one's own never count.
        QCOMPARE(I(inbox, "threads.0.unreadCount"), 1LL);
        QCOMPARE(I(inbox, "threads.1.unreadCount"), 0LL);
        QCOMPARE(I(inbox, "threads.2.unreadCount"), 1LL);
        QCOMPARE(I(inbox, "threads.3.unreadCount"), 1LL);

        auto w = threads(worker.token);
        QCOMPARE(N(w, "threads"), std::size_t(3));
        QCOMPARE_STR(S(w, "threads.0.id"), tContract);
        QCOMPARE(I(w, "threads.0.unreadCount"), 1LL);
        QCOMPARE(I(w, "threads.1.unreadCount"), 0LL);
        QCOMPARE(I(w, "threads.2.unreadCount"), 0LL);
        auto f = threads(friendly.token);
        QCOMPARE(N(f, "threads"), std::size_t(1));
        QCOMPARE_STR(S(f, "threads.0.id"), tDirect);
        QCOMPARE_STR(S(f, "threads.0.subject"), "in_owner");
        QCOMPARE(N(threads(stranger.token), "threads"), std::size_t(0));

        // Reading brings the count down ...
        auto r = call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", tBid}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "thread.id"), tBid);
        QCOMPARE(I(r.json(), "thread.unreadCount"), 0LL);
        QCOMPARE_STR(S(r.json(), "thread.lastReadMessageId"), S(r.json(), "thread.lastMessage.id"));
        inbox = threads(owner.token);
        QCOMPARE(I(findBy(inbox, "threads", "id", tBid), "unreadCount"), 0LL);
        QCOMPARE(I(findBy(inbox, "threads", "id", tDirect), "unreadCount"), 1LL); // the others untouched
        // ... new messages bring it up and the thread to the top ...
        EXPECT_STATUS(say("/api/agent/bids/" + bidId + "/messages", worker.token, "One more thing"), 201);
        EXPECT_STATUS(say("/api/agent/bids/" + bidId + "/messages", worker.token, "And another"), 201);
        inbox = threads(owner.token);
        QCOMPARE_STR(S(inbox, "threads.0.id"), tBid);
        QCOMPARE(I(inbox, "threads.0.unreadCount"), 2LL);
        QCOMPARE_STR(S(inbox, "threads.0.lastMessage.body"), "And another");
        // ... one's own reply does not ...
        EXPECT_STATUS(say("/api/agent/bids/" + bidId + "/messages", owner.token, "Noted"), 201);
        inbox = threads(owner.token);
        QCOMPARE(I(inbox, "threads.0.unreadCount"), 2LL);
        QCOMPARE(I(findBy(threads(worker.token), "threads", "id", tBid), "unreadCount"), 1LL);
        // ... and reading again clears it; reading twice is harmless.
        EXPECT_STATUS(call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", tBid}}),
                      200);
        r = call("POST", "/api/agent/threads/read", owner.token,
                 json::object{{"threadId", " " + tBid + " "}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(I(r.json(), "thread.unreadCount"), 0LL);
        QCOMPARE(I(findBy(threads(owner.token), "threads", "id", tBid), "unreadCount"), 0LL);

        // Task threads: the owner and every commenter are in them; comments count as messages.
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + commentTask + "/comments", stranger.token,
                           json::object{{"body", "I have a question too"}}),
                      201);
        inbox = threads(owner.token);
        QCOMPARE_STR(S(inbox, "threads.0.id"), tTask);
        QCOMPARE(I(inbox, "threads.0.unreadCount"), 2LL);
        QCOMPARE(N(inbox, "threads.0.participants"), std::size_t(3));
        QCOMPARE(I(inbox, "threads.0.participantCount"), 3LL);
        auto s = threads(stranger.token);
        QCOMPARE(N(s, "threads"), std::size_t(1));
        QCOMPARE_STR(S(s, "threads.0.id"), tTask);
        QCOMPARE(I(s, "threads.0.unreadCount"), 1LL); // the worker's earlier comment
        EXPECT_STATUS(call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", tTask}}),
                      200);
        QCOMPARE(I(findBy(threads(owner.token), "threads", "id", tTask), "unreadCount"), 0LL);
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + commentTask + "/comments", owner.token,
                           json::object{{"body", "Answering both of you"}}),
                      201);
        QCOMPARE(I(findBy(threads(owner.token), "threads", "id", tTask), "unreadCount"), 0LL);
        QCOMPARE(I(findBy(threads(stranger.token), "threads", "id", tTask), "unreadCount"), 2LL);

        // Marking read: foreign, unknown and malformed thread ids.
        for (const auto& foreign : std::vector<std::string>{tBid, tContract, tDirect, "thr_nope",
                                                            "thr_task_" + hireTask, "thr_bid_"}) {
            r = call("POST", "/api/agent/threads/read", stranger.token, json::object{{"threadId", foreign}});
            EXPECT_ERROR(r, 404, "NOT_FOUND");
        }
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", friendly.token, json::object{{"threadId", tContract}}),
            404, "NOT_FOUND");
        r = call("POST", "/api/agent/threads/read", owner.token, json::object{});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(S(r.json(), "fields.threadId").find("required") != std::string::npos);
        r = call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", 7}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(!S(r.json(), "fields.threadId").empty());
        EXPECT_ERROR(call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", "   "}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/threads/read", owner.token,
                          json::object{{"threadId", repeat("t", 300)}}),
                     400, "VALIDATION");
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", owner.token, json::object{{"threadId", "thr_\x01"}}), 404,
            "NOT_FOUND");
        // Scopes: own thread with a read-only token is 403, a foreign one still 404.
        const std::string ownerReader = narrowToken(owner, json::array{"messages:read"});
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", ownerReader, json::object{{"threadId", tDirect}}), 403,
            "MISSING_SCOPE");
        EXPECT_ERROR(call("POST", "/api/agent/threads/read", ownerReader, json::object{}), 403,
                     "MISSING_SCOPE");
        const std::string strangerWriter = narrowToken(stranger, json::array{"messages:write"});
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", strangerWriter, json::object{{"threadId", tDirect}}), 404,
            "NOT_FOUND");
        EXPECT_STATUS(
            call("POST", "/api/agent/threads/read", strangerWriter, json::object{{"threadId", tTask}}), 200);
        EXPECT_ERROR(call("GET", "/api/agent/threads", strangerWriter), 403, "MISSING_SCOPE");
        EXPECT_STATUS(call("GET", "/api/agent/threads", ownerReader), 200);
        QCOMPARE(I(findBy(threads(owner.token), "threads", "id", tDirect), "unreadCount"),
                 1LL); // still unread

        // A task made unlisted drops out of the inbox of a commenter who is no party to it.
        EXPECT_STATUS(
            call("PATCH", "/api/tasks/" + commentTask, owner.token, json::object{{"visibility", "unlisted"}}),
            200);
        QVERIFY(findBy(threads(stranger.token), "threads", "id", tTask).is_null());
        EXPECT_ERROR(
            call("POST", "/api/agent/threads/read", stranger.token, json::object{{"threadId", tTask}}), 404,
            "NOT_FOUND");
        QVERIFY(!findBy(threads(owner.token), "threads", "id", tTask).is_null());
    }

    void paging()
    {
        const auto owner = m_srv->registerMember("pg_owner");
        const auto worker = m_srv->registerMember("pg_worker");

        // Seven task threads for the worker, active in creation order.
        std::vector<std::string> expected;
        for (int i = 0; i < 7; ++i) {
            const std::string t = postTask(owner, "Paged task " + std::to_string(i));
            EXPECT_STATUS(call("POST", "/api/agent/tasks/" + t + "/comments", worker.token,
                               json::object{{"body", "comment " + std::to_string(i)}}),
                          201);
            expected.insert(expected.begin(), "thr_task_" + t);
        }
        std::vector<std::string> seen;
        std::string cursor;
        int pages = 0;
        do {
            const auto page =
                threads(worker.token, "?limit=3" + (cursor.empty() ? std::string() : "&cursor=" + cursor));
            QVERIFY(N(page, "threads") <= 3);
            const auto list = get(page, "threads");
            for (const auto& t : list.as_array())
                seen.push_back(S(t, "id"));
            const auto next = get(page, "nextCursor");
            cursor = next.is_string() ? std::string(next.as_string()) : std::string();
            ++pages;
        } while (!cursor.empty() && pages < 10);
        QCOMPARE(pages, 3);
        QVERIFY(seen == expected);

        // Activity moves a thread to the front.
        const std::string oldest = expected.back().substr(std::string("thr_task_").size());
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + oldest + "/comments", owner.token,
                           json::object{{"body", "bump"}}),
                      201);
        auto page = threads(worker.token, "?limit=2");
        QCOMPARE_STR(S(page, "threads.0.id"), "thr_task_" + oldest);
        QCOMPARE(I(page, "threads.0.unreadCount"), 1LL);
        QVERIFY(get(page, "nextCursor").is_string());

        // Messages in a thread, and direct messages, page newest first without overlap.
        const std::string hireTask = postTask(owner, "Paged bid task", true);
        const std::string bidId = bid(worker, hireTask);
        const std::string path = "/api/agent/bids/" + bidId + "/messages";
        for (int i = 0; i < 5; ++i)
            EXPECT_STATUS(say(path, i % 2 ? owner.token : worker.token, "bid message " + std::to_string(i)),
                          201);
        for (int i = 0; i < 5; ++i)
            EXPECT_STATUS(call("POST", "/api/agent/messages", i % 2 ? owner.token : worker.token,
                               json::object{{"toProfileId", i % 2 ? worker.id : owner.id},
                                            {"body", "dm " + std::to_string(i)}}),
                          201);
        for (const auto& base :
             std::vector<std::string>{path, "/api/agent/messages", "/api/agent/messages?with=" + owner.id}) {
            std::vector<std::string> bodies;
            std::string cur;
            int n = 0;
            do {
                const std::string sep = base.find('?') == std::string::npos ? "?" : "&";
                const auto r =
                    call("GET", base + sep + "limit=2" + (cur.empty() ? std::string() : "&cursor=" + cur),
                         worker.token);
                EXPECT_STATUS(r, 200);
                const auto list = get(r.json(), "messages");
                for (const auto& m : list.as_array())
                    bodies.push_back(S(m, "body"));
                const auto next = get(r.json(), "nextCursor");
                cur = next.is_string() ? std::string(next.as_string()) : std::string();
                ++n;
            } while (!cur.empty() && n < 10);
            QCOMPARE(n, 3);
            QCOMPARE(bodies.size(), std::size_t(5));
            const std::string prefix = base == path ? "bid message " : "dm ";
            for (int i = 0; i < 5; ++i)
                QCOMPARE_STR(bodies[static_cast<std::size_t>(i)], prefix + std::to_string(4 - i));
        }

        // Bad paging parameters are 400, never 500.
        for (const auto& q : std::vector<std::string>{"?limit=0", "?limit=101", "?limit=abc", "?limit=-1",
                                                      "?cursor=NOT_A_CURSOR", "?cursor=" + repeat("a", 65),
                                                      "?cursor=zzzz", "?cursor=thr_bid_x"}) {
            EXPECT_ERROR(call("GET", "/api/agent/threads" + q, worker.token), 400, "VALIDATION");
        }
        for (const std::string q : {"?limit=0", "?limit=101", "?cursor=BAD"})
            EXPECT_ERROR(call("GET", path + q, worker.token), 400, "VALIDATION");
        EXPECT_STATUS(call("GET", path + "?cursor=%00", worker.token), 400); // refused by the transport
        // A well-formed cursor past the end is an empty page.
        page = threads(worker.token, "?cursor=" + std::string(28, '0'));
        QCOMPARE(N(page, "threads"), std::size_t(0));
        QVERIFY(get(page, "nextCursor").is_null());
    }

    void concurrentPostersKeepTheThreadConsistent()
    {
        const auto owner = m_srv->registerMember("cc_owner");
        const auto worker = m_srv->registerMember("cc_worker");
        const std::string taskId = postTask(owner, "Concurrent thread task", true);
        const std::string bidId = bid(worker, taskId);
        const std::string path = "/api/agent/bids/" + bidId + "/messages";
        std::atomic<int> created{0}, failures{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < 4; ++t)
            pool.emplace_back([&, t] {
                const auto client = m_srv->client();
                for (int i = 0; i < 8; ++i) {
                    const auto r = client.call(
                        "POST", path, t % 2 ? owner.token : worker.token,
                        json::object{{"body", "t" + std::to_string(t) + " m" + std::to_string(i)}});
                    (r.status == 201 ? created : failures)++;
                }
            });
        for (auto& th : pool)
            th.join();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(created.load(), 32);
        const auto r = call("GET", path + "?limit=100", owner.token);
        QCOMPARE(N(r.json(), "messages"), std::size_t(32));
        const auto inbox = threads(owner.token);
        QCOMPARE(N(inbox, "threads"), std::size_t(1));
        QCOMPARE_STR(S(inbox, "threads.0.lastMessage.id"), S(r.json(), "messages.0.id")); // the newest one
        QCOMPARE(I(inbox, "threads.0.unreadCount"), 16LL);
        QCOMPARE(I(threads(worker.token), "threads.0.unreadCount"), 16LL);
    }

    void noServerErrorOnAnyInput()
    {
        const auto owner = m_srv->registerMember("fz_owner");
        const auto worker = m_srv->registerMember("fz_worker");
        const std::string taskId = postTask(owner, "Fuzz task", true);
        const std::string bidId = bid(worker, taskId);
        const std::string contractId = hire(owner, taskId, bidId);
        const std::vector<std::string> ids = {bidId,
                                              contractId,
                                              "",
                                              "%00",
                                              "..%2F..",
                                              "%E2%82%AC",
                                              "'; DROP TABLE messages; --",
                                              repeat("a", 2000),
                                              "bid_%27%22",
                                              "thr_bid_" + bidId};
        const std::vector<std::string> bodies = {"",
                                                 "{}",
                                                 "[]",
                                                 "null",
                                                 "true",
                                                 "1e999",
                                                 "\"x\"",
                                                 "{\"body\":{}}",
                                                 "{\"body\":\"\\u0000\"}",
                                                 "{\"body\":\"\\ud800\"}",
                                                 "{\"body\":\"ok\",\"extra\":[1,2,3]}",
                                                 "{\"toProfileId\":\"" + worker.id + "\",\"body\":\"fine\"}",
                                                 "{\"threadId\":{\"$ne\":null}}",
                                                 "\xff\xfe"};
        std::vector<std::string> targets;
        for (const auto& id : ids) {
            targets.push_back("/api/agent/bids/" + id + "/messages");
            targets.push_back("/api/agent/contracts/" + id + "/messages");
        }
        targets.push_back("/api/agent/messages");
        targets.push_back("/api/agent/messages?with=%00");
        targets.push_back("/api/agent/messages?with=" + repeat("p", 3000));
        targets.push_back("/api/agent/messages?with=" + owner.id + "&limit=1&cursor=msg_zz");
        targets.push_back("/api/agent/threads?limit=5&cursor=" + std::string(28, 'f'));
        targets.push_back("/api/agent/threads/read");
        int calls = 0;
        for (const auto& target : targets) {
            for (const auto& token : {owner.token, worker.token}) {
                auto r = m_srv->client().request("GET", target, {}, {{"Authorization", "Bearer " + token}});
                QVERIFY2(r.status > 0 && r.status < 500,
                         (target + " -> " + std::to_string(r.status) + " " + r.body).c_str());
                ++calls;
                for (const auto& b : bodies) {
                    r = m_srv->client().request(
                        "POST", target, b,
                        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
                    QVERIFY2(r.status > 0 && r.status < 500,
                             (target + " " + b + " -> " + std::to_string(r.status) + " " + r.body).c_str());
                    ++calls;
                }
            }
        }
        QVERIFY(calls > 500);
        // The one valid message above was sent, twice per target; the inbox still works.
        const auto inbox = threads(worker.token);
        QVERIFY(N(inbox, "threads") >= 1);
    }
};

TASKDESK_API_TEST_MAIN(ApiConversationsTest)
#include "tst_api_conversations.moc"
