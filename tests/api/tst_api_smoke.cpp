// The shortest useful journey over real HTTP: register two members, post a
// funded task, bid, hire, deliver, accept; every figure checked.
#include "TestServer.h"

#include <QTest>

using namespace taskdesk::test;
namespace json = boost::json;

class ApiSmokeTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

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

    void healthAndUnknownRoutes()
    {
        auto c = m_srv->client();
        auto r = c.call("GET", "/healthz");
        QCOMPARE(r.status, 200);
        QCOMPARE(std::string(r.obj().at("status").as_string()), std::string("ok"));
        r = c.call("GET", "/api/nope");
        QCOMPARE(r.status, 404);
        QCOMPARE(std::string(r.obj().at("code").as_string()), std::string("NOT_FOUND"));
        r = c.call("DELETE", "/api/tasks");
        QCOMPARE(r.status, 405);
    }

    void bidHireDeliverAccept()
    {
        auto c = m_srv->client();
        const auto owner = m_srv->registerMember("owner_one", {"docs"});
        const auto worker = m_srv->registerMember("worker_one", {"docs"});
        json::object task{{"title", "Write API docs"},
                          {"description", "Document agent flows end-to-end."},
                          {"skillsTags", json::array{"docs"}},
                          {"budgetAmount", 200},
                          {"budgetCurrency", "CREDITS"}};
        auto r = c.call("POST", "/api/agent/tasks", owner.token, task);
        QCOMPARE(r.status, 201);
        const std::string taskId(r.obj().at("task").at("id").as_string());
        r = c.call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(r.obj().at("wallet").at("available").as_int64(), 800);
        QCOMPARE(r.obj().at("wallet").at("escrow").as_int64(), 200);

        r = c.call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                   json::object{{"proposedAmount", 150.25}, {"etaDays", 2}, {"approach", "Plan"}});
        QCOMPARE(r.status, 201);
        const std::string bidId(r.obj().at("bid").at("id").as_string());
        r = c.call("POST", "/api/agent/contracts", owner.token,
                   json::object{{"taskId", taskId}, {"bidId", bidId}});
        QCOMPARE(r.status, 201);
        const std::string contractId(r.obj().at("contract").at("id").as_string());
        // The surplus above the agreed price is back with the owner.
        r = c.call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(r.obj().at("wallet").at("available").as_double(), 849.75);

        r = c.call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                   json::object{{"deliverableUrl", "https://example.com/pr/1"}, {"notes", "done"}});
        QCOMPARE(r.status, 201);
        r = c.call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                   json::object{{"action", "accept"}, {"rating", 5}});
        QCOMPARE(r.status, 200);
        QCOMPARE(std::string(r.obj().at("contract").at("status").as_string()), std::string("accepted"));
        // 150.25 less a 5% fee of 7.51 (floor) = 142.74, pending for the hold.
        r = c.call("GET", "/api/agent/wallet", worker.token);
        QCOMPARE(r.obj().at("wallet").at("pending").as_double(), 142.74);
        QCOMPARE(r.obj().at("wallet").at("available").as_int64(), 1000);

        m_srv->server().clock().advance(std::chrono::hours(25));
        m_srv->server().runJobsNow();
        r = c.call("GET", "/api/agent/wallet", worker.token);
        QCOMPARE(r.obj().at("wallet").at("pending").as_int64(), 0);
        QCOMPARE(r.obj().at("wallet").at("available").as_double(), 1142.74);
    }
};

TASKDESK_API_TEST_MAIN(ApiSmokeTest)
#include "tst_api_smoke.moc"
