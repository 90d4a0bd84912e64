// Disputes and the support desk over real HTTP: who may open a dispute and when,
// the staff-only queue and case file (from the attacker's side too), assignment,
// internal notes and messages to the parties, and each resolution with its exact
// ledger figures and notifications.
#include "ApiExpect.h"
#include "MarketplaceFixture.h"

#include <QTest>
#include <algorithm>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {
#define EXPECT_HIDDEN(reply)                                                                                 \
    do {                                                                                                     \
        const auto& r_ = (reply);                                                                            \
        QVERIFY2(r_.status == 404 || r_.status == 403, (std::to_string(r_.status) + " " + r_.body).c_str()); \
    } while (0)

constexpr long long kBudget = 10001; // 100.01 CREDITS: 37% and 5% both round
} // namespace

class ApiDisputesTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    std::unique_ptr<MarketplaceFixture> m_f;

    Reply call(const std::string& m, const std::string& p, const std::string& t = {},
               const json::value& b = nullptr, std::vector<std::pair<std::string, std::string>> h = {})
    {
        return m_f->call(m, p, t, b, std::move(h));
    }
    static std::string T(const Reply& r, const std::string& p) { return MarketplaceFixture::text(r, p); }

    struct Case
    {
        TestServer::Member owner, worker;
        std::string taskId, contractId, disputeId;
    };
    // A claim task of 100.01 CREDITS, rejected three times, disputed by its worker.
    Case disputedTask(const std::string& prefix)
    {
        Case c;
        c.owner = m_srv->registerMember(prefix + "_owner");
        c.worker = m_srv->registerMember(prefix + "_worker", {"docs"});
        std::tie(c.taskId, c.contractId) = m_f->claimedTask(c.owner.token, c.worker.token, kBudget);
        m_f->rejectTimes(c.owner.token, c.worker.token, c.contractId, 3);
        const auto r =
            call("POST", "/api/agent/contracts/" + c.contractId + "/disputes", c.worker.token,
                 json::object{{"reason", "Rejected 3 times"}, {"evidence", "All criteria are met"}});
        if (r.status != 201)
            throw std::runtime_error("dispute: " + r.body);
        c.disputeId = T(r, "dispute.id");
        return c;
    }
    Reply resolve(const std::string& token, const std::string& id, json::object body)
    {
        return call("POST", "/api/support/disputes/" + id + "/resolve", token, std::move(body));
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        m_f = std::make_unique<MarketplaceFixture>(*m_srv);
    }
    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        QCOMPARE(l.mismatchedAccounts, 0LL);
        m_f.reset();
        m_srv.reset();
    }

    void workerDisputesAfterThreeRejections()
    {
        const auto staff = m_f->supportMember("first_staff");
        const auto owner = m_srv->registerMember("d_owner");
        const auto worker = m_srv->registerMember("d_worker", {"docs"});
        const auto stranger = m_srv->registerMember("d_stranger");
        const auto [taskId, contractId] = m_f->claimedTask(owner.token, worker.token, kBudget);
        const std::string path = "/api/agent/contracts/" + contractId + "/disputes";
        const json::object body{{"reason", "The criteria were met"}, {"evidence", "See the second chapter"}};
        m_f->rejectTimes(owner.token, worker.token, contractId, 2);
        // Two rejections are not enough (seed 000: rejectionCount >= 3).
        EXPECT_ERROR(call("POST", path, worker.token, body), 409, "DISPUTE_NOT_ALLOWED");
        EXPECT_STATUS(m_f->submit(worker.token, contractId, "Attempt 3"), 201);
        EXPECT_ERROR(call("POST", path, worker.token, body), 409, "DISPUTE_NOT_ALLOWED");
        EXPECT_STATUS(m_f->decide(owner.token, contractId, "reject", "reason 3"), 200);
        EXPECT_ERROR(m_f->submit(worker.token, contractId, "Attempt 4"), 409, "MAX_DELIVERIES");

        // Order of checks from the outside in: who, whether it exists for you, may you, the body.
        EXPECT_ERROR(call("POST", path, "", body), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("POST", path, stranger.token, body), 404, "NOT_FOUND");
        EXPECT_ERROR(call("POST", path, owner.token, body), 403, "FORBIDDEN"); // a task's owner cannot
        EXPECT_ERROR(call("POST", path, worker.token, json::object{{"evidence", "no reason"}}), 400,
                     "VALIDATION");
        EXPECT_ERROR(call("POST", path, worker.token, json::object{{"reason", std::string("bad\x07")}}), 400,
                     "VALIDATION");

        auto r = call("POST", path, worker.token, body);
        EXPECT_STATUS(r, 201);
        const std::string disputeId = T(r, "dispute.id");
        QVERIFY(disputeId.rfind("dsp_", 0) == 0);
        QCOMPARE(T(r, "dispute.status"), std::string("open"));
        QCOMPARE(T(r, "dispute.openedBy.id"), worker.id);
        QCOMPARE(T(r, "dispute.contractId"), contractId);
        QCOMPARE(T(r, "dispute.taskId"), taskId);
        EXPECT_ERROR(call("POST", path, worker.token, body), 409, "DUPLICATE_DISPUTE");
        r = call("GET", "/api/agent/contracts/" + contractId, owner.token);
        QCOMPARE(T(r, "contract.status"), std::string("disputed"));
        // Both parties and support are told.
        QCOMPARE(m_f->notifications(owner.token, "dispute.opened").size(), std::size_t(1));
        QCOMPARE(m_f->notifications(worker.token, "dispute.opened").size(), std::size_t(1));
        QCOMPARE(m_f->notifications(staff.token, "dispute.opened").size(), std::size_t(1));
        QCOMPARE(m_f->notifications(stranger.token, "dispute.opened").size(), std::size_t(0));
        // Parties list and read it; nobody else.
        r = call("GET", "/api/agent/disputes", owner.token);
        QCOMPARE(T(r, "disputes.0.id"), disputeId);
        QCOMPARE(call("GET", "/api/agent/disputes", stranger.token).json().at("disputes").as_array().size(),
                 std::size_t(0));
        EXPECT_STATUS(call("GET", "/api/agent/disputes/" + disputeId, worker.token), 200);
        EXPECT_ERROR(call("GET", "/api/agent/disputes/" + disputeId, stranger.token), 404, "NOT_FOUND");
        // The disputed contract takes no more decisions or cancellations.
        EXPECT_ERROR(call("POST", "/api/agent/contracts/" + contractId + "/cancellation", owner.token,
                          json::object{{"action", "apply"}, {"reason", "Give up"}}),
                     409, "STATE_CONFLICT");
        // The escrow is untouched until support decides.
        QCOMPARE(m_f->wallet(owner.token).escrow, kBudget);
    }

    void buyerDisputesASkillHire()
    {
        const auto seller = m_srv->registerMember("h_seller");
        const auto buyer = m_srv->registerMember("h_buyer");
        const std::string skillId = m_f->publishSkill(seller.token, "Dataset labelling", 100.01);
        const std::string contractId = m_f->acceptHire(seller.token, m_f->requestHire(buyer.token, skillId));
        const std::string path = "/api/agent/contracts/" + contractId + "/disputes";
        const json::object body{{"reason", "Labels are wrong"}};
        // Not before a submission exists.
        EXPECT_ERROR(call("POST", path, buyer.token, body), 409, "DISPUTE_NOT_ALLOWED");
        EXPECT_STATUS(m_f->submit(seller.token, contractId, "Labels attached"), 201);
        auto r = call("POST", path, buyer.token, body);
        EXPECT_STATUS(r, 201);
        QCOMPARE(T(r, "dispute.contractKind"), std::string("hire"));
        QVERIFY(jsonPath(r.json(), "dispute.taskId").is_null());
        QCOMPARE(m_f->notifications(seller.token, "dispute.opened").size(), std::size_t(1));
        // A disputed submission is not auto-accepted when its review window passes.
        m_srv->server().clock().advance(std::chrono::hours(80));
        m_srv->server().runJobsNow();
        r = call("GET", "/api/agent/contracts/" + contractId, seller.token);
        QCOMPARE(T(r, "contract.status"), std::string("disputed"));
        QCOMPARE(m_f->wallet(seller.token).pending, 0LL);
        QCOMPARE(m_f->wallet(buyer.token).escrow, kBudget);
    }

    void supportDeskIsStaffOnly()
    {
        const auto c = disputedTask("q1");
        const auto staff = m_f->supportMember("desk_staff");
        const auto readOnlyStaff = m_f->supportMember("desk_reader", json::array{"support:read"});
        const auto user = m_srv->registerMember("plain_member");
        const std::string id = c.disputeId;
        const std::vector<std::pair<std::string, std::string>> routes = {
            {"GET", "/api/support/disputes"},
            {"GET", "/api/support/disputes/" + id},
            {"POST", "/api/support/disputes/" + id + "/assign"},
            {"POST", "/api/support/disputes/" + id + "/notes"},
            {"POST", "/api/support/disputes/" + id + "/messages"},
            {"POST", "/api/support/disputes/" + id + "/resolve"},
            {"GET", "/api/support/audit"},
        };
        const json::object anyBody{{"outcome", "refund"}, {"text", "x"}, {"body", "x"}, {"assigneeId", "me"}};
        for (const auto& [method, path] : routes) {
            const json::value b = method == "POST" ? json::value(anyBody) : json::value(nullptr);
            EXPECT_ERROR(call(method, path, "", b), 401, "UNAUTHORIZED");
            EXPECT_ERROR(call(method, path, "td_forged", b), 401, "UNAUTHORIZED");
            // Neither an ordinary member, nor a party, nor a forged role header gets in.
            for (const auto* token : {&user.token, &c.owner.token, &c.worker.token}) {
                const auto r = call(method, path, *token, b, {{"X-Role", "support"}, {"X-Support", "1"}});
                EXPECT_HIDDEN(r);
                QVERIFY2(r.body.find("Rejected 3 times") == std::string::npos, r.body.c_str());
            }
        }
        // Staff whose token only reads cannot write.
        for (const auto& [method, path] : routes) {
            const auto r =
                call(method, path, readOnlyStaff.token, method == "POST" ? json::value(anyBody) : nullptr);
            if (method == "GET")
                EXPECT_STATUS(r, 200);
            else
                EXPECT_ERROR(r, 403, "MISSING_SCOPE");
        }
        // Nothing changed: the dispute is open, unassigned, with no entries.
        auto r = call("GET", "/api/support/disputes/" + id, staff.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "dispute.status"), std::string("open"));
        QVERIFY(jsonPath(r.json(), "dispute.assignee").is_null());
        QCOMPARE(MarketplaceFixture::arr(r.json(), "caseFile.notes").size(), std::size_t(0));
        QCOMPARE(m_f->wallet(c.owner.token).escrow, kBudget);

        // The queue: open ones, oldest first.
        const auto later = disputedTask("q2");
        r = call("GET", "/api/support/disputes", staff.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "disputes").size(), std::size_t(2));
        QCOMPARE(T(r, "disputes.0.id"), c.disputeId);
        QCOMPARE(T(r, "disputes.1.id"), later.disputeId);
        r = call("GET", "/api/support/disputes?limit=1", staff.token);
        r = call("GET", "/api/support/disputes?limit=1&cursor=" + T(r, "nextCursor"), staff.token);
        QCOMPARE(T(r, "disputes.0.id"), later.disputeId);
        EXPECT_STATUS(call("POST", "/api/support/disputes/" + later.disputeId + "/assign", staff.token,
                           json::object{{"assigneeId", "me"}}),
                      200);
        r = call("GET", "/api/support/disputes?assignee=me", staff.token);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "disputes").size(), std::size_t(1));
        QCOMPARE(T(r, "disputes.0.id"), later.disputeId);
        r = call("GET", "/api/support/disputes?assignee=none", staff.token);
        QCOMPARE(T(r, "disputes.0.id"), c.disputeId);
        QCOMPARE(call("GET", "/api/support/disputes?status=resolved", staff.token)
                     .json()
                     .at("disputes")
                     .as_array()
                     .size(),
                 std::size_t(0));
        EXPECT_ERROR(call("GET", "/api/support/disputes?status=closed", staff.token), 400, "VALIDATION");
        EXPECT_ERROR(call("GET", "/api/support/disputes/dsp_missing", staff.token), 404, "NOT_FOUND");
    }

    void caseFileHasEverything()
    {
        const auto c = disputedTask("cf");
        const auto staff = m_f->supportMember("cf_staff");
        EXPECT_STATUS(call("POST", "/api/agent/contracts/" + c.contractId + "/messages", c.worker.token,
                           json::object{{"body", "Which chapter is wrong?"}}),
                      201);
        const auto r = call("GET", "/api/support/disputes/" + c.disputeId, staff.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "caseFile.subject.kind"), std::string("task"));
        QCOMPARE(T(r, "caseFile.subject.task.id"), c.taskId);
        QCOMPARE(jsonPath(r.json(), "caseFile.acceptanceCriteria"),
                 json::value(json::array{"Every chapter", "No machine output"}));
        QCOMPARE(T(r, "caseFile.contract.id"), c.contractId);
        QCOMPARE(T(r, "caseFile.contract.status"), std::string("disputed"));
        const auto& subs = MarketplaceFixture::arr(r.json(), "caseFile.submissions");
        QCOMPARE(subs.size(), std::size_t(3));
        for (std::size_t i = 0; i < subs.size(); ++i) {
            QCOMPARE(jsonText(subs[i].at("summaryText")), "Attempt " + std::to_string(i + 1));
            QCOMPARE(jsonText(subs[i].at("status")), std::string("rejected"));
            QCOMPARE(jsonText(subs[i].at("reason")), "reason " + std::to_string(i + 1));
            QVERIFY(subs[i].as_object().contains("verification"));
        }
        const auto& rejections = MarketplaceFixture::arr(r.json(), "caseFile.rejections");
        QCOMPARE(rejections.size(), std::size_t(3));
        QCOMPARE(jsonText(rejections[2].at("reason")), std::string("reason 3"));
        QCOMPARE(T(r, "caseFile.threads.contract.0.body"), std::string("Which chapter is wrong?"));
        // The escrow account's ledger: the budget went in and has not moved since.
        QCOMPARE(T(r, "caseFile.ledger.account"), "escrow:" + c.taskId);
        QCOMPARE(MarketplaceFixture::cents(r, "caseFile.ledger.balance"), kBudget);
        const auto& entries = MarketplaceFixture::arr(r.json(), "caseFile.ledger.entries");
        QCOMPARE(entries.size(), std::size_t(1));
        QCOMPARE(MarketplaceFixture::cents(entries[0].at("amount")), kBudget);
        QCOMPARE(jsonText(entries[0].at("to")), "escrow:" + c.taskId);
        // The audit trail of the contract, the task and the dispute.
        std::vector<std::string> contractActions;
        for (const auto& e : MarketplaceFixture::arr(r.json(), "caseFile.audit.contract"))
            contractActions.push_back(jsonText(e.at("action")));
        QCOMPARE(std::count(contractActions.begin(), contractActions.end(), "contract.rejected"), 3L);
        QCOMPARE(std::count(contractActions.begin(), contractActions.end(), "contract.submitted"), 3L);
        QCOMPARE(contractActions.back(), std::string("contract.disputed"));
        const auto& disputeAudit = MarketplaceFixture::arr(r.json(), "caseFile.audit.dispute");
        QCOMPARE(jsonText(disputeAudit.at(0).at("action")), std::string("dispute.opened"));
        QCOMPARE(jsonText(disputeAudit.at(0).at("actorId")), c.worker.id);
        QVERIFY(jsonText(disputeAudit.at(0).at("credential")).rfind("token:tok_", 0) == 0);
        QVERIFY(!MarketplaceFixture::arr(r.json(), "caseFile.audit.task").empty());
        // The same trail through the audit route, filtered by actor.
        const auto audit =
            call("GET", "/api/support/audit?actor=" + c.owner.id + "&entityType=contract", staff.token);
        EXPECT_STATUS(audit, 200);
        QCOMPARE(MarketplaceFixture::arr(audit.json(), "entries").size(), std::size_t(3));
        for (const auto& e : MarketplaceFixture::arr(audit.json(), "entries"))
            QCOMPARE(jsonText(e.at("action")), std::string("contract.rejected"));
        // No secret of any party is in the case file.
        for (const auto* token : {&c.owner.token, &c.worker.token})
            QVERIFY(r.body.find(*token) == std::string::npos);
        QVERIFY(r.body.find("password") == std::string::npos);
    }

    // The case file carries the server's fee percent so the console previews a split with the
    // real fee; a server set to 7 % (not the 5 % default) says 7, and a resolution charges it.
    void caseFileCarriesTheServersFeePercent()
    {
        m_f.reset();
        m_srv.reset();
        TestServer::Options options;
        options.feePercent = 7;
        m_srv = std::make_unique<TestServer>(options);
        m_srv->start();
        m_f = std::make_unique<MarketplaceFixture>(*m_srv);
        const auto c = disputedTask("fee");
        const auto staff = m_f->supportMember("fee_staff");
        const auto r = call("GET", "/api/support/disputes/" + c.disputeId, staff.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "caseFile.feePercent"), json::value(options.feePercent));
        // The parties never see the case file, fee or not.
        EXPECT_HIDDEN(call("GET", "/api/support/disputes/" + c.disputeId, c.worker.token));
        const auto done =
            resolve(staff.token, c.disputeId, json::object{{"outcome", "release"}, {"note", "ok"}});
        EXPECT_STATUS(done, 200);
        QCOMPARE(jsonPath(done.json(), "dispute.resolution.feePercent"), json::value(options.feePercent));
        QCOMPARE(MarketplaceFixture::cents(done, "dispute.resolution.fee"), 700LL); // floor(100.01 x 7 %)
    }

    void assignNotesAndMessages()
    {
        const auto c = disputedTask("an");
        const auto staff = m_f->supportMember("an_staff");
        const auto colleague = m_f->supportMember("an_colleague");
        const auto user = m_srv->registerMember("an_user");
        const std::string base = "/api/support/disputes/" + c.disputeId;
        auto r = call("POST", base + "/assign", staff.token, json::object{{"assigneeId", user.id}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        EXPECT_ERROR(call("POST", base + "/assign", staff.token, json::object{{"assigneeId", c.worker.id}}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", base + "/assign", staff.token, json::object{}), 400, "VALIDATION");
        r = call("POST", base + "/assign", staff.token, json::object{{"assigneeId", colleague.id}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "dispute.assignee.id"), colleague.id);
        r = call("POST", base + "/assign", staff.token, json::object{{"assigneeId", "me"}});
        QCOMPARE(T(r, "dispute.assignee.id"), staff.id);

        const std::string secretNote = "Owner seems to move the goalposts; check chapter 2";
        r = call("POST", base + "/notes", staff.token, json::object{{"text", secretNote}});
        EXPECT_STATUS(r, 201);
        EXPECT_ERROR(call("POST", base + "/notes", staff.token, json::object{{"text", ""}}), 400,
                     "VALIDATION");
        r = call("POST", base + "/messages", staff.token,
                 json::object{{"body", "Please both send your versions."}});
        EXPECT_STATUS(r, 201);

        for (const auto* party : {&c.owner, &c.worker}) {
            r = call("GET", "/api/agent/disputes/" + c.disputeId, party->token);
            EXPECT_STATUS(r, 200);
            QCOMPARE(MarketplaceFixture::arr(r.json(), "messages").size(), std::size_t(1));
            QCOMPARE(T(r, "messages.0.body"), std::string("Please both send your versions."));
            QVERIFY2(r.body.find(secretNote) == std::string::npos, "an internal note reached a party");
            QVERIFY(r.body.find("\"notes\"") == std::string::npos);
            const auto inbox = m_f->notifications(party->token, "message.received");
            QCOMPARE(inbox.size(), std::size_t(1));
            QVERIFY(inbox[0].find(secretNote) == std::string::npos);
            QVERIFY(call("GET", "/api/agent/notifications?limit=100", party->token).body.find(secretNote) ==
                    std::string::npos);
            QVERIFY(call("GET", "/api/agent/disputes", party->token).body.find(secretNote) ==
                    std::string::npos);
        }
        r = call("GET", base, colleague.token);
        QCOMPARE(T(r, "caseFile.notes.0.body"), secretNote);
        QCOMPARE(T(r, "caseFile.threads.disputeMessages.0.body"),
                 std::string("Please both send your versions."));
    }

    void releasePaysTheWorkerLessFee()
    {
        const auto c = disputedTask("rl");
        const auto staff = m_f->supportMember("rl_staff");
        const long long fees0 = m_f->fees(staff.token);
        const auto owner0 = m_f->wallet(c.owner.token);
        EXPECT_ERROR(resolve(staff.token, c.disputeId,
                             json::object{{"outcome", "release"}, {"workerSharePercent", 50}}),
                     400, "VALIDATION");
        EXPECT_ERROR(resolve(staff.token, c.disputeId, json::object{{"outcome", "pay"}}), 400, "VALIDATION");
        auto r =
            resolve(staff.token, c.disputeId, json::object{{"outcome", "release"}, {"note", "Criteria met"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "dispute.status"), std::string("resolved"));
        QCOMPARE(T(r, "dispute.outcome"), std::string("release"));
        // 100.01: fee floor(500.05) = 5.00; 95.01 to the worker's pending.
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.workerShare"), 10001LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.fee"), 500LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.workerNet"), 9501LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.refunded"), 0LL);
        QCOMPARE(m_f->wallet(c.worker.token).pending, 9501LL);
        QCOMPARE(m_f->fees(staff.token), fees0 + 500);
        const auto owner1 = m_f->wallet(c.owner.token);
        QCOMPARE(owner1.available, owner0.available);
        QCOMPARE(owner1.escrow, 0LL);
        r = call("GET", "/api/agent/contracts/" + c.contractId, c.worker.token);
        QCOMPARE(T(r, "contract.status"), std::string("resolved"));
        QCOMPARE(T(call("GET", "/api/tasks/" + c.taskId), "task.status"), std::string("completed"));
        for (const auto* p : {&c.owner, &c.worker}) {
            const auto n = m_f->notifications(p->token, "dispute.resolved");
            QCOMPARE(n.size(), std::size_t(1));
            QVERIFY2(n[0].find("release") != std::string::npos && n[0].find("95.01") != std::string::npos,
                     n[0].c_str());
        }
        // Once only, whatever the outcome asked the second time.
        EXPECT_ERROR(resolve(staff.token, c.disputeId, json::object{{"outcome", "refund"}}), 409,
                     "STATE_CONFLICT");
        QCOMPARE(m_f->wallet(c.worker.token).pending, 9501LL);
        QCOMPARE(m_f->wallet(c.owner.token).available, owner0.available);
    }

    void refundReturnsEverything()
    {
        const auto c = disputedTask("rf");
        const auto staff = m_f->supportMember("rf_staff");
        const long long fees0 = m_f->fees(staff.token);
        const auto owner0 = m_f->wallet(c.owner.token);
        const long long workerScore =
            MarketplaceFixture::number(call("GET", "/api/agent/me", c.worker.token), "stats.creditScore");
        auto r = resolve(staff.token, c.disputeId, json::object{{"outcome", "refund"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.refunded"), kBudget);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.workerShare"), 0LL);
        const auto owner1 = m_f->wallet(c.owner.token);
        QCOMPARE(owner1.available, owner0.available + kBudget);
        QCOMPARE(owner1.escrow, 0LL);
        QCOMPARE(m_f->wallet(c.worker.token).pending, 0LL);
        QCOMPARE(m_f->fees(staff.token), fees0);
        QCOMPARE(T(call("GET", "/api/tasks/" + c.taskId), "task.status"), std::string("cancelled"));
        QCOMPARE(
            MarketplaceFixture::number(call("GET", "/api/agent/me", c.worker.token), "stats.creditScore"),
            workerScore - 15);
        for (const auto* p : {&c.owner, &c.worker}) {
            const auto n = m_f->notifications(p->token, "dispute.resolved");
            QCOMPARE(n.size(), std::size_t(1));
            QVERIFY2(n[0].find("refund") != std::string::npos && n[0].find("100.01") != std::string::npos,
                     n[0].c_str());
        }
        EXPECT_ERROR(resolve(staff.token, c.disputeId, json::object{{"outcome", "refund"}}), 409,
                     "STATE_CONFLICT");
        QCOMPARE(m_f->wallet(c.owner.token).available, owner0.available + kBudget);
    }

    void splitRoundsDownForTheWorker()
    {
        const auto c = disputedTask("sp");
        const auto staff = m_f->supportMember("sp_staff");
        const long long fees0 = m_f->fees(staff.token);
        const auto owner0 = m_f->wallet(c.owner.token);
        EXPECT_ERROR(resolve(staff.token, c.disputeId, json::object{{"outcome", "split"}}), 400,
                     "VALIDATION");
        EXPECT_ERROR(resolve(staff.token, c.disputeId,
                             json::object{{"outcome", "split"}, {"workerSharePercent", 101}}),
                     400, "VALIDATION");
        EXPECT_ERROR(resolve(staff.token, c.disputeId,
                             json::object{{"outcome", "split"}, {"workerSharePercent", 37.5}}),
                     400, "VALIDATION");
        // A party who is also staff may not decide its own case.
        m_srv->grantRole(c.owner.handle, "support");
        const auto ownerAsStaff =
            call("POST", "/api/agent/login", "",
                 json::object{{"email", c.owner.email},
                              {"password", "correct horse battery"},
                              {"tokenScopes", json::array{"support:read", "support:write"}}});
        EXPECT_ERROR(resolve(T(ownerAsStaff, "tokenValue"), c.disputeId,
                             json::object{{"outcome", "split"}, {"workerSharePercent", 0}}),
                     403, "FORBIDDEN");

        auto r =
            resolve(staff.token, c.disputeId, json::object{{"outcome", "split"}, {"workerSharePercent", 37}});
        EXPECT_STATUS(r, 200);
        // share = floor(10001 x 37 / 100) = floor(3700.37) = 3700; fee = floor(3700 x 5 / 100) = 185
        // from the worker's part only; worker 3515; the rest, 6301, back to the owner.
        QCOMPARE(MarketplaceFixture::number(r, "dispute.resolution.workerSharePercent"), 37LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.escrowed"), kBudget);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.workerShare"), 3700LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.fee"), 185LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.workerNet"), 3515LL);
        QCOMPARE(MarketplaceFixture::cents(r, "dispute.resolution.refunded"), 6301LL);
        QCOMPARE(m_f->wallet(c.worker.token).pending, 3515LL);
        const auto owner1 = m_f->wallet(c.owner.token);
        QCOMPARE(owner1.available, owner0.available + 6301LL);
        QCOMPARE(owner1.escrow, 0LL);
        QCOMPARE(m_f->fees(staff.token), fees0 + 185);
        for (const auto* p : {&c.owner, &c.worker}) {
            const auto n = m_f->notifications(p->token, "dispute.resolved");
            QCOMPARE(n.size(), std::size_t(1));
            QVERIFY2(n[0].find("37%") != std::string::npos && n[0].find("35.15") != std::string::npos &&
                         n[0].find("63.01") != std::string::npos && n[0].find("1.85") != std::string::npos,
                     n[0].c_str());
        }
        EXPECT_ERROR(
            resolve(staff.token, c.disputeId, json::object{{"outcome", "split"}, {"workerSharePercent", 37}}),
            409, "STATE_CONFLICT");
        // The ledger entries of the escrow, as the case file shows them afterwards.
        r = call("GET", "/api/support/disputes/" + c.disputeId, staff.token);
        const auto& entries = MarketplaceFixture::arr(r.json(), "caseFile.ledger.entries");
        QCOMPARE(entries.size(), std::size_t(4)); // escrow in; payout, fee, refund out
        QCOMPARE(MarketplaceFixture::cents(r, "caseFile.ledger.balance"), 0LL);
        std::vector<std::string> actions;
        for (const auto& e : MarketplaceFixture::arr(r.json(), "caseFile.audit.dispute"))
            actions.push_back(jsonText(e.at("action")));
        QCOMPARE(actions.back(), std::string("dispute.resolved"));
        // The worker's payout is held, then released like any other.
        m_srv->server().clock().advance(std::chrono::hours(25));
        m_srv->server().runJobsNow();
        QCOMPARE(m_f->wallet(c.worker.token).available, 100000LL + 3515LL);
    }

    void hireDisputeSplitUsesTheHireEscrow()
    {
        const auto seller = m_srv->registerMember("hs_seller");
        const auto buyer = m_srv->registerMember("hs_buyer");
        const auto staff = m_f->supportMember("hs_staff");
        const std::string skillId = m_f->publishSkill(seller.token, "Scraper", 100.01);
        const std::string hireId = m_f->requestHire(buyer.token, skillId);
        const std::string contractId = m_f->acceptHire(seller.token, hireId);
        EXPECT_STATUS(m_f->submit(seller.token, contractId, "Scraper v1"), 201);
        auto r = call("POST", "/api/agent/contracts/" + contractId + "/disputes", seller.token,
                      json::object{{"reason", "Buyer went silent"}});
        EXPECT_STATUS(r, 201);
        const std::string disputeId = T(r, "dispute.id");
        r = call("GET", "/api/support/disputes/" + disputeId, staff.token);
        QCOMPARE(T(r, "caseFile.subject.kind"), std::string("hire"));
        QCOMPARE(T(r, "caseFile.subject.brief"), std::string("Please do the thing described."));
        QCOMPARE(T(r, "caseFile.ledger.account"), "escrow:" + hireId);
        QCOMPARE(MarketplaceFixture::cents(r, "caseFile.ledger.balance"), kBudget);
        r = resolve(staff.token, disputeId, json::object{{"outcome", "split"}, {"workerSharePercent", 37}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(m_f->wallet(seller.token).pending, 3515LL);
        QCOMPARE(m_f->wallet(buyer.token).available, 100000LL - kBudget + 6301LL);
        QCOMPARE(m_f->wallet(buyer.token).escrow, 0LL);
        r = call("GET", "/api/agent/contracts/" + contractId, buyer.token);
        QCOMPARE(T(r, "contract.status"), std::string("resolved"));
        QCOMPARE(jsonPath(r.json(), "contract.submissionCount").as_int64(), 1);
    }
};

TASKDESK_API_TEST_MAIN(ApiDisputesTest)
#include "tst_api_disputes.moc"
