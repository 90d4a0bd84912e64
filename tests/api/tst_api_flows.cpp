// End-to-end flows over real HTTP, one fresh server (and database) per test:
// OpenTask's (seed 003) buyer and worker loops call for call, the off-platform
// variant, rejections and the submission limit, claim and open modes, automatic
// acceptance and the payout hold, cancellation, splitting, budget edits,
// counter-offers, mutual cancellation, account self-service, pagination and the
// wallet's transaction list. Every money figure is checked in integer cents;
// cleanup() checks the ledger after each test.
#include "ApiExpect.h"
#include "JsonPath.h"
#include "TestServer.h"

#include <QByteArray>
#include <QRandomGenerator>
#include <QString>
#include <QTest>
#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

constexpr long long kMissing = LLONG_MIN;

json::value get(const json::value& root, const std::string& path)
{
    return taskdesk::test::jsonPath(root, path);
}

bool has(const json::value& root, const std::string& path)
{
    // Distinguishes a member that is present (even as null) from one that is absent.
    const auto dot = path.rfind('.');
    const json::value parent = dot == std::string::npos ? root : get(root, path.substr(0, dot));
    const std::string last = dot == std::string::npos ? path : path.substr(dot + 1);
    return parent.is_object() && parent.as_object().contains(last);
}

std::string S(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_string() ? std::string(v.as_string())
                         : std::string("<not a string: ") + json::serialize(v) + ">";
}

// A money value (number with at most 2 decimals) in cents.
long long C(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    if (v.is_int64())
        return v.as_int64() * 100;
    if (v.is_uint64())
        return static_cast<long long>(v.as_uint64()) * 100;
    if (v.is_double())
        return std::llround(v.as_double() * 100.0);
    return kMissing;
}

long long I(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    if (v.is_int64())
        return v.as_int64();
    if (v.is_uint64())
        return static_cast<long long>(v.as_uint64());
    return kMissing;
}

std::size_t N(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_array() ? v.as_array().size() : static_cast<std::size_t>(-1);
}

// The array at path (empty when absent), safe to iterate.
json::array arr(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_array() ? v.as_array() : json::array{};
}

bool isTrue(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_bool() && v.as_bool();
}

bool isFalse(const json::value& root, const std::string& path)
{
    const auto v = get(root, path);
    return v.is_bool() && !v.as_bool();
}

bool isNull(const json::value& root, const std::string& path)
{
    return has(root, path) && get(root, path).is_null();
}

// A JSON money amount from cents (integers stay integers).
json::value amt(long long cents)
{
    if (cents % 100 == 0)
        return json::value(cents / 100);
    return json::value(static_cast<double>(cents) / 100.0);
}

// The elements of the array at path whose member `key` equals `value`.
std::vector<json::value> where(const json::value& root, const std::string& path, const std::string& key,
                               const std::string& value)
{
    std::vector<json::value> out;
    const auto arr = get(root, path);
    if (!arr.is_array())
        return out;
    for (const auto& e : arr.as_array())
        if (S(e, key) == value)
            out.push_back(e);
    return out;
}

json::value first(const std::vector<json::value>& v)
{
    return v.empty() ? json::value(nullptr) : v.front();
}

std::multiset<std::string> strings(const json::value& root, const std::string& path, const std::string& key)
{
    std::multiset<std::string> out;
    const auto arr = get(root, path);
    if (arr.is_array())
        for (const auto& e : arr.as_array())
            out.insert(S(e, key));
    return out;
}

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string randomKeyBase64(int bytes)
{
    QByteArray raw(bytes, '\0');
    for (int i = 0; i < bytes; ++i)
        raw[i] = static_cast<char>(QRandomGenerator::global()->bounded(256));
    return raw.toBase64().toStdString();
}

} // namespace

#define GUARD                                                                                                \
    if (QTest::currentTestFailed())                                                                          \
    return
#define QCOMPARE_STR(a, b) QCOMPARE(qs(a), qs(std::string(b)))
#define CHECK_WALLET(tok, a, p, e)                                                                           \
    do {                                                                                                     \
        checkWallet((tok), (a), (p), (e), __LINE__);                                                         \
        GUARD;                                                                                               \
    } while (0)

class ApiFlowsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    using Member = TestServer::Member;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    void fail(const std::string& what, int line)
    {
        QTest::qFail(("line " + std::to_string(line) + ": " + what).c_str(), __FILE__, line);
    }

    void checkWallet(const std::string& token, long long available, long long pending, long long escrow,
                     int line)
    {
        const auto r = call("GET", "/api/agent/wallet", token);
        QVERIFY2(r.status == 200, describeReply(r, 200, line).c_str());
        const auto j = r.json();
        const long long a = C(j, "wallet.available"), p = C(j, "wallet.pending"), e = C(j, "wallet.escrow");
        QVERIFY2(a == available && p == pending && e == escrow,
                 ("line " + std::to_string(line) +
                  ": wallet (available, pending, escrow) in cents: expected (" + std::to_string(available) +
                  ", " + std::to_string(pending) + ", " + std::to_string(escrow) + "), got (" +
                  std::to_string(a) + ", " + std::to_string(p) + ", " + std::to_string(e) + ")")
                     .c_str());
        QCOMPARE_STR(S(j, "wallet.currency"), "CREDITS");
    }

    // Posts a task (title and description filled in when absent); "" and a failure otherwise.
    std::string newTask(const std::string& token, json::object body, int line)
    {
        if (!body.contains("title"))
            body["title"] = "A task for the flow tests";
        if (!body.contains("description"))
            body["description"] = "Do the described work carefully and report back.";
        const auto r = call("POST", "/api/agent/tasks", token, body);
        if (r.status != 201) {
            fail("task creation failed: " + std::to_string(r.status) + " " + r.body, line);
            return {};
        }
        return S(r.json(), "task.id");
    }

    std::string newBid(const std::string& token, const std::string& taskId, long long cents, int line)
    {
        const auto r =
            call("POST", "/api/agent/tasks/" + taskId + "/bids", token,
                 json::object{{"proposedAmount", amt(cents)}, {"etaDays", 2}, {"approach", "Plan: do it."}});
        if (r.status != 201) {
            fail("bid failed: " + std::to_string(r.status) + " " + r.body, line);
            return {};
        }
        return S(r.json(), "bid.id");
    }

    std::string hireBid(const std::string& token, const std::string& taskId, const std::string& bidId,
                        int line)
    {
        const auto r =
            call("POST", "/api/agent/contracts", token, json::object{{"taskId", taskId}, {"bidId", bidId}});
        if (r.status != 201) {
            fail("hire failed: " + std::to_string(r.status) + " " + r.body, line);
            return {};
        }
        return S(r.json(), "contract.id");
    }

    void submitWork(const std::string& token, const std::string& contractId, int line)
    {
        const auto r = call("POST", "/api/agent/contracts/" + contractId + "/submissions", token,
                            json::object{{"deliverableUrl", "https://example.com/pr/" + std::to_string(line)},
                                         {"notes", "What changed: everything asked."}});
        if (r.status != 201)
            fail("submission failed: " + std::to_string(r.status) + " " + r.body, line);
    }

    void decide(const std::string& token, const std::string& contractId, const json::object& body, int line)
    {
        const auto r = call("POST", "/api/agent/contracts/" + contractId + "/decision", token, body);
        if (r.status != 200)
            fail("decision failed: " + std::to_string(r.status) + " " + r.body, line);
    }

    struct Deal
    {
        std::string task, bid, contract;
    };
    // A CREDITS task with `budget`, one bid at `price`, hired.
    Deal bidAndHire(const Member& owner, const Member& worker, long long budget, long long price, int line,
                    json::object extra = {})
    {
        Deal d;
        extra["budgetAmount"] = amt(budget);
        extra["budgetCurrency"] = "CREDITS";
        d.task = newTask(owner.token, extra, line);
        if (d.task.empty())
            return d;
        d.bid = newBid(worker.token, d.task, price, line);
        if (d.bid.empty())
            return d;
        d.contract = hireBid(owner.token, d.task, d.bid, line);
        return d;
    }

    std::string status(const std::string& token, const std::string& target, const std::string& path)
    {
        const auto r = call("GET", target, token);
        if (r.status != 200)
            return "<HTTP " + std::to_string(r.status) + ">";
        return S(r.json(), path);
    }

    std::multiset<std::string> notificationTypes(const std::string& token, bool unreadOnly)
    {
        const auto r = call(
            "GET", std::string("/api/agent/notifications?limit=100") + (unreadOnly ? "&unreadOnly=1" : ""),
            token);
        return strings(r.json(), "notifications", "type");
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
        QCOMPARE(l.negativeAccounts, 0LL);
        QCOMPARE(l.mismatchedAccounts, 0LL);
        m_srv.reset();
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Seed 003's hiring agent, call for call: register -> post -> list (bidCount) -> detail
    //    (bidSummary) -> bids -> bid detail -> hire -> contracts?role=buyer -> decision -> reviews.
    void buyerLoopSeed003()
    {
        auto r = call("POST", "/api/agent/register", "",
                      json::object{{"email", "my-agent@example.com"},
                                   {"password", "securepass123"},
                                   {"handle", "my_agent"},
                                   {"displayName", "My Agent"}});
        EXPECT_STATUS(r, 201);
        auto j = r.json();
        const std::string buyerId = S(j, "profile.id");
        QVERIFY2(buyerId.rfind("prf_", 0) == 0, buyerId.c_str());
        QCOMPARE_STR(S(j, "profile.kind"), "agent");
        QCOMPARE_STR(S(j, "profile.handle"), "my_agent");
        QCOMPARE_STR(S(j, "profile.displayName"), "My Agent");
        QVERIFY(get(j, "profile.createdAt").is_string());
        QVERIFY(S(j, "token.id").rfind("tok_", 0) == 0);
        QCOMPARE_STR(S(j, "token.name"), "bootstrap");
        {
            std::set<std::string> sc;
            for (const auto& s : arr(j, "token.scopes"))
                sc.insert(std::string(s.as_string()));
            for (const char* need : {"tasks:read", "tasks:write", "bids:read", "contracts:write",
                                     "decision:write", "reviews:write", "reviews:read"})
                QVERIFY2(sc.count(need), need);
            QVERIFY(!sc.count("support:read"));
        }
        const std::string buyer = S(j, "tokenValue");
        QVERIFY2(buyer.rfind("td_", 0) == 0, buyer.c_str());
        CHECK_WALLET(buyer, 100000, 0, 0); // the registration grant
        const auto w1 = m_srv->registerMember("docs_writer", {"docs"});
        const auto w2 = m_srv->registerMember("docs_rival", {"docs"});

        // Post a task with a structured budget.
        r = call("POST", "/api/agent/tasks", buyer,
                 json::object{{"title", "Write API docs"},
                              {"description", "Document agent flows end-to-end."},
                              {"acceptanceCriteria", json::array{"Every endpoint", "Examples that run"}},
                              {"skillsTags", json::array{"docs"}},
                              {"budgetAmount", 500},
                              {"budgetCurrency", "CREDITS"},
                              {"visibility", "public"}});
        EXPECT_STATUS(r, 201);
        j = r.json();
        const std::string taskId = S(j, "task.id");
        QVERIFY2(taskId.rfind("tsk_", 0) == 0, taskId.c_str());
        QCOMPARE_STR(S(j, "task.status"), "open");
        QCOMPARE_STR(S(j, "task.mode"), "bid");
        QCOMPARE(C(j, "task.budgetAmount"), 50000LL);
        QCOMPARE_STR(S(j, "task.budgetCurrency"), "CREDITS");
        QCOMPARE_STR(S(j, "task.budgetText"), "500 CREDITS");
        QCOMPARE(C(j, "task.escrowAmount"), 50000LL);
        QCOMPARE(I(j, "task.reviewWindowHours"), 72LL);
        QCOMPARE(N(j, "task.acceptanceCriteria"), std::size_t(2));
        QCOMPARE_STR(S(j, "task.owner.id"), buyerId);
        CHECK_WALLET(buyer, 50000, 0, 50000);

        // Two workers bid; an over-budget bid is refused before the duplicate check.
        r = call("POST", "/api/agent/tasks/" + taskId + "/bids", w1.token,
                 json::object{{"proposedAmount", 420.5},
                              {"etaDays", 3},
                              {"approach", "Plan: outline, draft, review."}});
        EXPECT_STATUS(r, 201);
        const std::string bid1 = S(r.json(), "bid.id");
        QVERIFY(bid1.rfind("bid_", 0) == 0);
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 42050LL);
        QCOMPARE_STR(S(r.json(), "bid.status"), "active");
        r = call("POST", "/api/agent/tasks/" + taskId + "/bids", w2.token,
                 json::object{{"priceText", "450 CREDITS"}, {"etaDays", 2}});
        EXPECT_STATUS(r, 201);
        const std::string bid2 = S(r.json(), "bid.id");
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 45000LL);
        QCOMPARE_STR(S(r.json(), "bid.priceText"), "450 CREDITS");
        r = call("POST", "/api/agent/tasks/" + taskId + "/bids", w2.token,
                 json::object{{"proposedAmount", 500.01}});
        EXPECT_ERROR(r, 400, "VALIDATION");

        // GET /api/agent/tasks: bid counts.
        r = call("GET", "/api/agent/tasks", buyer);
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE(N(j, "tasks"), std::size_t(1));
        QCOMPARE_STR(S(j, "tasks.0.id"), taskId);
        QCOMPARE(I(j, "tasks.0.bidCount"), 2LL);
        QVERIFY(isNull(j, "nextCursor"));

        // GET /api/agent/tasks/:id: the owner sees the bid summary, a bidder does not.
        r = call("GET", "/api/agent/tasks/" + taskId, buyer);
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE(I(j, "task.bidSummary.active"), 2LL);
        QCOMPARE(I(j, "task.bidSummary.total"), 2LL);
        QCOMPARE(C(j, "task.bidSummary.lowestAmount"), 42050LL);
        r = call("GET", "/api/agent/tasks/" + taskId, w1.token);
        EXPECT_STATUS(r, 200);
        QVERIFY(!has(r.json(), "task.bidSummary"));

        // GET /api/agent/tasks/:id/bids: owner only, newest first, with bidder info.
        r = call("GET", "/api/agent/tasks/" + taskId + "/bids", buyer);
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE(N(j, "bids"), std::size_t(2));
        QCOMPARE_STR(S(j, "bids.0.id"), bid2);
        QCOMPARE_STR(S(j, "bids.1.id"), bid1);
        QCOMPARE_STR(S(j, "bids.1.bidder.handle"), "docs_writer");
        QCOMPARE_STR(S(j, "bids.1.bidder.id"), w1.id);
        EXPECT_ERROR(call("GET", "/api/agent/tasks/" + taskId + "/bids", w1.token), 403, "FORBIDDEN");

        // GET /api/agent/bids/:id: bidder and owner only.
        r = call("GET", "/api/agent/bids/" + bid1, buyer);
        EXPECT_STATUS(r, 200);
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 42050LL);
        QCOMPARE_STR(S(r.json(), "bid.taskId"), taskId);
        QCOMPARE(I(r.json(), "bid.etaDays"), 3LL);
        EXPECT_STATUS(call("GET", "/api/agent/bids/" + bid1, w1.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/bids/" + bid1, w2.token), 404, "NOT_FOUND");

        // POST /api/agent/contracts: only the owner hires; the surplus above the price is released.
        EXPECT_STATUS(
            call("POST", "/api/agent/contracts", w1.token, json::object{{"taskId", taskId}, {"bidId", bid1}}),
            403);
        r = call("POST", "/api/agent/contracts", buyer, json::object{{"taskId", taskId}, {"bidId", bid1}});
        EXPECT_STATUS(r, 201);
        j = r.json();
        const std::string contractId = S(j, "contract.id");
        QVERIFY(contractId.rfind("ctr_", 0) == 0);
        QCOMPARE_STR(S(j, "contract.status"), "in_progress");
        QCOMPARE_STR(S(j, "contract.kind"), "bid");
        QCOMPARE_STR(S(j, "contract.taskId"), taskId);
        QCOMPARE_STR(S(j, "contract.bidId"), bid1);
        QCOMPARE_STR(S(j, "contract.buyer.id"), buyerId);
        QCOMPARE_STR(S(j, "contract.seller.id"), w1.id);
        QCOMPARE(C(j, "contract.priceAmount"), 42050LL);
        QVERIFY(get(j, "contract.escrowed").is_bool() && isTrue(j, "contract.escrowed"));
        QCOMPARE_STR(S(j, "contract.terms.taskTitle"), "Write API docs");
        CHECK_WALLET(buyer, 57950, 0, 42050);
        QCOMPARE_STR(status(buyer, "/api/agent/bids/" + bid1, "bid.status"), "accepted");
        QCOMPARE_STR(status(buyer, "/api/agent/bids/" + bid2, "bid.status"), "rejected");
        QCOMPARE_STR(status(buyer, "/api/agent/tasks/" + taskId, "task.status"), "assigned");
        EXPECT_ERROR(
            call("POST", "/api/agent/contracts", buyer, json::object{{"taskId", taskId}, {"bidId", bid2}}),
            409, "TASK_NOT_OPEN");
        QVERIFY(notificationTypes(w2.token, true).count("bid.rejected") == 1);

        // GET /api/agent/contracts?role=buyer
        r = call("GET", "/api/agent/contracts?role=buyer", buyer);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "contracts"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "contracts.0.id"), contractId);
        QVERIFY(isNull(r.json(), "nextCursor"));
        r = call("GET", "/api/agent/contracts?role=seller", buyer);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "contracts"), std::size_t(0));
        EXPECT_ERROR(call("GET", "/api/agent/contracts?role=owner", buyer), 400, "VALIDATION");

        // The worker delivers; the buyer accepts.
        submitWork(w1.token, contractId, __LINE__);
        GUARD;
        r = call("POST", "/api/agent/contracts/" + contractId + "/decision", buyer,
                 json::object{{"action", "accept"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.status"), "accepted");
        QVERIFY(get(r.json(), "contract.closedAt").is_string());
        // 420.50 less the fee floor(21.025) = 21.02: 399.48 pending for the hold; the buyer's escrow is
        // spent.
        CHECK_WALLET(buyer, 57950, 0, 0);
        CHECK_WALLET(w1.token, 100000, 39948, 0);
        CHECK_WALLET(w2.token, 100000, 0, 0);
        QCOMPARE_STR(status(buyer, "/api/agent/tasks/" + taskId, "task.status"), "completed");
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/decision", buyer,
                          json::object{{"action", "accept"}}),
                     409, "STATE_CONFLICT");

        // Reviews: once per participant, 1-5, parties only.
        r = call("POST", "/api/agent/contracts/" + contractId + "/reviews", buyer,
                 json::object{{"rating", 5}, {"text", "Excellent work, delivered on time."}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(I(r.json(), "review.rating"), 5LL);
        QCOMPARE_STR(S(r.json(), "review.subjectId"), w1.id);
        QCOMPARE_STR(S(r.json(), "review.authorId"), buyerId);
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/reviews", buyer,
                          json::object{{"rating", 4}}),
                     409, "DUPLICATE_REVIEW");
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/reviews", w1.token,
                          json::object{{"rating", 6}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/reviews", w2.token,
                          json::object{{"rating", 1}}),
                     404, "NOT_FOUND");
        r = call("POST", "/api/agent/contracts/" + contractId + "/reviews", w1.token,
                 json::object{{"rating", 4}, {"text", "Clear brief."}});
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "review.subjectId"), buyerId);
        r = call("GET", "/api/agent/contracts/" + contractId + "/reviews", buyer);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "reviews"), std::size_t(2));
        QCOMPARE(where(r.json(), "reviews", "authorId", buyerId).size(), std::size_t(1));
        QCOMPARE(I(first(where(r.json(), "reviews", "authorId", buyerId)), "rating"), 5LL);
        QCOMPARE(I(first(where(r.json(), "reviews", "authorId", w1.id)), "rating"), 4LL);
    }

    // ---------------------------------------------------------------------------------------------
    // 2. Seed 003's worker agent, call for call: browse -> bid -> bids?status=active ->
    //    contracts?role=seller -> contract -> submit -> submissions -> unread-count ->
    //    notifications?unreadOnly=1 -> mark read.
    void workerLoopSeed003()
    {
        const auto owner = m_srv->registerMember("task_poster");
        const auto worker = m_srv->registerMember("busy_worker", {"auth"});
        const auto stranger = m_srv->registerMember("stranger_one");
        const std::string taskId = newTask(owner.token,
                                           json::object{{"title", "Implement auth flow"},
                                                        {"description", "Add password login and tests."},
                                                        {"skillsTags", json::array{"nextjs", "auth"}},
                                                        {"budgetAmount", 300},
                                                        {"budgetCurrency", "CREDITS"}},
                                           __LINE__);
        GUARD;

        // Discover (public, no token).
        auto r = call("GET", "/api/tasks?sort=new");
        EXPECT_STATUS(r, 200);
        auto found = where(r.json(), "tasks", "id", taskId);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(C(found.front(), "budgetAmount"), 30000LL);
        QCOMPARE_STR(S(found.front(), "budgetCurrency"), "CREDITS");
        QCOMPARE_STR(S(found.front(), "owner.handle"), "task_poster");
        QCOMPARE_STR(S(found.front(), "owner.id"), owner.id);
        QCOMPARE(where(call("GET", "/api/tasks?query=AUTH&sort=new").json(), "tasks", "id", taskId).size(),
                 std::size_t(1));
        QCOMPARE(where(call("GET", "/api/tasks?query=prisma").json(), "tasks", "id", taskId).size(),
                 std::size_t(0));
        QCOMPARE(where(call("GET", "/api/tasks?skill=nextjs").json(), "tasks", "id", taskId).size(),
                 std::size_t(1));
        QCOMPARE(where(call("GET", "/api/tasks?skill=python").json(), "tasks", "id", taskId).size(),
                 std::size_t(0));
        EXPECT_ERROR(call("GET", "/api/tasks?sort=oldest"), 400, "VALIDATION");

        // Bid (priceText as the seed sends it).
        r = call(
            "POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
            json::object{{"priceText", "250 CREDITS"},
                         {"etaDays", 2},
                         {"approach", "Plan: ...\nAssumptions: ...\nQuestions: ...\nVerification: ..."}});
        EXPECT_STATUS(r, 201);
        const std::string bidId = S(r.json(), "bid.id");
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 25000LL);
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                          json::object{{"priceText", "240 CREDITS"}}),
                     409, "DUPLICATE_BID");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/bids", owner.token,
                          json::object{{"priceText", "240 CREDITS"}}),
                     403, "SELF_BID");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/bids", stranger.token,
                          json::object{{"priceText", "240 USDC"}}),
                     400, "VALIDATION"); // a CREDITS task needs a CREDITS price

        // Track the bid.
        r = call("GET", "/api/agent/bids?status=active", worker.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "bids"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "bids.0.id"), bidId);
        QCOMPARE_STR(S(r.json(), "bids.0.task.title"), "Implement auth flow");
        QCOMPARE_STR(S(r.json(), "bids.0.status"), "active");

        const std::string contractId = hireBid(owner.token, taskId, bidId, __LINE__);
        GUARD;
        QCOMPARE(N(call("GET", "/api/agent/bids?status=active", worker.token).json(), "bids"),
                 std::size_t(0));
        r = call("GET", "/api/agent/bids?status=accepted", worker.token);
        QCOMPARE(N(r.json(), "bids"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "bids.0.task.status"), "assigned");

        // Contracts as seller, then the detail.
        r = call("GET", "/api/agent/contracts?role=seller", worker.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "contracts"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "contracts.0.id"), contractId);
        QCOMPARE_STR(S(r.json(), "contracts.0.seller.id"), worker.id);
        r = call("GET", "/api/agent/contracts/" + contractId, worker.token);
        EXPECT_STATUS(r, 200);
        auto j = r.json();
        QCOMPARE_STR(S(j, "contract.status"), "in_progress");
        QCOMPARE_STR(S(j, "contract.terms.priceText"), "250 CREDITS");
        QCOMPARE(C(j, "contract.priceAmount"), 25000LL);
        QCOMPARE(I(j, "contract.maxSubmissions"), 3LL);
        QCOMPARE(I(j, "contract.submissionCount"), 0LL);
        // Contracts are for participants only (404: clarifications let non-parties not know it exists).
        EXPECT_ERROR(call("GET", "/api/agent/contracts/" + contractId, stranger.token), 404, "NOT_FOUND");
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/reviews", worker.token,
                          json::object{{"rating", 5}}),
                     409, "STATE_CONFLICT"); // reviews open after acceptance

        // Submit deliverable evidence.
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/submissions", owner.token,
                          json::object{{"deliverableUrl", "https://example.com/x"}}),
                     403, "FORBIDDEN");
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                          json::object{{"deliverableUrl", "ftp://example.com/x"}}),
                     400, "VALIDATION");
        EXPECT_ERROR(
            call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token, json::object{}),
            400, "VALIDATION");
        r = call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                 json::object{{"deliverableUrl", "https://github.com/ORG/REPO/pull/123"},
                              {"notes", "What changed: ...\nHow to verify: ...\nKnown limitations: ..."}});
        EXPECT_STATUS(r, 201);
        j = r.json();
        const std::string subId = S(j, "submission.id");
        QVERIFY(subId.rfind("sub_", 0) == 0);
        QCOMPARE_STR(S(j, "submission.status"), "pending");
        QCOMPARE_STR(S(j, "contract.status"), "submitted");
        QCOMPARE(I(j, "contract.submissionCount"), 1LL);
        QVERIFY(get(j, "contract.reviewDueAt").is_string());
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                          json::object{{"summaryText", "again"}}),
                     409, "STATE_CONFLICT");

        // Check submissions.
        r = call("GET", "/api/agent/contracts/" + contractId + "/submissions", worker.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "submissions"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "submissions.0.id"), subId);
        QCOMPARE_STR(S(r.json(), "submissions.0.deliverableUrl"), "https://github.com/ORG/REPO/pull/123");
        QCOMPARE_STR(S(r.json(), "submissions.0.notes"),
                     "What changed: ...\nHow to verify: ...\nKnown limitations: ...");
        EXPECT_STATUS(call("GET", "/api/agent/contracts/" + contractId + "/submissions", owner.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/contracts/" + contractId + "/submissions", stranger.token), 404,
                     "NOT_FOUND");

        decide(owner.token, contractId, json::object{{"action", "accept"}}, __LINE__);
        GUARD;

        // Poll: unread count, unread list, mark one read.
        r = call("GET", "/api/agent/notifications/unread-count", worker.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(I(r.json(), "unreadCount"), 3LL); // bid.accepted, delivery.accepted, wallet.credit
        r = call("GET", "/api/agent/notifications?unreadOnly=1&limit=50", worker.token);
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE(N(j, "notifications"), std::size_t(3));
        QVERIFY((strings(j, "notifications", "type") ==
                 std::multiset<std::string>{"bid.accepted", "delivery.accepted", "wallet.credit"}));
        const auto accepted = where(j, "notifications", "type", "delivery.accepted");
        QCOMPARE(accepted.size(), std::size_t(1));
        QCOMPARE_STR(S(accepted.front(), "entityType"), "contract");
        QCOMPARE_STR(S(accepted.front(), "entityId"), contractId);
        QVERIFY(isNull(accepted.front(), "readAt"));
        const std::string ntfId = S(accepted.front(), "id");
        QVERIFY(ntfId.rfind("ntf_", 0) == 0);
        EXPECT_ERROR(call("POST", "/api/agent/notifications/" + ntfId + "/read", owner.token), 404,
                     "NOT_FOUND");
        r = call("POST", "/api/agent/notifications/" + ntfId + "/read", worker.token);
        EXPECT_STATUS(r, 200);
        QVERIFY(get(r.json(), "notification.readAt").is_string());
        QCOMPARE(I(call("GET", "/api/agent/notifications/unread-count", worker.token).json(), "unreadCount"),
                 2LL);
        r = call("GET", "/api/agent/notifications?unreadOnly=1&limit=50", worker.token);
        QCOMPARE(N(r.json(), "notifications"), std::size_t(2));
        QCOMPARE(where(r.json(), "notifications", "id", ntfId).size(), std::size_t(0));
        QCOMPARE(
            N(call("GET", "/api/agent/notifications?unreadOnly=0", worker.token).json(), "notifications"),
            std::size_t(3));
        // The owner's side of the same journey.
        QVERIFY((notificationTypes(owner.token, false) ==
                 std::multiset<std::string>{"bid.received", "delivery.submitted", "task.completed"}));

        // 250 less 12.50 fee.
        CHECK_WALLET(worker.token, 100000, 23750, 0);
        CHECK_WALLET(owner.token, 75000, 0, 0);
    }

    // The off-platform variant (OpenTask v1): a USDC task has no escrow; the contract keeps a
    // snapshot of the seller's payout method.
    void offPlatformUsdcHire()
    {
        const auto owner = m_srv->registerMember("usdc_buyer");
        const auto worker = m_srv->registerMember("usdc_seller", {"docs"});
        auto r = call(
            "POST", "/api/agent/me/payout-methods", worker.token,
            json::object{
                {"denomination", "USDC"}, {"network", "base"}, {"address", "0xWORKER"}, {"memo", "inv-7"}});
        EXPECT_STATUS(r, 201);
        const std::string pm = S(r.json(), "payoutMethod.id");

        r = call("POST", "/api/agent/tasks", owner.token,
                 json::object{{"title", "Write API docs"},
                              {"description", "Document agent flows end-to-end."},
                              {"skillsTags", json::array{"docs"}},
                              {"budgetAmount", 500},
                              {"budgetCurrency", "USDC"},
                              {"visibility", "public"}});
        EXPECT_STATUS(r, 201);
        auto j = r.json();
        const std::string taskId = S(j, "task.id");
        QCOMPARE_STR(S(j, "task.budgetCurrency"), "USDC");
        QCOMPARE(C(j, "task.budgetAmount"), 50000LL);
        QCOMPARE_STR(S(j, "task.budgetText"), "500 USDC");
        QVERIFY(!has(j, "task.escrowAmount"));
        CHECK_WALLET(owner.token, 100000, 0, 0);
        // Legacy budgetText is parsed into the structured fields.
        r = call("POST", "/api/agent/tasks", owner.token,
                 json::object{{"title", "Implement auth flow"},
                              {"description", "Add password login and tests."},
                              {"budgetText", "0.05 ETH"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "task.budgetCurrency"), "ETH");
        QCOMPARE(get(r.json(), "task.budgetAmount").is_double()
                     ? get(r.json(), "task.budgetAmount").as_double()
                     : -1.0,
                 0.05);
        CHECK_WALLET(owner.token, 100000, 0, 0);

        r = call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                 json::object{{"priceText", "450 USDC"}, {"etaDays", 2}, {"approach", "Plan"}});
        EXPECT_STATUS(r, 201);
        const std::string bidId = S(r.json(), "bid.id");
        QVERIFY(isNull(r.json(), "bid.proposedAmount"));

        EXPECT_ERROR(call("POST", "/api/agent/contracts", owner.token,
                          json::object{{"taskId", taskId},
                                       {"bidId", bidId},
                                       {"payoutMethodId", "pay_000000000000deadbeefdeadbeef"}}),
                     400, "VALIDATION");
        r = call("POST", "/api/agent/contracts", owner.token,
                 json::object{{"taskId", taskId}, {"bidId", bidId}, {"payoutMethodId", pm}});
        EXPECT_STATUS(r, 201);
        j = r.json();
        const std::string contractId = S(j, "contract.id");
        QVERIFY(get(j, "contract.escrowed").is_bool() && isFalse(j, "contract.escrowed"));
        QVERIFY(isNull(j, "contract.priceAmount"));
        QCOMPARE_STR(S(j, "contract.priceText"), "450 USDC");
        QCOMPARE_STR(S(j, "contract.currency"), "USDC");
        QCOMPARE_STR(S(j, "contract.payment.payoutMethodId"), pm);
        QCOMPARE_STR(S(j, "contract.payment.preferredToken"), "USDC");
        QCOMPARE_STR(S(j, "contract.payment.paymentNetwork"), "base");
        QCOMPARE_STR(S(j, "contract.payment.paymentWallet"), "0xWORKER");
        QCOMPARE_STR(S(j, "contract.payment.paymentMemo"), "inv-7");
        CHECK_WALLET(owner.token, 100000, 0, 0);

        // The snapshot survives edits to the payout method.
        EXPECT_STATUS(call("PATCH", "/api/agent/me/payout-methods/" + pm, worker.token,
                           json::object{{"address", "0xNEW"}}),
                      200);
        QCOMPARE_STR(
            status(owner.token, "/api/agent/contracts/" + contractId, "contract.payment.paymentWallet"),
            "0xWORKER");

        submitWork(worker.token, contractId, __LINE__);
        GUARD;
        decide(owner.token, contractId, json::object{{"action", "accept"}}, __LINE__);
        GUARD;
        QCOMPARE_STR(status(owner.token, "/api/agent/contracts/" + contractId, "contract.status"),
                     "accepted");
        CHECK_WALLET(owner.token, 100000, 0, 0);
        CHECK_WALLET(worker.token, 100000, 0, 0);
        QCOMPARE(m_srv->ledger().transfers, 2LL); // the two registration grants, nothing else
        QCOMPARE(notificationTypes(worker.token, false).count("wallet.credit"), std::size_t(0));
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Reject with a reason, resubmit, accept; a rejection needs a reason.
    void rejectResubmitAccept()
    {
        const auto owner = m_srv->registerMember("strict_owner");
        const auto worker = m_srv->registerMember("patient_worker");
        const auto d = bidAndHire(owner, worker, 10000, 10000, __LINE__);
        GUARD;
        submitWork(worker.token, d.contract, __LINE__);
        GUARD;
        const std::string decision = "/api/agent/contracts/" + d.contract + "/decision";
        auto r = call("POST", decision, owner.token, json::object{{"action", "reject"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        QVERIFY(has(r.json(), "fields.reason"));
        EXPECT_ERROR(
            call("POST", decision, owner.token, json::object{{"action", "reject"}, {"reason", "   "}}), 400,
            "VALIDATION");
        EXPECT_ERROR(call("POST", decision, owner.token, json::object{{"action", "maybe"}}), 400,
                     "VALIDATION");
        EXPECT_ERROR(call("POST", decision, worker.token, json::object{{"action", "accept"}}), 403,
                     "FORBIDDEN");
        r = call("POST", decision, owner.token,
                 json::object{{"action", "reject"}, {"reason", "Missing tests"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.status"), "rejected");
        QCOMPARE(I(r.json(), "contract.rejectionCount"), 1LL);
        QCOMPARE(I(r.json(), "contract.submissionCount"), 1LL);
        EXPECT_ERROR(call("POST", decision, owner.token, json::object{{"action", "accept"}}), 409,
                     "STATE_CONFLICT");
        r = call("GET", "/api/agent/contracts/" + d.contract + "/submissions", worker.token);
        QCOMPARE_STR(S(r.json(), "submissions.0.status"), "rejected");
        QCOMPARE_STR(S(r.json(), "submissions.0.reason"), "Missing tests");
        r = call("GET", "/api/agent/notifications", worker.token);
        const auto rejected = where(r.json(), "notifications", "type", "delivery.rejected");
        QCOMPARE(rejected.size(), std::size_t(1));
        QVERIFY(S(rejected.front(), "message").find("Missing tests") != std::string::npos);
        CHECK_WALLET(owner.token, 90000, 0, 10000); // still in escrow

        r = call(
            "POST", "/api/agent/contracts/" + d.contract + "/submissions", worker.token,
            json::object{{"summaryText", "Added the tests"}, {"deliverableUrl", "https://example.com/pr/2"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE_STR(S(r.json(), "contract.status"), "submitted");
        QCOMPARE(I(r.json(), "contract.submissionCount"), 2LL);
        r = call("POST", decision, owner.token, json::object{{"action", "accept"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.status"), "accepted");
        r = call("GET", "/api/agent/contracts/" + d.contract + "/submissions", owner.token);
        QCOMPARE(N(r.json(), "submissions"), std::size_t(2));
        QCOMPARE_STR(S(r.json(), "submissions.0.status"), "accepted");
        QCOMPARE_STR(S(r.json(), "submissions.1.status"), "rejected");
        CHECK_WALLET(owner.token, 90000, 0, 0);
        CHECK_WALLET(worker.token, 100000, 9500, 0);
    }

    // Three rejected submissions use the contract up; a fourth is 409 MAX_DELIVERIES.
    void maxDeliveries()
    {
        const auto owner = m_srv->registerMember("picky_owner");
        const auto worker = m_srv->registerMember("tired_worker");
        const auto d = bidAndHire(owner, worker, 5000, 5000, __LINE__);
        GUARD;
        for (int i = 1; i <= 3; ++i) {
            submitWork(worker.token, d.contract, __LINE__);
            GUARD;
            decide(
                owner.token, d.contract,
                json::object{{"action", "reject"}, {"reason", "Attempt " + std::to_string(i) + " is not it"}},
                __LINE__);
            GUARD;
        }
        auto r = call("GET", "/api/agent/contracts/" + d.contract, worker.token);
        QCOMPARE_STR(S(r.json(), "contract.status"), "rejected");
        QCOMPARE(I(r.json(), "contract.submissionCount"), 3LL);
        QCOMPARE(I(r.json(), "contract.rejectionCount"), 3LL);
        r = call("POST", "/api/agent/contracts/" + d.contract + "/submissions", worker.token,
                 json::object{{"summaryText", "Fourth try"}});
        EXPECT_ERROR(r, 409, "MAX_DELIVERIES");
        QCOMPARE(I(call("GET", "/api/agent/contracts/" + d.contract, worker.token).json(),
                   "contract.submissionCount"),
                 3LL);
        QCOMPARE(N(call("GET", "/api/agent/contracts/" + d.contract + "/submissions", worker.token).json(),
                   "submissions"),
                 std::size_t(3));
        CHECK_WALLET(owner.token, 95000, 0, 5000); // the money waits for a dispute or a cancellation
        CHECK_WALLET(worker.token, 100000, 0, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Claim mode: skills gate, one winner; with approval the claim is an application.
    void claimMode()
    {
        const auto owner = m_srv->registerMember("claim_owner", {"python"});
        const auto py1 = m_srv->registerMember("py_one", {"python"});
        const auto py2 =
            m_srv->registerMember("py_two", {"Python", "sql"}); // skills compare case-insensitively
        const auto gopher = m_srv->registerMember("go_only", {"go"});

        EXPECT_ERROR(call("POST", "/api/agent/tasks", owner.token,
                          json::object{{"title", "Claim me"},
                                       {"description", "A claim task without a budget."},
                                       {"mode", "claim"}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/tasks", owner.token,
                          json::object{{"title", "Bid me"},
                                       {"description", "Approval only applies to claims."},
                                       {"budgetAmount", 10},
                                       {"requireApproval", true}}),
                     400, "VALIDATION");
        const std::string taskId = newTask(
            owner.token,
            json::object{{"mode", "claim"}, {"skillsTags", json::array{"python"}}, {"budgetAmount", 80}},
            __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 92000, 0, 8000);
        const std::string claim = "/api/agent/tasks/" + taskId + "/claim";
        EXPECT_ERROR(call("POST", claim, gopher.token, json::object{}), 403, "SKILL_MISMATCH");
        EXPECT_ERROR(call("POST", claim, owner.token, json::object{}), 403, "SELF_CLAIM");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/bids", py1.token,
                          json::object{{"proposedAmount", 80}}),
                     409, "WRONG_MODE");
        auto r = call("POST", claim, py1.token, json::object{});
        EXPECT_STATUS(r, 201);
        auto j = r.json();
        const std::string contractId = S(j, "contract.id");
        QCOMPARE_STR(S(j, "contract.kind"), "claim");
        QCOMPARE_STR(S(j, "contract.status"), "in_progress");
        QCOMPARE_STR(S(j, "contract.seller.id"), py1.id);
        QCOMPARE_STR(S(j, "contract.buyer.id"), owner.id);
        QCOMPARE(C(j, "contract.priceAmount"), 8000LL);
        QVERIFY(isTrue(j, "contract.escrowed"));
        EXPECT_ERROR(call("POST", claim, py2.token, json::object{}), 409, "TASK_NOT_OPEN");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + taskId, "task.status"), "assigned");
        QCOMPARE(notificationTypes(owner.token, true).count("task.claimed"), std::size_t(1));
        CHECK_WALLET(owner.token, 92000, 0, 8000);
        submitWork(py1.token, contractId, __LINE__);
        GUARD;
        decide(owner.token, contractId, json::object{{"action", "accept"}}, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 92000, 0, 0);
        CHECK_WALLET(py1.token, 100000, 7600, 0);

        // With approval: claims become applications; the owner picks one, the rest are declined.
        const std::string t2 = newTask(owner.token,
                                       json::object{{"mode", "claim"},
                                                    {"requireApproval", true},
                                                    {"skillsTags", json::array{"python"}},
                                                    {"budgetAmount", 60}},
                                       __LINE__);
        GUARD;
        const std::string claim2 = "/api/agent/tasks/" + t2 + "/claim";
        r = call("POST", claim2, py1.token, json::object{{"message", "I have done this before"}});
        EXPECT_STATUS(r, 201);
        const std::string app1 = S(r.json(), "application.id");
        QCOMPARE_STR(S(r.json(), "application.status"), "pending");
        QVERIFY(!has(r.json(), "contract"));
        r = call("POST", claim2, py2.token, json::object{});
        EXPECT_STATUS(r, 201);
        const std::string app2 = S(r.json(), "application.id");
        EXPECT_ERROR(call("POST", claim2, py1.token, json::object{}), 409, "DUPLICATE_APPLICATION");
        EXPECT_ERROR(call("POST", claim2, gopher.token, json::object{}), 403, "SKILL_MISMATCH");
        EXPECT_ERROR(call("GET", "/api/agent/tasks/" + t2 + "/applications", py1.token), 403, "FORBIDDEN");
        r = call("GET", "/api/agent/tasks/" + t2 + "/applications", owner.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "applications"), std::size_t(2));
        QCOMPARE(I(call("GET", "/api/agent/tasks/" + t2, owner.token).json(), "task.pendingApplications"),
                 2LL);
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + t2, "task.status"), "open");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + t2 + "/applications/" + app2 + "/approve", py2.token,
                          json::object{}),
                     403, "FORBIDDEN");
        r = call("POST", "/api/agent/tasks/" + t2 + "/applications/" + app2 + "/approve", owner.token,
                 json::object{});
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE_STR(S(j, "application.status"), "approved");
        QCOMPARE_STR(S(j, "contract.seller.id"), py2.id);
        QCOMPARE_STR(S(j, "contract.kind"), "claim");
        QCOMPARE(C(j, "contract.priceAmount"), 6000LL);
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + t2 + "/applications/" + app1 + "/approve",
                          owner.token, json::object{}),
                     409, "STATE_CONFLICT");
        r = call("GET", "/api/agent/tasks/" + t2 + "/applications", owner.token);
        QCOMPARE_STR(S(first(where(r.json(), "applications", "id", app1)), "status"), "rejected");
        QCOMPARE_STR(S(first(where(r.json(), "applications", "id", app2)), "status"), "approved");
        QCOMPARE(notificationTypes(py1.token, true).count("application.rejected"), std::size_t(1));
        QCOMPARE(notificationTypes(py2.token, true).count("task.claimed"), std::size_t(1));
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + t2, "task.status"), "assigned");
        EXPECT_ERROR(call("POST", claim2, py1.token, json::object{}), 409, "TASK_NOT_OPEN");
        CHECK_WALLET(owner.token, 86000, 0, 6000);

        // An owner may also decline an application outright; the task stays open.
        const std::string t3 = newTask(
            owner.token, json::object{{"mode", "claim"}, {"requireApproval", true}, {"budgetAmount", 10}},
            __LINE__);
        GUARD;
        r = call("POST", "/api/agent/tasks/" + t3 + "/claim", gopher.token,
                 json::object{}); // no tags: anyone
        EXPECT_STATUS(r, 201);
        const std::string app3 = S(r.json(), "application.id");
        r = call("POST", "/api/agent/tasks/" + t3 + "/applications/" + app3 + "/reject", owner.token,
                 json::object{{"reason", "Need a Python profile"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "application.status"), "rejected");
        QCOMPARE_STR(S(r.json(), "application.reason"), "Need a Python profile");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + t3, "task.status"), "open");
        CHECK_WALLET(owner.token, 85000, 0, 7000);
    }

    // ---------------------------------------------------------------------------------------------
    // 5. Open mode with a regex rule: several submit, the owner accepts one; rejections need reasons.
    void openModeRegex()
    {
        const auto owner = m_srv->registerMember("open_owner");
        const auto x = m_srv->registerMember("data_x", {"data"});
        const auto y = m_srv->registerMember("data_y", {"data"});
        const auto z = m_srv->registerMember("design_z", {"design"});
        EXPECT_ERROR(call("POST", "/api/agent/tasks", owner.token,
                          json::object{{"title", "Open"},
                                       {"description", "An open task with a broken rule."},
                                       {"mode", "open"},
                                       {"budgetAmount", 10},
                                       {"verification", json::object{{"type", "regex"}}}}),
                     400, "VALIDATION");
        const std::string taskId = newTask(
            owner.token,
            json::object{{"mode", "open"},
                         {"skillsTags", json::array{"data"}},
                         {"budgetAmount", 120},
                         {"verification", json::object{{"type", "regex"}, {"pattern", "^RESULT: [0-9]+$"}}}},
            __LINE__);
        GUARD;
        const std::string subs = "/api/agent/tasks/" + taskId + "/submissions";
        EXPECT_ERROR(call("POST", subs, z.token, json::object{{"output", "RESULT: 1"}}), 403,
                     "SKILL_MISMATCH");
        EXPECT_ERROR(call("POST", subs, owner.token, json::object{{"output", "RESULT: 1"}}), 403,
                     "SELF_SUBMIT");

        auto r = call("POST", subs, x.token,
                      json::object{{"summaryText", "Computed it"}, {"output", "RESULT: 42"}});
        EXPECT_STATUS(r, 201);
        const std::string sx = S(r.json(), "submission.id");
        QCOMPARE_STR(S(r.json(), "submission.status"), "pending");
        QVERIFY(isTrue(r.json(), "submission.verification.passed"));
        r = call("POST", subs, y.token, json::object{{"output", "no result here"}});
        EXPECT_STATUS(r, 201);
        const std::string sy = S(r.json(), "submission.id");
        QVERIFY(isFalse(r.json(), "submission.verification.passed"));
        QVERIFY(!S(r.json(), "submission.verification.detail").empty());
        EXPECT_ERROR(call("POST", subs, x.token, json::object{{"output", "RESULT: 43"}}), 409,
                     "DUPLICATE_SUBMISSION");

        r = call("GET", subs, owner.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "submissions"), std::size_t(2));
        // The verification results are stored with the submissions.
        QVERIFY(isTrue(first(where(r.json(), "submissions", "id", sx)), "verification.passed"));
        QVERIFY(isFalse(first(where(r.json(), "submissions", "id", sy)), "verification.passed"));
        QCOMPARE_STR(S(first(where(r.json(), "submissions", "id", sx)), "output"), "RESULT: 42");
        r = call("GET", subs, x.token);
        QCOMPARE(N(r.json(), "submissions"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "submissions.0.id"), sx);
        QCOMPARE(I(call("GET", "/api/agent/tasks/" + taskId, owner.token).json(), "task.pendingSubmissions"),
                 2LL);

        // Reject needs a reason; the rejected agent may try again.
        EXPECT_ERROR(
            call("POST", subs + "/" + sy + "/decision", owner.token, json::object{{"action", "reject"}}), 400,
            "VALIDATION");
        EXPECT_ERROR(call("POST", subs + "/" + sy + "/decision", x.token,
                          json::object{{"action", "reject"}, {"reason", "x"}}),
                     403, "FORBIDDEN");
        r = call("POST", subs + "/" + sy + "/decision", owner.token,
                 json::object{{"action", "reject"}, {"reason", "Output must read RESULT: <n>"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "submission.status"), "rejected");
        QCOMPARE_STR(S(r.json(), "submission.reason"), "Output must read RESULT: <n>");
        QCOMPARE_STR(S(r.json(), "task.status"), "open");
        r = call("POST", subs, y.token, json::object{{"output", "RESULT: 7"}});
        EXPECT_STATUS(r, 201);
        const std::string sy2 = S(r.json(), "submission.id");
        QVERIFY(isTrue(r.json(), "submission.verification.passed"));

        // The owner accepts x: the task completes, the other pending submission is rejected.
        r = call("POST", subs + "/" + sx + "/decision", owner.token,
                 json::object{{"action", "accept"}, {"rating", 5}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "submission.status"), "accepted");
        QCOMPARE_STR(S(r.json(), "task.status"), "completed");
        QVERIFY(S(r.json(), "submission.contractId").rfind("ctr_", 0) == 0);
        r = call("GET", subs, y.token);
        QCOMPARE_STR(S(first(where(r.json(), "submissions", "id", sy2)), "status"), "rejected");
        QCOMPARE_STR(S(first(where(r.json(), "submissions", "id", sy)), "reason"),
                     "Output must read RESULT: <n>");
        EXPECT_ERROR(
            call("POST", subs + "/" + sy2 + "/decision", owner.token, json::object{{"action", "accept"}}),
            409, "STATE_CONFLICT");
        EXPECT_ERROR(
            call("POST", subs + "/" + sx + "/decision", owner.token, json::object{{"action", "accept"}}), 409,
            "STATE_CONFLICT");
        EXPECT_ERROR(call("POST", subs, y.token, json::object{{"output", "RESULT: 8"}}), 409,
                     "TASK_NOT_OPEN");

        r = call("GET", "/api/agent/contracts?role=seller", x.token);
        QCOMPARE(N(r.json(), "contracts"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "contracts.0.kind"), "open");
        QCOMPARE_STR(S(r.json(), "contracts.0.status"), "accepted");
        QCOMPARE(C(r.json(), "contracts.0.priceAmount"), 12000LL);
        QCOMPARE(notificationTypes(y.token, false).count("delivery.rejected"), std::size_t(2));
        // 120 less 6 fee.
        CHECK_WALLET(owner.token, 88000, 0, 0);
        CHECK_WALLET(x.token, 100000, 11400, 0);
        CHECK_WALLET(y.token, 100000, 0, 0);
    }

    // Open mode with a JSON-schema rule and autoAccept: the first passing submission wins at once.
    void openModeJsonSchemaAutoAccept()
    {
        const auto owner = m_srv->registerMember("schema_owner");
        const auto a = m_srv->registerMember("agent_a");
        const auto b = m_srv->registerMember("agent_b");
        json::object schema{{"type", "object"},
                            {"required", json::array{"answer"}},
                            {"properties", json::object{{"answer", json::object{{"type", "integer"}}}}}};
        const std::string taskId = newTask(
            owner.token,
            json::object{{"mode", "open"},
                         {"budgetAmount", 50},
                         {"verification",
                          json::object{{"type", "json-schema"}, {"schema", schema}, {"autoAccept", true}}}},
            __LINE__);
        GUARD;
        const std::string subs = "/api/agent/tasks/" + taskId + "/submissions";
        auto r = call("POST", subs, a.token, json::object{{"output", json::object{{"answer", "seven"}}}});
        EXPECT_STATUS(r, 201);
        const std::string sa = S(r.json(), "submission.id");
        QCOMPARE_STR(S(r.json(), "submission.status"), "pending");
        QVERIFY(isFalse(r.json(), "submission.verification.passed"));
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + taskId, "task.status"), "open");
        CHECK_WALLET(owner.token, 95000, 0, 5000);

        r = call("POST", subs, b.token, json::object{{"output", json::object{{"answer", 7}}}});
        EXPECT_STATUS(r, 201);
        QVERIFY(isTrue(r.json(), "submission.verification.passed"));
        QCOMPARE_STR(S(r.json(), "submission.status"), "accepted");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + taskId, "task.status"), "completed");
        r = call("GET", subs, owner.token);
        QCOMPARE_STR(S(first(where(r.json(), "submissions", "id", sa)), "status"), "rejected");
        CHECK_WALLET(owner.token, 95000, 0, 0);
        CHECK_WALLET(b.token, 100000, 4750, 0);
        CHECK_WALLET(a.token, 100000, 0, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Automatic acceptance after the review window; the payout hold releases after 24 h.
    void autoAcceptAndPayoutHold()
    {
        const auto owner = m_srv->registerMember("slow_owner");
        const auto worker = m_srv->registerMember("prompt_worker");
        auto& clock = m_srv->server().clock();
        const auto d =
            bidAndHire(owner, worker, 20000, 20000, __LINE__, json::object{{"reviewWindowHours", 48}});
        GUARD;
        submitWork(worker.token, d.contract, __LINE__);
        GUARD;
        const std::string target = "/api/agent/contracts/" + d.contract;
        QVERIFY(get(call("GET", target, owner.token).json(), "contract.reviewDueAt").is_string());

        clock.advance(std::chrono::hours(47));
        m_srv->server().runJobsNow();
        QCOMPARE_STR(status(owner.token, target, "contract.status"), "submitted");
        CHECK_WALLET(worker.token, 100000, 0, 0);

        clock.advance(std::chrono::hours(2));
        m_srv->server().runJobsNow();
        const auto acceptedAt = clock.now();
        QCOMPARE_STR(status(owner.token, target, "contract.status"), "accepted");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + d.task, "task.status"), "completed");
        CHECK_WALLET(owner.token, 80000, 0, 0);
        CHECK_WALLET(worker.token, 100000, 19000, 0);
        auto r = call("GET", "/api/agent/notifications", worker.token);
        const auto acc = where(r.json(), "notifications", "type", "delivery.accepted");
        QCOMPARE(acc.size(), std::size_t(1));
        QVERIFY(S(acc.front(), "message").find("automatically") != std::string::npos);

        // nextReleaseAt is the hold's end: 24 h after the acceptance.
        r = call("GET", "/api/agent/wallet", worker.token);
        const std::string next = S(r.json(), "wallet.nextReleaseAt");
        const std::string lo =
            taskdesk::domain::Clock::toIso(acceptedAt + std::chrono::hours(24) - std::chrono::minutes(1));
        const std::string hi =
            taskdesk::domain::Clock::toIso(acceptedAt + std::chrono::hours(24) + std::chrono::minutes(1));
        QVERIFY2(next > lo && next < hi, (next + " not within (" + lo + ", " + hi + ")").c_str());
        QVERIFY(isNull(call("GET", "/api/agent/wallet", owner.token).json(), "wallet.nextReleaseAt"));

        clock.advance(std::chrono::hours(23));
        m_srv->server().runJobsNow();
        CHECK_WALLET(worker.token, 100000, 19000, 0);
        clock.advance(std::chrono::hours(2));
        m_srv->server().runJobsNow();
        CHECK_WALLET(worker.token, 119000, 0, 0);
        QVERIFY(isNull(call("GET", "/api/agent/wallet", worker.token).json(), "wallet.nextReleaseAt"));
        m_srv->server().runJobsNow(); // releasing twice must not move money twice
        CHECK_WALLET(worker.token, 119000, 0, 0);

        // An open-task submission left unreviewed is accepted too.
        const std::string open =
            newTask(owner.token,
                    json::object{{"mode", "open"}, {"budgetAmount", 30}, {"reviewWindowHours", 1}}, __LINE__);
        GUARD;
        r = call("POST", "/api/agent/tasks/" + open + "/submissions", worker.token,
                 json::object{{"summaryText", "Done"}});
        EXPECT_STATUS(r, 201);
        m_srv->server().runJobsNow();
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + open, "task.status"), "open");
        clock.advance(std::chrono::hours(2));
        m_srv->server().runJobsNow();
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + open, "task.status"), "completed");
        CHECK_WALLET(owner.token, 77000, 0, 0);
        CHECK_WALLET(worker.token, 119000, 2850, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // 7. Cancelling an open task refunds all of its escrow.
    void cancelRefundsEscrow()
    {
        const auto owner = m_srv->registerMember("cancel_owner");
        const auto bidder = m_srv->registerMember("cancel_bidder");
        const std::string taskId = newTask(owner.token, json::object{{"budgetAmount", 300.55}}, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 69945, 0, 30055);
        const std::string bidId = newBid(bidder.token, taskId, 25000, __LINE__);
        GUARD;
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/cancel", bidder.token, json::object{}),
                     403, "FORBIDDEN");
        auto r = call("POST", "/api/agent/tasks/" + taskId + "/cancel", owner.token,
                      json::object{{"reason", "Changed plans"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "task.status"), "cancelled");
        QCOMPARE(C(r.json(), "task.escrowAmount"), 0LL);
        CHECK_WALLET(owner.token, 100000, 0, 0);
        QCOMPARE_STR(status(bidder.token, "/api/agent/bids/" + bidId, "bid.status"), "rejected");
        QCOMPARE(notificationTypes(bidder.token, true).count("task.cancelled"), std::size_t(1));
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/cancel", owner.token, json::object{}), 409,
                     "TASK_NOT_OPEN");
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + taskId + "/bids", bidder.token,
                          json::object{{"proposedAmount", 1}}),
                     409, "TASK_NOT_OPEN");
        QCOMPARE(where(call("GET", "/api/tasks").json(), "tasks", "id", taskId).size(), std::size_t(0));
        QCOMPARE(where(call("GET", "/api/tasks?status=cancelled").json(), "tasks", "id", taskId).size(),
                 std::size_t(1));
    }

    // Splitting funds subtasks out of the parent's escrow; the parent takes no bids.
    void splitIntoSubtasks()
    {
        const auto owner = m_srv->registerMember("split_owner");
        const auto worker = m_srv->registerMember("split_worker");
        const std::string parent = newTask(owner.token, json::object{{"budgetAmount", 400}}, __LINE__);
        GUARD;
        const std::string split = "/api/agent/tasks/" + parent + "/split";
        EXPECT_ERROR(
            call("POST", split, worker.token,
                 json::object{{"subtasks", json::array{json::object{{"title", "Part one"},
                                                                    {"description", "First half of the job"},
                                                                    {"budgetAmount", 10}}}}}),
            403, "FORBIDDEN");
        EXPECT_ERROR(
            call("POST", split, owner.token,
                 json::object{{"subtasks", json::array{json::object{{"title", "Part one"},
                                                                    {"description", "First half of the job"},
                                                                    {"budgetAmount", 400.01}}}}}),
            400, "VALIDATION");
        auto r =
            call("POST", split, owner.token,
                 json::object{{"subtasks", json::array{json::object{{"title", "Part one"},
                                                                    {"description", "First half of the job"},
                                                                    {"budgetAmount", 150}},
                                                       json::object{{"title", "Part two"},
                                                                    {"description", "Second half of the job"},
                                                                    {"budgetAmount", 100}}}}});
        EXPECT_STATUS(r, 201);
        auto j = r.json();
        QCOMPARE(N(j, "subtasks"), std::size_t(2));
        QVERIFY(isTrue(j, "task.hasSubtasks"));
        QCOMPARE(C(j, "task.escrowAmount"), 15000LL);
        const std::string sub1 = S(j, "subtasks.0.id"), sub2 = S(j, "subtasks.1.id");
        QCOMPARE_STR(S(j, "subtasks.0.parentId"), parent);
        QCOMPARE_STR(S(j, "subtasks.1.parentId"), parent);
        QCOMPARE(C(j, "subtasks.0.budgetAmount"), 15000LL);
        QCOMPARE(C(j, "subtasks.0.escrowAmount"), 15000LL);
        QCOMPARE(C(j, "subtasks.1.budgetAmount"), 10000LL);
        QCOMPARE(C(j, "subtasks.1.escrowAmount"), 10000LL);
        CHECK_WALLET(owner.token, 60000, 0, 40000); // moved between escrows, none released
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + parent + "/bids", worker.token,
                          json::object{{"proposedAmount", 50}}),
                     409, "PARENT_TASK");
        EXPECT_ERROR(
            call("POST", split, owner.token,
                 json::object{{"subtasks", json::array{json::object{{"title", "Part three"},
                                                                    {"description", "More than what is left"},
                                                                    {"budgetAmount", 150.01}}}}}),
            400, "VALIDATION");
        EXPECT_ERROR(
            call("POST", "/api/agent/tasks/" + sub1 + "/split", owner.token,
                 json::object{{"subtasks", json::array{json::object{{"title", "Part 1a"},
                                                                    {"description", "A piece of a piece"},
                                                                    {"budgetAmount", 1}}}}}),
            409, "STATE_CONFLICT");
        // A subtask takes bids like any task (its price is capped by its own budget).
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + sub1 + "/bids", worker.token,
                          json::object{{"proposedAmount", 151}}),
                     400, "VALIDATION");
        const std::string bidId = newBid(worker.token, sub1, 12000, __LINE__);
        GUARD;
        const std::string contractId = hireBid(owner.token, sub1, bidId, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 63000, 0, 37000);
        EXPECT_ERROR(call("POST", "/api/agent/tasks/" + parent + "/cancel", owner.token, json::object{}), 409,
                     "SUBTASKS_RUNNING");
        submitWork(worker.token, contractId, __LINE__);
        GUARD;
        decide(owner.token, contractId, json::object{{"action", "accept"}}, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 63000, 0, 25000);
        CHECK_WALLET(worker.token, 100000, 11400, 0);
        // With nothing running any more, cancelling the parent returns what is left: its own
        // remainder and the open subtask's budget.
        r = call("POST", "/api/agent/tasks/" + parent + "/cancel", owner.token, json::object{});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "task.status"), "cancelled");
        CHECK_WALLET(owner.token, 88000, 0, 0);
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + sub2, "task.status"), "cancelled");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + sub1, "task.status"), "completed");
    }

    // PATCH of a CREDITS budget moves the difference into or out of escrow.
    void patchBudgetMovesEscrow()
    {
        const auto owner = m_srv->registerMember("budget_owner");
        const auto bidder = m_srv->registerMember("budget_bidder");
        const std::string taskId = newTask(owner.token, json::object{{"budgetAmount", 200}}, __LINE__);
        GUARD;
        const std::string target = "/api/tasks/" + taskId;
        auto r = call("PATCH", target, owner.token, json::object{{"budgetAmount", 350}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(C(r.json(), "task.budgetAmount"), 35000LL);
        QCOMPARE(C(r.json(), "task.escrowAmount"), 35000LL);
        QCOMPARE_STR(S(r.json(), "task.budgetText"), "350 CREDITS");
        CHECK_WALLET(owner.token, 65000, 0, 35000);
        r = call("PATCH", target, owner.token, json::object{{"budgetAmount", 100}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(C(r.json(), "task.escrowAmount"), 10000LL);
        CHECK_WALLET(owner.token, 90000, 0, 10000);
        EXPECT_ERROR(call("PATCH", target, owner.token, json::object{{"budgetAmount", 5000}}), 402,
                     "INSUFFICIENT_FUNDS");
        CHECK_WALLET(owner.token, 90000, 0, 10000);
        QCOMPARE(C(call("GET", target).json(), "task.budgetAmount"), 10000LL);
        // Exactly everything available is fine.
        r = call("PATCH", target, owner.token, json::object{{"budgetAmount", 1000}});
        EXPECT_STATUS(r, 200);
        CHECK_WALLET(owner.token, 0, 0, 100000);
        r = call("PATCH", target, owner.token,
                 json::object{{"budgetAmount", 100}, {"title", "A cheaper task now"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "task.title"), "A cheaper task now");
        CHECK_WALLET(owner.token, 90000, 0, 10000);

        const std::string bidId = newBid(bidder.token, taskId, 9000, __LINE__);
        GUARD;
        EXPECT_ERROR(call("PATCH", target, owner.token, json::object{{"budgetAmount", 80}}), 400,
                     "VALIDATION");
        r = call("PATCH", target, owner.token, json::object{{"budgetAmount", 95}});
        EXPECT_STATUS(r, 200);
        CHECK_WALLET(owner.token, 90500, 0, 9500);
        EXPECT_ERROR(call("PATCH", target, bidder.token, json::object{{"budgetAmount", 50}}), 403,
                     "FORBIDDEN");
        EXPECT_ERROR(call("PATCH", target, owner.token, json::object{{"budgetCurrency", "USDC"}}), 400,
                     "VALIDATION");
        const std::string usdc =
            newTask(owner.token, json::object{{"budgetAmount", 10}, {"budgetCurrency", "USDC"}}, __LINE__);
        GUARD;
        EXPECT_ERROR(call("PATCH", "/api/tasks/" + usdc, owner.token, json::object{{"budgetAmount", 20}}),
                     400, "VALIDATION");
        hireBid(owner.token, taskId, bidId, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 91000, 0, 9000);
        EXPECT_ERROR(call("PATCH", target, owner.token, json::object{{"budgetAmount", 120}}), 409,
                     "TASK_NOT_OPEN");
        CHECK_WALLET(owner.token, 91000, 0, 9000);
    }

    // ---------------------------------------------------------------------------------------------
    // 8. Counter-offers, amend, withdraw, reject.
    void counterOffersAndBidChanges()
    {
        const auto owner = m_srv->registerMember("haggle_owner");
        const auto bidder = m_srv->registerMember("haggle_bidder");
        const auto other = m_srv->registerMember("haggle_other");
        const std::string taskId = newTask(owner.token, json::object{{"budgetAmount", 500}}, __LINE__);
        GUARD;
        auto r = call("POST", "/api/agent/tasks/" + taskId + "/bids", bidder.token,
                      json::object{{"proposedAmount", 480}, {"etaDays", 4}, {"approach", "Full plan"}});
        EXPECT_STATUS(r, 201);
        const std::string bidId = S(r.json(), "bid.id");
        const std::string cos = "/api/agent/bids/" + bidId + "/counter-offers";
        EXPECT_ERROR(call("POST", cos, bidder.token, json::object{{"priceText", "400 CREDITS"}}), 403,
                     "FORBIDDEN");
        EXPECT_ERROR(call("POST", cos, other.token, json::object{{"priceText", "400 CREDITS"}}), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(call("POST", cos, owner.token, json::object{{"proposedAmount", 600}}), 400,
                     "VALIDATION");
        r = call(
            "POST", cos, owner.token,
            json::object{{"proposedAmount", 400}, {"etaDays", 5}, {"message", "Can you do 400 in 5 days?"}});
        EXPECT_STATUS(r, 201);
        const std::string co = S(r.json(), "counterOffer.id");
        QCOMPARE_STR(S(r.json(), "counterOffer.status"), "pending");
        QCOMPARE(C(r.json(), "counterOffer.proposedAmount"), 40000LL);
        EXPECT_ERROR(call("POST", cos, owner.token, json::object{{"proposedAmount", 390}}), 409,
                     "COUNTER_OFFER_PENDING");
        r = call("GET", cos, bidder.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "counterOffers"), std::size_t(1));
        QCOMPARE(notificationTypes(bidder.token, true).count("bid.counter_offer"), std::size_t(1));
        EXPECT_ERROR(call("POST", cos + "/" + co + "/accept", owner.token, json::object{}), 403, "FORBIDDEN");
        r = call("POST", cos + "/" + co + "/accept", bidder.token, json::object{});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "counterOffer.status"), "accepted");
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 40000LL);
        QCOMPARE(I(r.json(), "bid.etaDays"), 5LL);
        QCOMPARE_STR(S(r.json(), "bid.approach"), "Full plan"); // the counter-offer did not change it
        QCOMPARE_STR(S(r.json(), "bid.status"), "active");
        EXPECT_ERROR(call("POST", cos + "/" + co + "/accept", bidder.token, json::object{}), 409,
                     "STATE_CONFLICT");
        QCOMPARE(notificationTypes(owner.token, true).count("bid.counter_offer_accepted"), std::size_t(1));
        QCOMPARE(
            C(call("GET", "/api/agent/tasks/" + taskId, owner.token).json(), "task.bidSummary.lowestAmount"),
            40000LL);
        // Hired at the counter price: 100 of the 500 goes back at once.
        r = call("POST", "/api/agent/contracts", owner.token,
                 json::object{{"taskId", taskId}, {"bidId", bidId}});
        EXPECT_STATUS(r, 201);
        const std::string contractId = S(r.json(), "contract.id");
        QCOMPARE(C(r.json(), "contract.priceAmount"), 40000LL);
        CHECK_WALLET(owner.token, 60000, 0, 40000);
        submitWork(bidder.token, contractId, __LINE__);
        GUARD;
        decide(owner.token, contractId, json::object{{"action", "accept"}}, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 60000, 0, 0);
        CHECK_WALLET(bidder.token, 100000, 38000, 0);

        // Amend, reject a counter-offer, withdraw one, withdraw and reject bids.
        const std::string t2 = newTask(owner.token, json::object{{"budgetAmount", 200}}, __LINE__);
        GUARD;
        const std::string b1 = newBid(bidder.token, t2, 18000, __LINE__);
        GUARD;
        const std::string b2 = newBid(other.token, t2, 15000, __LINE__);
        GUARD;
        r = call("PATCH", "/api/agent/bids/" + b1, bidder.token,
                 json::object{{"action", "amend"}, {"proposedAmount", 170}, {"approach", "A tighter plan"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 17000LL);
        QCOMPARE_STR(S(r.json(), "bid.approach"), "A tighter plan");
        EXPECT_ERROR(call("PATCH", "/api/agent/bids/" + b1, bidder.token,
                          json::object{{"action", "amend"}, {"proposedAmount", 250}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("PATCH", "/api/agent/bids/" + b1, bidder.token, json::object{{"action", "amend"}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("PATCH", "/api/agent/bids/" + b1, owner.token,
                          json::object{{"action", "amend"}, {"proposedAmount", 100}}),
                     403, "FORBIDDEN");
        QCOMPARE(notificationTypes(owner.token, true).count("bid.amended"), std::size_t(1));

        const std::string cos2 = "/api/agent/bids/" + b1 + "/counter-offers";
        r = call("POST", cos2, owner.token, json::object{{"priceText", "120 CREDITS"}});
        EXPECT_STATUS(r, 201);
        const std::string co2 = S(r.json(), "counterOffer.id");
        QCOMPARE(C(r.json(), "counterOffer.proposedAmount"), 12000LL);
        r = call("POST", cos2 + "/" + co2 + "/reject", bidder.token, json::object{{"reason", "Too low"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "counterOffer.status"), "rejected");
        QCOMPARE_STR(S(r.json(), "counterOffer.reason"), "Too low");
        QCOMPARE(C(r.json(), "bid.proposedAmount"), 17000LL);
        r = call("POST", cos2, owner.token, json::object{{"proposedAmount", 140}});
        EXPECT_STATUS(r, 201);
        const std::string co3 = S(r.json(), "counterOffer.id");
        EXPECT_ERROR(call("PATCH", cos2 + "/" + co3, bidder.token, json::object{{"action", "withdraw"}}), 403,
                     "FORBIDDEN");
        r = call("PATCH", cos2 + "/" + co3, owner.token, json::object{{"action", "withdraw"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "counterOffer.status"), "withdrawn");
        EXPECT_ERROR(call("PATCH", cos2 + "/" + co3, owner.token, json::object{{"action", "withdraw"}}), 409,
                     "STATE_CONFLICT");
        EXPECT_ERROR(call("POST", cos2 + "/" + co3 + "/accept", bidder.token, json::object{}), 409,
                     "STATE_CONFLICT");
        QCOMPARE(N(call("GET", cos2, owner.token).json(), "counterOffers"), std::size_t(2)); // co2 and co3

        r = call("PATCH", "/api/agent/bids/" + b1, bidder.token, json::object{{"action", "withdraw"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "bid.status"), "withdrawn");
        EXPECT_ERROR(
            call("PATCH", "/api/agent/bids/" + b1, bidder.token, json::object{{"action", "withdraw"}}), 409,
            "BID_NOT_ACTIVE");
        EXPECT_ERROR(
            call("POST", "/api/agent/contracts", owner.token, json::object{{"taskId", t2}, {"bidId", b1}}),
            409, "BID_NOT_ACTIVE");
        EXPECT_ERROR(call("PATCH", "/api/agent/bids/" + b2, other.token, json::object{{"action", "reject"}}),
                     403, "FORBIDDEN");
        r = call("PATCH", "/api/agent/bids/" + b2, owner.token,
                 json::object{{"action", "reject"}, {"reason", "Budget too high for scope."}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "bid.status"), "rejected");
        QCOMPARE_STR(S(r.json(), "bid.reason"), "Budget too high for scope.");
        QCOMPARE(notificationTypes(other.token, true).count("bid.rejected"), std::size_t(1));
        EXPECT_ERROR(
            call("PATCH", "/api/agent/bids/" + b2, other.token, json::object{{"action", "withdraw"}}), 409,
            "BID_NOT_ACTIVE");
        QCOMPARE(I(call("GET", "/api/agent/tasks", owner.token).json(), "tasks.0.bidCount"), 0LL);
        // A bidder whose bid is no longer active may bid again.
        r = call("POST", "/api/agent/tasks/" + t2 + "/bids", bidder.token,
                 json::object{{"proposedAmount", 160}});
        EXPECT_STATUS(r, 201);
        CHECK_WALLET(owner.token, 40000, 0, 20000);
    }

    // ---------------------------------------------------------------------------------------------
    // 9. Mutual cancellation: owner-applied pays the worker half (less fee, on hold); the rest
    //    returns to the owner. Worker-applied returns everything.
    void mutualCancellationOwnerApplied()
    {
        const auto owner = m_srv->registerMember("walkaway_owner");
        const auto worker = m_srv->registerMember("left_worker");
        const auto d = bidAndHire(owner, worker, 30000, 20001, __LINE__);
        GUARD;
        CHECK_WALLET(owner.token, 79999, 0, 20001);
        const std::string target = "/api/agent/contracts/" + d.contract + "/cancellation";
        EXPECT_ERROR(call("POST", target, owner.token, json::object{{"action", "apply"}}), 400, "VALIDATION");
        EXPECT_ERROR(call("POST", target, owner.token, json::object{{"action", "confirm"}}), 409,
                     "STATE_CONFLICT");
        auto r = call("POST", target, owner.token,
                      json::object{{"action", "apply"}, {"reason", "Requirements changed"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.cancellation.appliedBy"), owner.id);
        QCOMPARE_STR(S(r.json(), "contract.cancellation.reason"), "Requirements changed");
        QCOMPARE_STR(S(r.json(), "contract.status"), "in_progress");
        EXPECT_ERROR(call("POST", target, owner.token, json::object{{"action", "confirm"}}), 409,
                     "STATE_CONFLICT");
        EXPECT_ERROR(
            call("POST", target, worker.token, json::object{{"action", "apply"}, {"reason", "me too"}}), 409,
            "STATE_CONFLICT");
        QCOMPARE(notificationTypes(worker.token, true).count("contract.cancellation_requested"),
                 std::size_t(1));
        r = call("POST", target, worker.token, json::object{{"action", "confirm"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.status"), "cancelled");
        QCOMPARE_STR(status(owner.token, "/api/agent/tasks/" + d.task, "task.status"), "cancelled");
        // Half of 200.01 is 100.00 (floor); less the 5.00 fee: 95.00 pending. The owner gets 100.01 back.
        CHECK_WALLET(worker.token, 100000, 9500, 0);
        CHECK_WALLET(owner.token, 90000, 0, 0);
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + d.contract + "/submissions", worker.token,
                          json::object{{"summaryText", "late"}}),
                     409, "STATE_CONFLICT");
        EXPECT_ERROR(
            call("POST", target, worker.token, json::object{{"action", "apply"}, {"reason", "again"}}), 409,
            "STATE_CONFLICT");
        // The worker's half is held like any payout.
        m_srv->server().clock().advance(std::chrono::hours(25));
        m_srv->server().runJobsNow();
        CHECK_WALLET(worker.token, 109500, 0, 0);
    }

    void mutualCancellationWorkerApplied()
    {
        const auto owner = m_srv->registerMember("kept_owner");
        const auto worker = m_srv->registerMember("quitting_worker");
        const auto d = bidAndHire(owner, worker, 10000, 10000, __LINE__);
        GUARD;
        submitWork(worker.token, d.contract, __LINE__);
        GUARD;
        const std::string target = "/api/agent/contracts/" + d.contract + "/cancellation";
        auto r = call("POST", target, worker.token,
                      json::object{{"action", "apply"}, {"reason", "Cannot finish"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.cancellation.appliedBy"), worker.id);
        EXPECT_ERROR(call("POST", target, owner.token, json::object{{"action", "withdraw"}}), 409,
                     "STATE_CONFLICT");
        r = call("POST", target, worker.token, json::object{{"action", "withdraw"}});
        EXPECT_STATUS(r, 200);
        QVERIFY(isNull(r.json(), "contract.cancellation"));
        EXPECT_ERROR(call("POST", target, owner.token, json::object{{"action", "confirm"}}), 409,
                     "STATE_CONFLICT");
        EXPECT_STATUS(call("POST", target, worker.token,
                           json::object{{"action", "apply"}, {"reason", "Really cannot"}}),
                      200);
        r = call("POST", target, owner.token, json::object{{"action", "confirm"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "contract.status"), "cancelled");
        r = call("GET", "/api/agent/contracts/" + d.contract + "/submissions", owner.token);
        QCOMPARE_STR(S(r.json(), "submissions.0.status"), "rejected");
        CHECK_WALLET(owner.token, 100000, 0, 0);
        CHECK_WALLET(worker.token, 100000, 0, 0);
        // A cancelled contract is not auto-accepted later.
        m_srv->server().clock().advance(std::chrono::hours(100));
        m_srv->server().runJobsNow();
        QCOMPARE_STR(status(owner.token, "/api/agent/contracts/" + d.contract, "contract.status"),
                     "cancelled");
        CHECK_WALLET(worker.token, 100000, 0, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // 10. Tokens: narrowed tokens, listing, revoking another, never itself.
    void tokens()
    {
        const auto me = m_srv->registerMember("token_owner");
        const auto other = m_srv->registerMember("token_other");
        auto r = call("POST", "/api/agent/me/tokens", me.token,
                      json::object{{"name", "reader"}, {"scopes", json::array{"tasks:read", "tokens:read"}}});
        EXPECT_STATUS(r, 201);
        const std::string reader = S(r.json(), "tokenValue");
        const std::string readerId = S(r.json(), "token.id");
        QVERIFY(reader.rfind("td_", 0) == 0);
        QCOMPARE_STR(S(r.json(), "token.name"), "reader");
        {
            std::set<std::string> sc;
            for (const auto& s : arr(r.json(), "token.scopes"))
                sc.insert(std::string(s.as_string()));
            QVERIFY((sc == std::set<std::string>{"tasks:read", "tokens:read"}));
        }
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", me.token,
                          json::object{{"scopes", json::array{"nope:read"}}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", me.token,
                          json::object{{"scopes", json::array{"support:read"}}}),
                     400, "VALIDATION");

        EXPECT_STATUS(call("GET", "/api/agent/tasks", reader), 200);
        EXPECT_ERROR(call("POST", "/api/agent/tasks", reader,
                          json::object{{"title", "Nope"},
                                       {"description", "A reader cannot post."},
                                       {"budgetAmount", 1}}),
                     403, "MISSING_SCOPE");
        EXPECT_ERROR(call("GET", "/api/agent/wallet", reader), 403, "MISSING_SCOPE");
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", reader, json::object{}), 403, "MISSING_SCOPE");
        r = call("GET", "/api/agent/me/tokens", reader);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "tokens"), std::size_t(2));
        QVERIFY(isTrue(first(where(r.json(), "tokens", "id", readerId)), "current"));
        QVERIFY(!has(first(where(r.json(), "tokens", "id", readerId)), "tokenValue"));

        r = call("POST", "/api/agent/me/tokens", me.token,
                 json::object{{"name", "minter"}, {"scopes", json::array{"tokens:read", "tokens:write"}}});
        EXPECT_STATUS(r, 201);
        const std::string minter = S(r.json(), "tokenValue");
        const std::string minterId = S(r.json(), "token.id");
        EXPECT_ERROR(call("POST", "/api/agent/me/tokens", minter,
                          json::object{{"scopes", json::array{"wallet:read"}}}),
                     400, "VALIDATION");
        r = call("POST", "/api/agent/me/tokens", minter, json::object{{"name", "child"}});
        EXPECT_STATUS(r, 201);
        QCOMPARE(N(r.json(), "token.scopes"), std::size_t(2)); // inherits, never widens

        r = call("GET", "/api/agent/me/tokens", me.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "tokens"), std::size_t(4));
        const auto current = where(r.json(), "tokens", "name", "bootstrap");
        QCOMPARE(current.size(), std::size_t(1));
        QVERIFY(isTrue(current.front(), "current"));
        const std::string mainId = S(current.front(), "id");

        r = call("DELETE", "/api/agent/me/tokens/" + readerId, me.token);
        EXPECT_STATUS(r, 200);
        EXPECT_ERROR(call("GET", "/api/agent/tasks", reader), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("DELETE", "/api/agent/me/tokens/" + readerId, me.token), 404, "NOT_FOUND");
        EXPECT_ERROR(call("DELETE", "/api/agent/me/tokens/" + mainId, me.token), 409, "SELF_REVOKE");
        EXPECT_ERROR(call("DELETE", "/api/agent/me/tokens/" + minterId, other.token), 404, "NOT_FOUND");
        EXPECT_ERROR(call("DELETE", "/api/agent/me/tokens/" + minterId, minter), 409, "SELF_REVOKE");
        EXPECT_STATUS(call("DELETE", "/api/agent/me/tokens/" + mainId, minter), 200);
        EXPECT_ERROR(call("GET", "/api/agent/me", me.token), 401, "UNAUTHORIZED");
        EXPECT_STATUS(call("GET", "/api/agent/me/tokens", minter), 200);
        QCOMPARE(N(call("GET", "/api/agent/me/tokens", minter).json(), "tokens"), std::size_t(2));
        EXPECT_STATUS(call("GET", "/api/agent/me", other.token), 200);
        // An expiring token stops working after its expiry.
        const std::string expiry =
            taskdesk::domain::Clock::toIso(m_srv->server().clock().now() + std::chrono::hours(1));
        r = call("POST", "/api/agent/me/tokens", minter,
                 json::object{{"name", "short-lived"}, {"expiresAt", expiry}});
        EXPECT_STATUS(r, 201);
        const std::string shortLived = S(r.json(), "tokenValue");
        QCOMPARE_STR(S(r.json(), "token.expiresAt"), expiry);
        EXPECT_STATUS(call("GET", "/api/agent/me/tokens", shortLived), 200);
        m_srv->server().clock().advance(std::chrono::minutes(61));
        EXPECT_ERROR(call("GET", "/api/agent/me/tokens", shortLived), 401, "UNAUTHORIZED");
        EXPECT_STATUS(call("GET", "/api/agent/me/tokens", minter), 200);
        // Logging in issues a fresh token with the default scopes.
        r = call("POST", "/api/agent/login", "",
                 json::object{{"email", me.email}, {"password", "correct horse battery"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "token.name"), "login");
        EXPECT_STATUS(call("GET", "/api/agent/me", S(r.json(), "tokenValue")), 200);
    }

    // Payout methods CRUD and public keys.
    void payoutMethodsAndKeys()
    {
        const auto me = m_srv->registerMember("payee_agent");
        const auto other = m_srv->registerMember("nosy_agent");
        const std::string pms = "/api/agent/me/payout-methods";
        auto r = call("POST", pms, me.token,
                      json::object{{"denomination", "USDC"}, {"network", "base"}, {"address", "0xabc"}});
        EXPECT_STATUS(r, 201);
        const std::string pm1 = S(r.json(), "payoutMethod.id");
        QCOMPARE_STR(S(r.json(), "payoutMethod.address"), "0xabc");
        EXPECT_ERROR(call("POST", pms, me.token, json::object{{"denomination", "DOGE"}, {"address", "D123"}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", pms, me.token, json::object{{"denomination", "ETH"}}), 400, "VALIDATION");
        r = call("POST", pms, me.token, json::object{{"denomination", "ETH"}, {"address", "0xdef"}});
        EXPECT_STATUS(r, 201);
        r = call("GET", pms, me.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "payoutMethods"), std::size_t(2));
        r = call("PATCH", pms + "/" + pm1, me.token, json::object{{"address", "0x123"}, {"memo", "tag 9"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "payoutMethod.address"), "0x123");
        QCOMPARE_STR(S(r.json(), "payoutMethod.memo"), "tag 9");
        QCOMPARE_STR(S(r.json(), "payoutMethod.network"), "base");
        EXPECT_ERROR(call("PATCH", pms + "/" + pm1, other.token, json::object{{"address", "0xevil"}}), 404,
                     "NOT_FOUND");
        EXPECT_ERROR(call("DELETE", pms + "/" + pm1, other.token), 404, "NOT_FOUND");
        r = call("GET", "/api/profiles/" + me.id + "/payout-methods");
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "payoutMethods"), std::size_t(2));
        QVERIFY((strings(r.json(), "payoutMethods", "denomination") ==
                 std::multiset<std::string>{"ETH", "USDC"}));
        QVERIFY(r.body.find("0x123") == std::string::npos && r.body.find("address") == std::string::npos);
        EXPECT_STATUS(call("DELETE", pms + "/" + pm1, me.token), 200);
        QCOMPARE(N(call("GET", pms, me.token).json(), "payoutMethods"), std::size_t(1));
        EXPECT_ERROR(call("DELETE", pms + "/" + pm1, me.token), 404, "NOT_FOUND");
        QCOMPARE(N(call("GET", "/api/profiles/" + me.id + "/payout-methods").json(), "payoutMethods"),
                 std::size_t(1));

        const std::string keys = "/api/agent/me/keys";
        const std::string box = randomKeyBase64(32);
        r = call(
            "POST", keys, me.token,
            json::object{
                {"label", "box"}, {"purpose", "encryption"}, {"algorithm", "x25519"}, {"publicKey", box}});
        EXPECT_STATUS(r, 201);
        const std::string k1 = S(r.json(), "key.id");
        QVERIFY(k1.rfind("key_", 0) == 0);
        QCOMPARE_STR(S(r.json(), "key.publicKey"), box);
        QCOMPARE_STR(S(r.json(), "key.algorithm"), "x25519");
        EXPECT_ERROR(call("POST", keys, me.token,
                          json::object{{"label", "short"},
                                       {"purpose", "encryption"},
                                       {"algorithm", "x25519"},
                                       {"publicKey", randomKeyBase64(31)}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", keys, me.token,
                          json::object{{"label", "long"},
                                       {"purpose", "encryption"},
                                       {"algorithm", "x25519"},
                                       {"publicKey", randomKeyBase64(33)}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", keys, me.token,
                          json::object{{"label", "junk"},
                                       {"purpose", "encryption"},
                                       {"algorithm", "x25519"},
                                       {"publicKey", "not base64 at all!!"}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", keys, me.token,
                          json::object{{"label", "mixed"},
                                       {"purpose", "encryption"},
                                       {"algorithm", "ed25519"},
                                       {"publicKey", randomKeyBase64(32)}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", keys, me.token,
                          json::object{{"label", "rsa"},
                                       {"purpose", "signing"},
                                       {"algorithm", "rsa"},
                                       {"publicKey", randomKeyBase64(32)}}),
                     400, "VALIDATION");
        r = call("POST", keys, me.token,
                 json::object{{"label", "sig"},
                              {"purpose", "signing"},
                              {"algorithm", "ed25519"},
                              {"publicKey", randomKeyBase64(32)}});
        EXPECT_STATUS(r, 201);
        r = call("GET", keys, me.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "keys"), std::size_t(2));
        EXPECT_ERROR(call("DELETE", keys + "/" + k1, other.token), 404, "NOT_FOUND");
        EXPECT_STATUS(call("DELETE", keys + "/" + k1, me.token), 200);
        r = call("GET", keys, me.token);
        QCOMPARE(N(r.json(), "keys"), std::size_t(1));
        QCOMPARE(where(r.json(), "keys", "id", k1).size(), std::size_t(0));
        QCOMPARE(N(call("GET", keys, other.token).json(), "keys"), std::size_t(0));
    }

    // Heartbeat, /api/agent/stats, /api/agent/me stats, public profile and reviews.
    void presenceStatsAndProfile()
    {
        const auto owner = m_srv->registerMember("stats_owner");
        const auto worker = m_srv->registerMember("stats_worker");
        auto r = call("POST", "/api/agent/heartbeat", worker.token, json::object{});
        EXPECT_STATUS(r, 200);
        const std::string seen = S(r.json(), "lastSeenAt");
        QVERIFY(seen.size() >= 20 && seen.back() == 'Z');
        r = call("GET", "/api/profiles/" + worker.id);
        EXPECT_STATUS(r, 200);
        QCOMPARE_STR(S(r.json(), "profile.lastSeenAt"), seen);
        QCOMPARE_STR(S(r.json(), "profile.handle"), "stats_worker");
        QVERIFY(!has(r.json(), "profile.email"));
        EXPECT_ERROR(call("GET", "/api/profiles/prf_000000000000deadbeefdeadbeef"), 404, "NOT_FOUND");

        // Two finished contracts (rated in the decisions), one cancelled task, one open task with a bid.
        const auto d = bidAndHire(owner, worker, 10000, 8000, __LINE__);
        GUARD;
        submitWork(worker.token, d.contract, __LINE__);
        GUARD;
        decide(owner.token, d.contract,
               json::object{{"action", "accept"}, {"rating", 4}, {"review", "Solid"}}, __LINE__);
        GUARD;
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + d.contract + "/reviews", owner.token,
                          json::object{{"rating", 5}}),
                     409, "DUPLICATE_REVIEW"); // the decision's rating was the owner's review
        EXPECT_STATUS(call("POST", "/api/agent/contracts/" + d.contract + "/reviews", worker.token,
                           json::object{{"rating", 5}, {"text", "Great buyer"}}),
                      201);
        const auto d2 = bidAndHire(owner, worker, 3000, 3000, __LINE__);
        GUARD;
        submitWork(worker.token, d2.contract, __LINE__);
        GUARD;
        decide(owner.token, d2.contract, json::object{{"action", "accept"}, {"rating", 2}}, __LINE__);
        GUARD;
        const std::string cancelled = newTask(owner.token, json::object{{"budgetAmount", 5}}, __LINE__);
        GUARD;
        EXPECT_STATUS(call("POST", "/api/agent/tasks/" + cancelled + "/cancel", owner.token, json::object{}),
                      200);
        const std::string open = newTask(owner.token, json::object{{"budgetAmount", 20}}, __LINE__);
        GUARD;
        newBid(worker.token, open, 1500, __LINE__);
        GUARD;

        r = call("GET", "/api/agent/me", worker.token);
        EXPECT_STATUS(r, 200);
        auto j = r.json();
        QCOMPARE(I(j, "stats.tasksPosted"), 0LL);
        QCOMPARE(I(j, "stats.activeBids"), 1LL);
        QCOMPARE(I(j, "stats.contractsAsBuyer"), 0LL);
        QCOMPARE(I(j, "stats.contractsAsSeller"), 2LL);
        QCOMPARE(I(j, "stats.reviewCount"), 2LL);
        QCOMPARE(C(j, "stats.averageRating"), 300LL); // (4 + 2) / 2
        QCOMPARE(I(j, "stats.exp"), I(j, "profile.exp"));
        QCOMPARE(I(j, "stats.creditScore"), I(j, "profile.creditScore"));
        QVERIFY(I(j, "stats.exp") != kMissing);
        QCOMPARE_STR(S(j, "profile.email"), worker.email);
        r = call("GET", "/api/agent/me", owner.token);
        j = r.json();
        QCOMPARE(I(j, "stats.tasksPosted"), 4LL);
        QCOMPARE(I(j, "stats.activeBids"), 0LL);
        QCOMPARE(I(j, "stats.contractsAsBuyer"), 2LL);
        QCOMPARE(I(j, "stats.contractsAsSeller"), 0LL);
        QCOMPARE(I(j, "stats.reviewCount"), 1LL);
        QCOMPARE(C(j, "stats.averageRating"), 500LL);
        QVERIFY(isNull(call("GET", "/api/agent/me", m_srv->registerMember("fresh_face").token).json(),
                       "stats.averageRating"));

        r = call("GET", "/api/agent/stats", owner.token);
        EXPECT_STATUS(r, 200);
        j = r.json();
        QCOMPARE(I(j, "tasks.published"), 4LL);
        QCOMPARE(I(j, "tasks.completed"), 2LL);
        QCOMPARE(I(j, "tasks.cancelled"), 1LL);
        QCOMPARE(C(j, "spending.total"), 11000LL); // prices paid: (76 + 4 fee) + (28.50 + 1.50 fee)
        QCOMPARE(C(j, "earnings.total"), 0LL);
        QVERIFY(C(j, "spending.thisMonth") != kMissing);
        QCOMPARE(I(j, "skills.published"), 0LL);
        r = call("GET", "/api/agent/stats", worker.token);
        j = r.json();
        QCOMPARE(C(j, "earnings.total"), 10450LL);
        QCOMPARE(C(j, "spending.total"), 0LL);
        QCOMPARE(I(j, "tasks.published"), 0LL);

        r = call("GET", "/api/profiles/" + worker.id + "/reviews");
        EXPECT_STATUS(r, 200);
        QCOMPARE(N(r.json(), "reviews"), std::size_t(2)); // newest first, each with its author
        QCOMPARE(I(r.json(), "reviews.0.rating"), 2LL);
        QCOMPARE_STR(S(r.json(), "reviews.0.contractId"), d2.contract);
        QCOMPARE_STR(S(r.json(), "reviews.0.author.id"), owner.id);
        QVERIFY(isNull(r.json(), "reviews.0.text"));
        QCOMPARE(I(r.json(), "reviews.1.rating"), 4LL);
        QCOMPARE_STR(S(r.json(), "reviews.1.text"), "Solid");
        QCOMPARE_STR(S(r.json(), "reviews.1.author.handle"), "stats_owner");
        QCOMPARE_STR(S(r.json(), "reviews.1.contractId"), d.contract);
        r = call("GET", "/api/profiles/" + worker.id + "/reviews?limit=1");
        QCOMPARE(N(r.json(), "reviews"), std::size_t(1));
        r = call("GET",
                 "/api/profiles/" + worker.id + "/reviews?limit=1&cursor=" + S(r.json(), "nextCursor"));
        QCOMPARE(N(r.json(), "reviews"), std::size_t(1));
        QCOMPARE_STR(S(r.json(), "reviews.0.contractId"), d.contract);
        QVERIFY(isNull(r.json(), "nextCursor"));
        r = call("GET", "/api/profiles/" + owner.id + "/reviews", worker.token);
        QCOMPARE(N(r.json(), "reviews"), std::size_t(1));
        QCOMPARE(I(r.json(), "reviews.0.rating"), 5LL);
        QCOMPARE_STR(S(r.json(), "reviews.0.author.handle"), "stats_worker");
    }

    // Cursor pagination over more than 20 tasks, and notifications read-all.
    void paginationAndReadAll()
    {
        const auto owner = m_srv->registerMember("prolific_owner");
        const auto bidder = m_srv->registerMember("eager_bidder");
        std::set<std::string> created;
        std::vector<std::string> order;
        for (int i = 1; i <= 25; ++i) {
            const std::string id = newTask(
                owner.token, json::object{{"title", "Paged task " + std::to_string(i)}, {"budgetAmount", i}},
                __LINE__);
            GUARD;
            created.insert(id);
            order.push_back(id);
        }
        CHECK_WALLET(owner.token, 100000 - 32500, 0, 32500);

        // Newest first, limit 10: 10 + 10 + 5, no duplicates, nextCursor null at the end.
        std::vector<std::string> seen;
        std::vector<std::size_t> pageSizes;
        std::string cursor;
        for (int guard = 0; guard < 10; ++guard) {
            const auto r =
                call("GET", "/api/tasks?limit=10" + (cursor.empty() ? std::string() : "&cursor=" + cursor));
            EXPECT_STATUS(r, 200);
            const auto j = r.json();
            pageSizes.push_back(N(j, "tasks"));
            for (const auto& t : arr(j, "tasks"))
                seen.push_back(S(t, "id"));
            if (get(j, "nextCursor").is_null())
                break;
            cursor = S(j, "nextCursor");
        }
        QVERIFY((pageSizes == std::vector<std::size_t>{10, 10, 5}));
        QCOMPARE(seen.size(), std::size_t(25));
        QCOMPARE(std::set<std::string>(seen.begin(), seen.end()), created);
        std::vector<std::string> newestFirst(order.rbegin(), order.rend());
        QVERIFY(seen == newestFirst);

        auto r = call("GET", "/api/tasks");
        QCOMPARE(N(r.json(), "tasks"), std::size_t(20)); // the default page
        QVERIFY(get(r.json(), "nextCursor").is_string());
        r = call("GET", "/api/tasks?limit=100");
        QCOMPARE(N(r.json(), "tasks"), std::size_t(25));
        QVERIFY(isNull(r.json(), "nextCursor"));
        r = call("GET", "/api/tasks?limit=25");
        QCOMPARE(N(r.json(), "tasks"), std::size_t(25));
        QVERIFY(isNull(r.json(), "nextCursor")); // an exactly full page is the end
        EXPECT_ERROR(call("GET", "/api/tasks?limit=0"), 400, "VALIDATION");
        EXPECT_ERROR(call("GET", "/api/tasks?limit=101"), 400, "VALIDATION");
        EXPECT_ERROR(call("GET", "/api/tasks?cursor=NOT%20MINE"), 400, "VALIDATION");

        // By budget, 7 per page: every task once, budgets never increasing.
        seen.clear();
        cursor.clear();
        long long last = LLONG_MAX;
        bool ordered = true;
        for (int guard = 0; guard < 10; ++guard) {
            const auto rr = call("GET", "/api/tasks?sort=budget&limit=7" +
                                            (cursor.empty() ? std::string() : "&cursor=" + cursor));
            EXPECT_STATUS(rr, 200);
            const auto j = rr.json();
            for (const auto& t : arr(j, "tasks")) {
                seen.push_back(S(t, "id"));
                ordered = ordered && C(t, "budgetAmount") <= last;
                last = C(t, "budgetAmount");
            }
            if (get(j, "nextCursor").is_null())
                break;
            cursor = S(j, "nextCursor");
        }
        QVERIFY(ordered);
        QCOMPARE(seen.size(), std::size_t(25));
        QCOMPARE(std::set<std::string>(seen.begin(), seen.end()), created);
        QCOMPARE(last, 100LL);

        // The owner's own list pages the same way.
        r = call("GET", "/api/agent/tasks?limit=20", owner.token);
        QCOMPARE(N(r.json(), "tasks"), std::size_t(20));
        r = call("GET", "/api/agent/tasks?limit=20&cursor=" + S(r.json(), "nextCursor"), owner.token);
        QCOMPARE(N(r.json(), "tasks"), std::size_t(5));
        QVERIFY(isNull(r.json(), "nextCursor"));
        QCOMPARE_STR(S(r.json(), "tasks.4.id"), order.front());

        // Notifications: three bids -> three unread, paged, then read-all.
        for (int i = 0; i < 3; ++i) {
            newBid(bidder.token, order[static_cast<std::size_t>(i) + 20], 100, __LINE__);
            GUARD;
        }
        QCOMPARE(I(call("GET", "/api/agent/notifications/unread-count", owner.token).json(), "unreadCount"),
                 3LL);
        r = call("GET", "/api/agent/notifications?limit=2", owner.token);
        QCOMPARE(N(r.json(), "notifications"), std::size_t(2));
        const std::string firstPageLast = S(r.json(), "notifications.1.id");
        r = call("GET", "/api/agent/notifications?limit=2&cursor=" + S(r.json(), "nextCursor"), owner.token);
        QCOMPARE(N(r.json(), "notifications"), std::size_t(1));
        QVERIFY(S(r.json(), "notifications.0.id") < firstPageLast);
        QVERIFY(isNull(r.json(), "nextCursor"));
        r = call("POST", "/api/agent/notifications/read-all", owner.token, json::object{});
        EXPECT_STATUS(r, 200);
        QCOMPARE(I(r.json(), "updated"), 3LL);
        QCOMPARE(I(call("GET", "/api/agent/notifications/unread-count", owner.token).json(), "unreadCount"),
                 0LL);
        QCOMPARE(N(call("GET", "/api/agent/notifications?unreadOnly=1", owner.token).json(), "notifications"),
                 std::size_t(0));
        QCOMPARE(N(call("GET", "/api/agent/notifications", owner.token).json(), "notifications"),
                 std::size_t(3));
        r = call("POST", "/api/agent/notifications/read-all", owner.token, json::object{});
        QCOMPARE(I(r.json(), "updated"), 0LL);
    }

    // ---------------------------------------------------------------------------------------------
    // 11. The wallet's transaction list, signed from the caller's side.
    void walletTransactionsSigned()
    {
        const auto owner = m_srv->registerMember("ledger_owner");
        const auto worker = m_srv->registerMember("ledger_worker");
        const auto stranger = m_srv->registerMember("ledger_stranger");
        const auto d = bidAndHire(owner, worker, 20000, 15000, __LINE__);
        GUARD;
        submitWork(worker.token, d.contract, __LINE__);
        GUARD;
        decide(owner.token, d.contract, json::object{{"action", "accept"}}, __LINE__);
        GUARD;
        m_srv->server().clock().advance(std::chrono::hours(25));
        m_srv->server().runJobsNow();
        CHECK_WALLET(owner.token, 85000, 0, 0);
        CHECK_WALLET(worker.token, 114250, 0, 0);

        struct Row
        {
            std::string kind;
            long long amount;
            std::string account;
        };
        auto rows = [&](const std::string& token, const std::string& query) {
            std::vector<Row> out;
            const auto r = call("GET", "/api/agent/wallet/transactions" + query, token);
            if (r.status != 200)
                return out;
            for (const auto& t : arr(r.json(), "transactions"))
                out.push_back({S(t, "kind"), C(t, "amount"), S(t, "account")});
            return out;
        };
        auto render = [](const std::vector<Row>& v) {
            std::string s;
            for (const auto& r : v)
                s += r.kind + ":" + std::to_string(r.amount) + "@" + r.account + " ";
            return s;
        };
        auto expectRows = [&](const std::vector<Row>& got, const std::vector<Row>& want) {
            bool same = got.size() == want.size();
            for (std::size_t i = 0; same && i < got.size(); ++i)
                same = got[i].kind == want[i].kind && got[i].amount == want[i].amount &&
                       got[i].account == want[i].account;
            return same;
        };

        auto r = call("GET", "/api/agent/wallet/transactions", owner.token);
        EXPECT_STATUS(r, 200);
        QVERIFY(isNull(r.json(), "nextCursor"));
        QVERIFY(S(r.json(), "transactions.0.id").rfind("txn_", 0) == 0);
        QCOMPARE_STR(S(r.json(), "transactions.0.currency"), "CREDITS");
        QCOMPARE_STR(S(r.json(), "transactions.0.refType"), "contract");
        QCOMPARE_STR(S(r.json(), "transactions.0.refId"), d.contract);
        // Newest first: fee and payout out of the owner's escrow, the surplus back, the escrow, the grant.
        const auto ownerRows = rows(owner.token, "");
        const std::vector<Row> ownerWant{{"fee", -750, "escrow"},
                                         {"payout", -14250, "escrow"},
                                         {"refund", 5000, "available"},
                                         {"escrow", -20000, "available"},
                                         {"registration_grant", 100000, "available"}};
        QVERIFY2(expectRows(ownerRows, ownerWant), render(ownerRows).c_str());
        long long availableSum = 0;
        for (const auto& row : ownerRows)
            if (row.account == "available")
                availableSum += row.amount;
        QCOMPARE(availableSum, 85000LL); // the available entries add up to the balance

        const auto workerRows = rows(worker.token, "");
        const std::vector<Row> workerWant{{"release", 14250, "available"},
                                          {"payout", 14250, "pending"},
                                          {"registration_grant", 100000, "available"}};
        QVERIFY2(expectRows(workerRows, workerWant), render(workerRows).c_str());
        const auto payoutOnly = rows(worker.token, "?kind=payout");
        QVERIFY2(expectRows(payoutOnly, {{"payout", 14250, "pending"}}), render(payoutOnly).c_str());
        const auto strangerRows = rows(stranger.token, "");
        QVERIFY2(expectRows(strangerRows, {{"registration_grant", 100000, "available"}}),
                 render(strangerRows).c_str());

        // Paged: 2 + 2 + 1, same order.
        std::vector<Row> paged;
        std::string cursor;
        for (int guard = 0; guard < 5; ++guard) {
            const auto p = call(
                "GET", "/api/agent/wallet/transactions?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
                owner.token);
            EXPECT_STATUS(p, 200);
            for (const auto& t : arr(p.json(), "transactions"))
                paged.push_back({S(t, "kind"), C(t, "amount"), S(t, "account")});
            if (get(p.json(), "nextCursor").is_null())
                break;
            cursor = S(p.json(), "nextCursor");
        }
        QVERIFY2(expectRows(paged, ownerWant), render(paged).c_str());
        EXPECT_ERROR(call("GET", "/api/agent/wallet/transactions"), 401, "UNAUTHORIZED");
    }
};

TASKDESK_API_TEST_MAIN(ApiFlowsTest)
#include "tst_api_flows.moc"
