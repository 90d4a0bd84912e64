// GET /api/agent/review-queue: every submission awaiting the caller's decision
// (contract deliveries and open-task submissions), oldest first, with the
// task's criteria and the exact time the background job auto-accepts it;
// cursor paging; nobody but the deciding owner ever sees an item; decided
// submissions leave the queue.
#include "Clock.h"
#include "JsonPath.h"
#include "MarketplaceFixture.h"
#include "PlatformServer.h"
#include "TestServer.h"

#include <QTest>
#include <chrono>

using namespace taskdesk::test;
namespace json = boost::json;
using taskdesk::domain::Clock;

namespace {

std::vector<std::string> ids(const json::value& page)
{
    std::vector<std::string> out;
    const json::value list = jsonPath(page, "submissions");
    if (list.is_array())
        for (const auto& s : list.as_array())
            out.push_back(jsonText(jsonPath(s, "id")));
    return out;
}

const json::object* itemWithId(const json::value& page, const std::string& id)
{
    const json::value& list = page.as_object().at("submissions");
    for (const auto& s : list.as_array())
        if (jsonText(jsonPath(s, "id")) == id)
            return &s.as_object();
    return nullptr;
}

long long secondsBetween(const std::string& from, const std::string& to)
{
    const auto a = Clock::parseIso(from);
    const auto b = Clock::parseIso(to);
    if (!a || !b)
        return -1;
    return std::chrono::duration_cast<std::chrono::seconds>(*b - *a).count();
}

} // namespace

class ApiReviewTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    json::value queue(const std::string& token, const std::string& query = {})
    {
        const auto r = call("GET", "/api/agent/review-queue" + query, token);
        if (r.status != 200) {
            qWarning("review-queue: %d %s", r.status, r.body.c_str());
            return nullptr;
        }
        return r.json();
    }

    std::string postTask(const TestServer::Member& owner, json::object body)
    {
        if (!body.contains("title"))
            body["title"] = "Review queue task";
        body["description"] = "Produce the result and explain what was done.";
        if (!body.contains("budgetAmount"))
            body["budgetAmount"] = 100;
        body["budgetCurrency"] = "CREDITS";
        const auto r = call("POST", "/api/agent/tasks", owner.token, body);
        if (r.status != 201) {
            qWarning("post task: %d %s", r.status, r.body.c_str());
            return {};
        }
        return jsonText(jsonPath(r.json(), "task.id"));
    }

    // A bid task hired at price; returns the contract id.
    std::string hired(const TestServer::Member& owner, const TestServer::Member& worker, json::object task,
                      double price)
    {
        const std::string taskId = postTask(owner, std::move(task));
        if (taskId.empty())
            return {};
        auto r = call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                      json::object{{"proposedAmount", price}, {"etaDays", 1}, {"approach", "Do it well."}});
        if (r.status != 201)
            return {};
        const std::string bidId = jsonText(jsonPath(r.json(), "bid.id"));
        r = call("POST", "/api/agent/contracts", owner.token,
                 json::object{{"taskId", taskId}, {"bidId", bidId}});
        if (r.status != 201)
            return {};
        return jsonText(jsonPath(r.json(), "contract.id"));
    }

    std::string deliver(const TestServer::Member& worker, const std::string& contractId, json::object body)
    {
        const auto r =
            call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token, body);
        if (r.status != 201) {
            qWarning("deliver: %d %s", r.status, r.body.c_str());
            return {};
        }
        return jsonText(jsonPath(r.json(), "submission.id"));
    }

    std::string submitOpen(const TestServer::Member& worker, const std::string& taskId, json::object body)
    {
        const auto r = call("POST", "/api/agent/tasks/" + taskId + "/submissions", worker.token, body);
        if (r.status != 201) {
            qWarning("submit: %d %s", r.status, r.body.c_str());
            return {};
        }
        return jsonText(jsonPath(r.json(), "submission.id"));
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
    }
    void cleanup()
    {
        QVERIFY(m_srv->ledger().balanced);
        m_srv.reset();
    }

    void authScopeAndValidation()
    {
        const auto a = m_srv->registerMember("rq_auth");
        QCOMPARE(call("GET", "/api/agent/review-queue").status, 401);
        QCOMPARE(call("GET", "/api/agent/review-queue", "td_not_a_token").status, 401);
        auto narrow = call("POST", "/api/agent/me/tokens", a.token,
                           json::object{{"name", "narrow"}, {"scopes", json::array{"tasks:read"}}});
        QCOMPARE(narrow.status, 201);
        auto r = call("GET", "/api/agent/review-queue", jsonText(jsonPath(narrow.json(), "tokenValue")));
        QCOMPARE(r.status, 403);
        QCOMPARE(jsonText(jsonPath(r.json(), "code")), std::string("MISSING_SCOPE"));
        auto reader = call("POST", "/api/agent/me/tokens", a.token,
                           json::object{{"name", "reader"}, {"scopes", json::array{"submissions:read"}}});
        QCOMPARE(
            call("GET", "/api/agent/review-queue", jsonText(jsonPath(reader.json(), "tokenValue"))).status,
            200);
        QCOMPARE(call("GET", "/api/agent/review-queue?limit=0", a.token).status, 400);
        QCOMPARE(call("GET", "/api/agent/review-queue?limit=101", a.token).status, 400);
        QCOMPARE(call("GET", "/api/agent/review-queue?cursor=x%27%20OR%201=1", a.token).status, 400);
        r = call("GET", "/api/agent/review-queue", a.token);
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(r.json()).size(), std::size_t(0));
        QVERIFY(jsonPath(r.json(), "nextCursor").is_null());
    }

    // Both sources, oldest first, with the task, submitter and deadlines.
    void contentsAndOrder()
    {
        const auto owner = m_srv->registerMember("rq_owner");
        const auto w1 = m_srv->registerMember("rq_w1", {"data"});
        const auto w2 = m_srv->registerMember("rq_w2", {"data"});
        const auto w3 = m_srv->registerMember("rq_w3", {"data"});

        const std::string contractId =
            hired(owner, w1,
                  json::object{{"title", "Bid task"},
                               {"acceptanceCriteria", json::array{"Has tests", "Documented"}},
                               {"reviewWindowHours", 48}},
                  80);
        QVERIFY(!contractId.empty());
        const std::string openTask = postTask(
            owner,
            json::object{{"title", "Open task"},
                         {"mode", "open"},
                         {"skillsTags", json::array{"data"}},
                         {"acceptanceCriteria", json::array{"Prints RESULT"}},
                         {"verification", json::object{{"type", "regex"}, {"pattern", "^RESULT: [0-9]+$"}}}});
        QVERIFY(!openTask.empty());

        // Before any submission, and work in progress, is nothing to review.
        QCOMPARE(ids(queue(owner.token)).size(), std::size_t(0));

        const std::string s1 = deliver(
            w1, contractId,
            json::object{{"summaryText", "Done"},
                         {"output", json::object{{"answer", 42}}},
                         {"deliverableUrl", "https://example.com/pr/1"},
                         {"notes", "See the PR"},
                         {"attachments", json::array{json::object{{"url", "https://example.com/a.txt"},
                                                                  {"name", "a.txt"},
                                                                  {"mimeType", "text/plain"},
                                                                  {"size", 12},
                                                                  {"sha256", std::string(64, 'a')}}}}});
        QVERIFY(!s1.empty());
        QTest::qWait(5); // distinct creation times
        const std::string s2 = submitOpen(w2, openTask, json::object{{"output", "RESULT: 7"}});
        QTest::qWait(5);
        const std::string s3 = submitOpen(w3, openTask, json::object{{"output", "nothing"}});
        QVERIFY(!s2.empty() && !s3.empty());

        const json::value q = queue(owner.token);
        QCOMPARE(ids(q), (std::vector<std::string>{s1, s2, s3}));
        QVERIFY(jsonPath(q, "nextCursor").is_null());

        const json::object* c = itemWithId(q, s1);
        QVERIFY(c);
        QCOMPARE(jsonText(jsonPath(*c, "source")), std::string("contract"));
        QCOMPARE(jsonText(jsonPath(*c, "contractId")), contractId);
        QCOMPARE(jsonText(jsonPath(*c, "status")), std::string("pending"));
        QCOMPARE(jsonText(jsonPath(*c, "summaryText")), std::string("Done"));
        QCOMPARE(jsonPath(*c, "output.answer").to_number<int>(), 42);
        QCOMPARE(jsonText(jsonPath(*c, "deliverableUrl")), std::string("https://example.com/pr/1"));
        QCOMPARE(jsonText(jsonPath(*c, "notes")), std::string("See the PR"));
        QCOMPARE(jsonText(jsonPath(*c, "attachments.0.name")), std::string("a.txt"));
        QCOMPARE(jsonText(jsonPath(*c, "attachments.0.sha256")), std::string(64, 'a'));
        QVERIFY(jsonPath(*c, "verification").is_null());
        QCOMPARE(jsonText(jsonPath(*c, "submitter.id")), w1.id);
        QCOMPARE(jsonText(jsonPath(*c, "submitter.handle")), std::string("rq_w1"));
        QCOMPARE(jsonText(jsonPath(*c, "task.title")), std::string("Bid task"));
        QCOMPARE(jsonText(jsonPath(*c, "task.acceptanceCriteria.1")), std::string("Documented"));
        QCOMPARE(jsonPath(*c, "task.reviewWindowHours").to_number<int>(), 48);
        QVERIFY(jsonPath(*c, "task.verification").is_null());
        // The deadline is the contract's: the one the auto-accept job compares with.
        const auto contract = call("GET", "/api/agent/contracts/" + contractId, owner.token);
        QCOMPARE(jsonText(jsonPath(*c, "reviewDueAt")),
                 jsonText(jsonPath(contract.json(), "contract.reviewDueAt")));
        const long long window =
            secondsBetween(jsonText(jsonPath(*c, "createdAt")), jsonText(jsonPath(*c, "reviewDueAt")));
        QVERIFY2(window >= 48 * 3600 - 1 && window <= 48 * 3600 + 1, std::to_string(window).c_str());

        const json::object* o = itemWithId(q, s2);
        QVERIFY(o);
        QCOMPARE(jsonText(jsonPath(*o, "source")), std::string("task"));
        QVERIFY(jsonPath(*o, "contractId").is_null());
        QCOMPARE(jsonText(jsonPath(*o, "task.id")), openTask);
        QCOMPARE(jsonText(jsonPath(*o, "task.acceptanceCriteria.0")), std::string("Prints RESULT"));
        QCOMPARE(jsonText(jsonPath(*o, "task.verification.type")), std::string("regex"));
        QCOMPARE(jsonPath(*o, "task.reviewWindowHours").to_number<int>(), 72);
        QVERIFY(jsonPath(*o, "verification.passed").as_bool());
        QCOMPARE(jsonText(jsonPath(*o, "output")), std::string("RESULT: 7"));
        QCOMPARE(secondsBetween(jsonText(jsonPath(*o, "createdAt")), jsonText(jsonPath(*o, "reviewDueAt"))),
                 72LL * 3600);
        const json::object* f = itemWithId(q, s3);
        QVERIFY(f);
        QVERIFY(!jsonPath(*f, "verification.passed").as_bool());
        QVERIFY(!jsonText(jsonPath(*f, "verification.detail")).empty());
        QCOMPARE(jsonText(jsonPath(*f, "submitter.handle")), std::string("rq_w3"));
    }

    // reviewDueAt is when the job acts: a minute before, the item stays; a
    // minute after, the job has accepted it and it is gone.
    void reviewDueAtMatchesAutoAccept()
    {
        const auto owner = m_srv->registerMember("due_owner");
        const auto w = m_srv->registerMember("due_worker", {"data"});
        const std::string contractId = hired(owner, w, json::object{{"reviewWindowHours", 2}}, 50);
        const std::string openTask =
            postTask(owner, json::object{{"mode", "open"}, {"reviewWindowHours", 3}, {"budgetAmount", 20}});
        QVERIFY(!contractId.empty() && !openTask.empty());
        const std::string s1 = deliver(w, contractId, json::object{{"summaryText", "Here"}});
        const std::string s2 = submitOpen(w, openTask, json::object{{"summaryText", "Mine"}});
        QVERIFY(!s1.empty() && !s2.empty());
        const json::value q = queue(owner.token);
        QCOMPARE(ids(q).size(), std::size_t(2));
        const std::string due1 = jsonText(jsonPath(*itemWithId(q, s1), "reviewDueAt"));
        const std::string due2 = jsonText(jsonPath(*itemWithId(q, s2), "reviewDueAt"));
        auto& clock = m_srv->server().clock();
        const auto untilDue = [&](const std::string& due) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(*Clock::parseIso(due) - clock.now());
        };
        clock.advance(untilDue(due1) - std::chrono::minutes(1));
        m_srv->server().runJobsNow();
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{s1, s2}));
        clock.advance(std::chrono::minutes(2));
        m_srv->server().runJobsNow();
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{s2}));
        QCOMPARE(jsonText(jsonPath(call("GET", "/api/agent/contracts/" + contractId, owner.token).json(),
                                   "contract.status")),
                 std::string("accepted"));
        clock.advance(untilDue(due2) - std::chrono::minutes(1));
        m_srv->server().runJobsNow();
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{s2}));
        clock.advance(std::chrono::minutes(2));
        m_srv->server().runJobsNow();
        QCOMPARE(ids(queue(owner.token)).size(), std::size_t(0));
    }

    void pagingWithCursor()
    {
        const auto owner = m_srv->registerMember("page_owner");
        const std::string openTask = postTask(owner, json::object{{"mode", "open"}});
        QVERIFY(!openTask.empty());
        std::vector<std::string> expected;
        for (int i = 0; i < 5; ++i) {
            const auto w = m_srv->registerMember("page_w" + std::to_string(i));
            const std::string s =
                submitOpen(w, openTask, json::object{{"summaryText", "Take " + std::to_string(i)}});
            QVERIFY(!s.empty());
            expected.push_back(s);
            QTest::qWait(2);
        }
        std::vector<std::string> seen;
        std::string cursor;
        int pages = 0;
        do {
            const json::value q =
                queue(owner.token, "?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
            QVERIFY(q.is_object());
            const auto page = ids(q);
            QVERIFY(page.size() <= 2);
            seen.insert(seen.end(), page.begin(), page.end());
            cursor = jsonText(jsonPath(q, "nextCursor"));
            ++pages;
        } while (!cursor.empty() && pages < 10);
        QCOMPARE(pages, 3);
        QCOMPARE(seen, expected);
    }

    // Nobody else sees the owner's queue: not the workers, not a stranger.
    void isolationBetweenMembers()
    {
        const auto owner = m_srv->registerMember("iso_owner");
        const auto other = m_srv->registerMember("iso_other");
        const auto w = m_srv->registerMember("iso_worker");
        const std::string contractId = hired(owner, w, {}, 40);
        const std::string openTask = postTask(owner, json::object{{"mode", "open"}});
        QVERIFY(!contractId.empty() && !openTask.empty());
        QVERIFY(!deliver(w, contractId, json::object{{"summaryText", "x"}}).empty());
        QVERIFY(!submitOpen(w, openTask, json::object{{"summaryText", "y"}}).empty());
        // The other member has a queue item of their own.
        const std::string otherTask = postTask(other, json::object{{"mode", "open"}});
        const std::string otherSub = submitOpen(w, otherTask, json::object{{"summaryText", "z"}});
        QVERIFY(!otherSub.empty());

        QCOMPARE(ids(queue(owner.token)).size(), std::size_t(2));
        QCOMPARE(ids(queue(other.token)), (std::vector<std::string>{otherSub}));
        QCOMPARE(ids(queue(w.token)).size(), std::size_t(0));
        // A cursor from someone else's queue reveals nothing either.
        const auto ownerIds = ids(queue(owner.token));
        QCOMPARE(ids(queue(other.token, "?cursor=" + ownerIds.front())).size(), std::size_t(1));
        QCOMPARE(call("GET", "/api/agent/review-queue", "").status, 401);
    }

    void decidedSubmissionsLeave()
    {
        const auto owner = m_srv->registerMember("dec_owner");
        const auto w1 = m_srv->registerMember("dec_w1");
        const auto w2 = m_srv->registerMember("dec_w2");
        const auto w3 = m_srv->registerMember("dec_w3");
        const std::string contractId = hired(owner, w1, {}, 60);
        const std::string openTask = postTask(owner, json::object{{"mode", "open"}});
        QVERIFY(!contractId.empty() && !openTask.empty());
        const std::string d1 = deliver(w1, contractId, json::object{{"summaryText", "first"}});
        const std::string o2 = submitOpen(w2, openTask, json::object{{"summaryText", "two"}});
        const std::string o3 = submitOpen(w3, openTask, json::object{{"summaryText", "three"}});
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{d1, o2, o3}));

        auto r = call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                      json::object{{"action", "reject"}, {"reason", "Missing tests"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{o2, o3}));
        // A resubmission is a new item, after the older ones.
        const std::string d2 = deliver(w1, contractId, json::object{{"summaryText", "second"}});
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{o2, o3, d2}));
        r = call("POST", "/api/agent/tasks/" + openTask + "/submissions/" + o2 + "/decision", owner.token,
                 json::object{{"action", "reject"}, {"reason", "Wrong"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{o3, d2}));
        r = call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                 json::object{{"action", "accept"}, {"rating", 5}});
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{o3}));
        r = call("POST", "/api/agent/tasks/" + openTask + "/submissions/" + o3 + "/decision", owner.token,
                 json::object{{"action", "accept"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(queue(owner.token)).size(), std::size_t(0));
    }

    // A skill hire's delivery has no task; it waits in the buyer's queue like any other,
    // titled by the skill, with the hire's brief, and leaves it when decided.
    void skillHireDeliveriesAreQueued()
    {
        const auto buyer = m_srv->registerMember("hire_buyer");
        const auto seller = m_srv->registerMember("hire_seller");
        const auto stranger = m_srv->registerMember("hire_stranger");
        MarketplaceFixture f(*m_srv);
        const std::string skillId = f.publishSkill(seller.token, "Proofread a README", 12);
        const std::string hireId = f.requestHire(buyer.token, skillId);
        const std::string contractId = f.acceptHire(seller.token, hireId);
        const std::string first = deliver(seller, contractId, json::object{{"summaryText", "proofread"}});
        QVERIFY(!first.empty());

        const auto page = queue(buyer.token);
        QCOMPARE(ids(page), (std::vector<std::string>{first}));
        const auto* item = itemWithId(page, first);
        QVERIFY(item);
        const json::value v(*item);
        QCOMPARE(jsonText(jsonPath(v, "source")), std::string("contract"));
        QCOMPARE(jsonText(jsonPath(v, "contractId")), contractId);
        QVERIFY(jsonPath(v, "taskId").is_null());
        QCOMPARE(jsonText(jsonPath(v, "task.title")), std::string("Proofread a README"));
        QVERIFY(jsonPath(v, "task.acceptanceCriteria").is_array());
        QCOMPARE(jsonText(jsonPath(v, "hire.id")), hireId);
        QCOMPARE(jsonText(jsonPath(v, "hire.brief")), std::string("Please do the thing described."));
        QVERIFY(!jsonText(jsonPath(v, "reviewDueAt")).empty());
        // Nobody else sees it: not the seller, not a stranger.
        QCOMPARE(ids(queue(seller.token)).size(), std::size_t(0));
        QCOMPARE(ids(queue(stranger.token)).size(), std::size_t(0));
        // An open-task item still carries no hire.
        const std::string openTask = postTask(buyer, json::object{{"mode", "open"}});
        const std::string openSub = submitOpen(stranger, openTask, json::object{{"summaryText", "o"}});
        const auto both = queue(buyer.token);
        QCOMPARE(ids(both), (std::vector<std::string>{first, openSub}));
        QVERIFY(jsonPath(json::value(*itemWithId(both, openSub)), "hire").is_null());

        const auto r = call("POST", "/api/agent/contracts/" + contractId + "/decision", buyer.token,
                            json::object{{"action", "reject"}, {"reason", "Two typos remain"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(ids(queue(buyer.token)), (std::vector<std::string>{openSub}));
    }

    // Accepting one open submission closes the task: the others leave too;
    // a cancelled open task takes its pending submissions out of the queue.
    void closedTasksLeaveTheQueue()
    {
        const auto owner = m_srv->registerMember("close_owner");
        const auto w1 = m_srv->registerMember("close_w1");
        const auto w2 = m_srv->registerMember("close_w2");
        const std::string t1 = postTask(owner, json::object{{"mode", "open"}});
        const std::string t2 = postTask(owner, json::object{{"mode", "open"}});
        const std::string a = submitOpen(w1, t1, json::object{{"summaryText", "a"}});
        const std::string b = submitOpen(w2, t1, json::object{{"summaryText", "b"}});
        const std::string c = submitOpen(w1, t2, json::object{{"summaryText", "c"}});
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{a, b, c}));
        QCOMPARE(call("POST", "/api/agent/tasks/" + t1 + "/submissions/" + a + "/decision", owner.token,
                      json::object{{"action", "accept"}})
                     .status,
                 200);
        QCOMPARE(ids(queue(owner.token)), (std::vector<std::string>{c}));
        // A cancelled task takes no decision any more: its submission leaves the queue.
        QCOMPARE(call("POST", "/api/agent/tasks/" + t2 + "/cancel", owner.token).status, 200);
        QCOMPARE(ids(queue(owner.token)).size(), std::size_t(0));
    }
};

TASKDESK_API_TEST_MAIN(ApiReviewTest)
#include "tst_api_review.moc"
