// POST /api/verification/check: the console's "test it now" box. It answers as
// a real submission's check would (same rule validation, same output parsing,
// same runner), stores nothing, and refuses callers and bodies it should.
#include "JsonPath.h"
#include "TestServer.h"

#include <QTest>

using namespace taskdesk::test;
namespace json = boost::json;

namespace {

const char* kCheck = "/api/verification/check";

json::object regexRule(const std::string& pattern)
{
    return json::object{{"type", "regex"}, {"pattern", pattern}};
}

std::string field(const Reply& r, const char* name)
{
    const auto o = r.obj();
    const auto* fields = o.if_contains("fields");
    if (!fields || !fields->is_object())
        return {};
    const auto* f = fields->as_object().if_contains(name);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
}

} // namespace

class ApiVerificationTest : public QObject
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
        QVERIFY(m_srv->ledger().balanced);
        m_srv.reset();
    }

    void passesAndFailsWithReason()
    {
        auto c = m_srv->client();
        const auto a = m_srv->registerMember("verify_a");
        auto r =
            c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("^total: [0-9]+$")}, {"output", "total: 42"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), true);

        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("^total: [0-9]+$")}, {"output", "total: many"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), false);
        QVERIFY2(!jsonPath(r.json(), "reason").as_string().empty(), r.body.c_str());

        // A non-string output fails a regex rule, with a reason.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("x")}, {"output", json::object{{"x", 1}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), false);

        // Null output is "no output submitted", as for a submission without one.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("x")}, {"output", nullptr}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), false);
        QCOMPARE(std::string(jsonPath(r.json(), "reason").as_string()), std::string("no output submitted"));

        // sha256 of "abc", and a JSON schema.
        r = c.call(
            "POST", kCheck, a.token,
            json::object{{"verification",
                          json::object{{"type", "sha256"},
                                       {"value", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f"
                                                 "20015ad"}}},
                         {"output", "abc"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), true);
        const json::object schema{{"type", "object"},
                                  {"required", json::array{"count"}},
                                  {"properties", json::object{{"count", json::object{{"type", "integer"}}}}}};
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", json::object{{"type", "json-schema"}, {"schema", schema}}},
                                {"output", json::object{{"count", "three"}}}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), false);
        QVERIFY2(!jsonPath(r.json(), "reason").as_string().empty(), r.body.c_str());
        // autoAccept says whether a submission like this one would be accepted at once.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification",
                                 json::object{{"type", "regex"}, {"pattern", "ok"}, {"autoAccept", true}}},
                                {"output", "ok"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "wouldAutoAccept").as_bool(), true);
    }

    void agreesWithTheRealSubmissionCheck()
    {
        auto c = m_srv->client();
        const auto owner = m_srv->registerMember("verify_owner");
        const auto agent = m_srv->registerMember("verify_agent");
        const json::object rule{{"type", "regex"}, {"pattern", "^[a-f0-9]{8}$"}};
        auto t = c.call("POST", "/api/agent/tasks", owner.token,
                        json::object{{"title", "Hash a thing"},
                                     {"description", "Return the first eight hex digits."},
                                     {"mode", "open"},
                                     {"budgetAmount", 20},
                                     {"verification", rule}});
        QCOMPARE(t.status, 201);
        const std::string taskId(jsonPath(t.json(), "task.id").as_string());
        for (const char* sample : {"deadbeef", "DEADBEEF!"}) {
            auto check =
                c.call("POST", kCheck, owner.token, json::object{{"verification", rule}, {"output", sample}});
            QCOMPARE(check.status, 200);
            auto sub = c.call("POST", "/api/agent/tasks/" + taskId + "/submissions", agent.token,
                              json::object{{"output", sample}, {"summaryText", "here"}});
            QCOMPARE(sub.status, 201);
            QCOMPARE(jsonPath(sub.json(), "submission.verification.passed").as_bool(),
                     jsonPath(check.json(), "passed").as_bool());
            if (!jsonPath(check.json(), "passed").as_bool())
                QCOMPARE(std::string(jsonPath(sub.json(), "submission.verification.detail").as_string()),
                         std::string(jsonPath(check.json(), "reason").as_string()));
            // One pending submission per agent: withdraw it by rejecting, so the next sample can go in.
            const std::string subId(jsonPath(sub.json(), "submission.id").as_string());
            auto d =
                c.call("POST", "/api/agent/tasks/" + taskId + "/submissions/" + subId + "/decision",
                       owner.token, json::object{{"action", "reject"}, {"reason", "trying the next sample"}});
            QCOMPARE(d.status, 200);
        }
    }

    void refusesWhatItShould()
    {
        auto c = m_srv->client();
        const auto a = m_srv->registerMember("verify_b");
        const json::object good{{"verification", regexRule("x")}, {"output", "x"}};
        QCOMPARE(c.call("POST", kCheck, "", good).status, 401);
        QCOMPARE(c.call("POST", kCheck, "td_not_a_real_token", good).status, 401);

        auto narrow = c.call("POST", "/api/agent/me/tokens", a.token,
                             json::object{{"name", "narrow"}, {"scopes", json::array{"bids:read"}}});
        QCOMPARE(narrow.status, 201);
        auto r = c.call("POST", kCheck, std::string(narrow.obj().at("tokenValue").as_string()), good);
        QCOMPARE(r.status, 403);
        QCOMPARE(std::string(r.obj().at("code").as_string()), std::string("MISSING_SCOPE"));

        // Invalid rules: the same reasons a task post gives.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", json::object{{"type", "magic"}}}, {"output", "x"}});
        QCOMPARE(r.status, 400);
        QCOMPARE(std::string(r.obj().at("code").as_string()), std::string("VALIDATION"));
        QVERIFY(!field(r, "verification").empty());
        auto post = c.call("POST", "/api/agent/tasks", a.token,
                           json::object{{"title", "Bad rule"},
                                        {"description", "This task has a rule that cannot work."},
                                        {"budgetAmount", 5},
                                        {"verification", json::object{{"type", "magic"}}}});
        QCOMPARE(post.status, 400);
        QCOMPARE(field(post, "verification"), field(r, "verification"));

        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("(unclosed")}, {"output", "x"}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "verification").empty());
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", json::object{{"type", "sha256"}, {"value", "abc"}}},
                                {"output", "x"}});
        QCOMPARE(r.status, 400);
        r = c.call("POST", kCheck, a.token, json::object{{"output", "x"}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "verification").empty());
        r = c.call("POST", kCheck, a.token, json::object{{"verification", regexRule("x")}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "output").empty());
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("x")}, {"output", "x"}, {"extra", true}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "extra").empty());
        QCOMPARE(c.request("POST", kCheck, "not json",
                           {{"Authorization", "Bearer " + a.token}, {"Content-Type", "application/json"}})
                     .status,
                 400);
        // Control characters in a string output are refused as in a submission.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("x")}, {"output", std::string("x\x01y")}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "output").empty());

        // Outputs above the submission limit (256 KiB) are 400; bodies above 1 MiB never get parsed.
        r = c.call("POST", kCheck, a.token,
                   json::object{{"verification", regexRule("x")}, {"output", std::string(300 * 1024, 'x')}});
        QCOMPARE(r.status, 400);
        QVERIFY(!field(r, "output").empty());
        r = c.call(
            "POST", kCheck, a.token,
            json::object{{"verification", regexRule("x")}, {"output", std::string(2 * 1024 * 1024, 'x')}});
        QCOMPARE(r.status, 413);
        // A regex that would run away is a failure, never a pass and never a 5xx.
        r = c.call(
            "POST", kCheck, a.token,
            json::object{{"verification", regexRule("^(a+)+$")}, {"output", std::string(40000, 'a') + "b"}});
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonPath(r.json(), "passed").as_bool(), false);
    }

    void storesNothing()
    {
        auto c = m_srv->client();
        const auto a = m_srv->registerMember("verify_c");
        const auto before = m_srv->ledger().transfers;
        // No idempotency record is kept: the same key with another body is not a 422 mismatch.
        auto r1 =
            c.call("POST", kCheck, a.token, json::object{{"verification", regexRule("x")}, {"output", "x"}},
                   {{"Idempotency-Key", "check-1"}});
        auto r2 =
            c.call("POST", kCheck, a.token, json::object{{"verification", regexRule("x")}, {"output", "y"}},
                   {{"Idempotency-Key", "check-1"}});
        QCOMPARE(r1.status, 200);
        QCOMPARE(r2.status, 200);
        QCOMPARE(jsonPath(r2.json(), "passed").as_bool(), false);
        QCOMPARE(m_srv->ledger().transfers, before);
    }
};

TASKDESK_API_TEST_MAIN(ApiVerificationTest)
#include "tst_api_verification.moc"
