// Webhooks over real HTTP: subscriptions and their checks, the durable outbox,
// retries to a receiver that is down at first, signatures, event filters, the
// attempt log, restarts, expired leases, private-target refusal (at creation and
// at delivery), and the dispatcher's throughput to a local receiver.
#include "Database.h"
#include "Digest.h"
#include "HttpServer.h"
#include "Ids.h"
#include "TestServer.h"
#include "WebhookService.h"

#include <QTest>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;
namespace http = taskdesk::http;
using taskdesk::domain::WebhookService;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr const char* kSecret = "whsec-test-0123456789abcdef";

// A local webhook receiver on 127.0.0.1 (the platform's own Beast transport): records
// every request and answers with a configurable status. Stopped, its port refuses.
class Receiver
{
public:
    explicit Receiver(std::uint16_t port = 0) : m_port(port) {}
    ~Receiver() { stop(); }

    void start()
    {
        http::HttpServerConfig c;
        c.host = "127.0.0.1";
        c.port = m_port;
        c.threads = 2;
        m_server = std::make_unique<http::HttpServer>(c, [this](http::Request& req) {
            http::Response r;
            {
                std::lock_guard lock(m_mutex);
                m_got.push_back(req);
                r.status = m_status;
            }
            r.body = "{\"ok\":true}";
            return r;
        });
        m_server->start();
        m_port = m_server->port();
    }
    void stop()
    {
        if (m_server) {
            m_server->stop();
            m_server.reset();
        }
    }
    std::uint16_t port() const { return m_port; }
    std::string url(const std::string& path = "/hook") const
    {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    void setStatus(int s)
    {
        std::lock_guard lock(m_mutex);
        m_status = s;
    }
    std::vector<http::Request> received() const
    {
        std::lock_guard lock(m_mutex);
        return m_got;
    }
    std::size_t count() const
    {
        std::lock_guard lock(m_mutex);
        return m_got.size();
    }

private:
    std::uint16_t m_port;
    std::unique_ptr<http::HttpServer> m_server;
    mutable std::mutex m_mutex;
    std::vector<http::Request> m_got;
    int m_status = 200;
};

// A port nothing listens on (briefly bound, then released).
std::uint16_t reservePort()
{
    Receiver r;
    r.start();
    const auto p = r.port();
    r.stop();
    return p;
}

bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout)
{
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (done())
            return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

std::string str(const json::value& v, const char* key)
{
    if (!v.is_object())
        return {};
    const auto* x = v.as_object().if_contains(key);
    return x && x->is_string() ? std::string(x->as_string()) : std::string();
}

std::string codeOf(const Reply& r)
{
    return str(r.json(), "code");
}

std::string brief(const Reply& r)
{
    return std::to_string(r.status) + " " + (r.status == 0 ? r.error : r.body.substr(0, 400));
}

} // namespace

class ApiWebhooksTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_srv;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    // Creates a webhook; returns its id (empty on failure, reported by the caller).
    std::string createHook(const std::string& token, const std::string& url, json::array events,
                           const char* secret = kSecret, std::string* secretOut = nullptr)
    {
        json::object body{{"url", url}, {"events", std::move(events)}};
        if (secret)
            body["secret"] = secret;
        const auto r = call("POST", "/api/agent/webhooks", token, body);
        if (r.status != 201) {
            qWarning("create webhook: %s", brief(r).c_str());
            return {};
        }
        if (secretOut)
            *secretOut = str(r.json(), "secret");
        return str(r.obj().at("webhook"), "id");
    }

    std::string newTask(const std::string& token, const std::string& title)
    {
        const auto r = call("POST", "/api/agent/tasks", token,
                            json::object{{"title", title},
                                         {"description", "A task that makes notifications."},
                                         {"budgetAmount", 20}});
        return r.status == 201 ? str(r.obj().at("task"), "id") : std::string();
    }

    json::array attempts(const std::string& token, const std::string& hookId)
    {
        const auto r = call("GET", "/api/agent/webhooks/" + hookId + "/deliveries?limit=100", token);
        if (r.status != 200)
            return {};
        return r.obj().at("deliveries").as_array();
    }

    // Checks the log against the outbox: one entry per attempt, numbered down to 1.
    void verifyLog(const std::string& token, const std::string& hookId, const std::string& deliveryId)
    {
        const auto log = attempts(token, hookId);
        QVERIFY(!log.empty());
        std::int64_t expected = -1;
        for (const auto& e : log) {
            if (str(e, "deliveryId") != deliveryId)
                continue;
            const auto n = e.at("attempt").as_int64();
            if (expected < 0)
                expected = n;
            QCOMPARE(n, expected);
            --expected;
        }
        QCOMPARE(expected, std::int64_t(0));
        taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                        taskdesk::store::Transaction::Mode::Read);
        const auto n = tx.scalarInt("SELECT attempts FROM webhook_deliveries WHERE id = ?",
                                    {taskdesk::store::sqlText(deliveryId)});
        const auto logged = tx.scalarInt("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = ?",
                                         {taskdesk::store::sqlText(deliveryId)});
        QCOMPARE(logged.value_or(-1), n.value_or(-2));
    }

private slots:
    void initTestCase()
    {
        // Retries after 10 ms, 30 ms, 120 ms, 600 ms, 1.8 s, 3.6 s, ... for 86 s.
        qputenv("TASKDESK_WEBHOOK_RETRY_SCALE", "0.001");
        qInfo("database backend: %s", TestServer::backendName().c_str());
    }

    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
    }

    void cleanup() { m_srv.reset(); }

    // ------------------------------------------------------------------------------------------
    void subscriptionsAndChecks()
    {
        const auto owner = m_srv->registerMember("hook_owner");
        const auto stranger = m_srv->registerMember("hook_stranger");
        Receiver rx;
        rx.start();

        // 401 without a credential; 400 for bad bodies.
        QCOMPARE(call("GET", "/api/agent/webhooks").status, 401);
        QCOMPARE(call("POST", "/api/agent/webhooks", "",
                      json::object{{"url", rx.url()}, {"events", json::array{"*"}}})
                     .status,
                 401);
        auto r = call("POST", "/api/agent/webhooks", owner.token, json::object{{"events", json::array{"*"}}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("url"));
        r = call("POST", "/api/agent/webhooks", owner.token, json::object{{"url", rx.url()}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("events"));
        r = call("POST", "/api/agent/webhooks", owner.token,
                 json::object{{"url", rx.url()}, {"events", json::array{"bid.received", "no.such.event"}}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("events"));
        for (const char* bad : {"ftp://127.0.0.1/x", "127.0.0.1/hook", "http://user:pw@127.0.0.1/x",
                                "http://127.0.0.1:0/", "http://127.0.0.1:99999/", "http://127.0.0.1/a#frag",
                                "http:///nohost", "javascript:alert(1)"}) {
            r = call("POST", "/api/agent/webhooks", owner.token,
                     json::object{{"url", bad}, {"events", json::array{"*"}}});
            QVERIFY2(r.status == 400 && r.obj().at("fields").as_object().contains("url"),
                     (std::string(bad) + ": " + brief(r)).c_str());
        }
        r = call("POST", "/api/agent/webhooks", owner.token,
                 json::object{{"url", rx.url()}, {"events", json::array{"*"}}, {"secret", "short"}});
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("secret"));

        // An omitted secret is generated (32 bytes, hex) and shown once.
        r = call("POST", "/api/agent/webhooks", owner.token,
                 json::object{{"url", rx.url()},
                              {"events", json::array{"bid.received", "task.claimed", "bid.received"}}});
        QVERIFY2(r.status == 201, brief(r).c_str());
        const std::string secret = str(r.json(), "secret");
        QCOMPARE(secret.size(), std::size_t(64));
        QVERIFY(secret.find_first_not_of("0123456789abcdef") == std::string::npos);
        const std::string hookId = str(r.obj().at("webhook"), "id");
        QVERIFY(hookId.rfind("whk_", 0) == 0);
        QCOMPARE(r.obj().at("webhook").at("events").as_array().size(), std::size_t(2)); // duplicates dropped
        QCOMPARE(r.obj().at("webhook").at("active").as_bool(), true);
        // ... and never again.
        for (const std::string& path :
             {std::string("/api/agent/webhooks"), "/api/agent/webhooks/" + hookId}) {
            r = call("GET", path, owner.token);
            QVERIFY2(r.status == 200, brief(r).c_str());
            QVERIFY(r.body.find(secret) == std::string::npos);
            QVERIFY(r.body.find("secret\"") == std::string::npos);
        }
        r = call("GET", "/api/agent/webhooks", owner.token);
        QCOMPARE(r.obj().at("webhooks").as_array().size(), std::size_t(1));
        QVERIFY(r.obj().at("nextCursor").is_null());

        // PATCH: events, pause, rotate (the new secret shown once).
        r = call("PATCH", "/api/agent/webhooks/" + hookId, owner.token,
                 json::object{{"events", json::array{"*"}}, {"active", false}});
        QVERIFY2(r.status == 200, brief(r).c_str());
        QCOMPARE(r.obj().at("webhook").at("events").as_array().size(), std::size_t(1));
        QCOMPARE(r.obj().at("webhook").at("active").as_bool(), false);
        QVERIFY(!r.obj().contains("secret"));
        r = call("PATCH", "/api/agent/webhooks/" + hookId, owner.token, json::object{{"rotateSecret", true}});
        QVERIFY2(r.status == 200, brief(r).c_str());
        QCOMPARE(str(r.json(), "secret").size(), std::size_t(64));
        QVERIFY(str(r.json(), "secret") != secret);
        r = call("PATCH", "/api/agent/webhooks/" + hookId, owner.token, json::object{{"url", "gopher://x"}});
        QCOMPARE(r.status, 400);

        // At most 5 per profile: the sixth is 409 LIMIT_REACHED (after the body checks).
        std::vector<std::string> ids{hookId};
        for (int i = 0; i < 4; ++i) {
            ids.push_back(createHook(owner.token, rx.url("/h" + std::to_string(i)), json::array{"*"}));
            QVERIFY(!ids.back().empty());
        }
        r = call("POST", "/api/agent/webhooks", owner.token,
                 json::object{{"url", rx.url()}, {"events", json::array{"*"}}});
        QCOMPARE(r.status, 409);
        QCOMPARE(codeOf(r), std::string("LIMIT_REACHED"));
        r = call("POST", "/api/agent/webhooks", owner.token,
                 json::object{{"url", "nope"}, {"events", json::array{"*"}}});
        QCOMPARE(r.status, 400);
        r = call("GET", "/api/agent/webhooks?limit=2", owner.token);
        QCOMPARE(r.obj().at("webhooks").as_array().size(), std::size_t(2));
        QVERIFY(r.obj().at("nextCursor").is_string());
        // The stranger's own limit is untouched.
        QVERIFY(!createHook(stranger.token, rx.url("/s"), json::array{"*"}).empty());

        // A stranger gets 404 on every route of someone else's webhook.
        for (const auto& [method, suffix] : std::vector<std::pair<std::string, std::string>>{
                 {"GET", ""}, {"PATCH", ""}, {"DELETE", ""}, {"GET", "/deliveries"}}) {
            r = call(method, "/api/agent/webhooks/" + hookId + suffix, stranger.token,
                     method == "PATCH" ? json::value(json::object{{"active", true}}) : json::value(nullptr));
            QVERIFY2(r.status == 404, (method + " " + suffix + ": " + brief(r)).c_str());
        }
        QCOMPARE(call("GET", "/api/agent/webhooks/whk_nonsense", owner.token).status, 404);
        // The stranger's list shows only its own.
        r = call("GET", "/api/agent/webhooks", stranger.token);
        QCOMPARE(r.obj().at("webhooks").as_array().size(), std::size_t(1));

        // Scopes: a token without webhooks:* gets 403 on its own hooks, still 404 on others'.
        r = call("POST", "/api/agent/me/tokens", owner.token,
                 json::object{{"name", "narrow"}, {"scopes", json::array{"tasks:read"}}});
        QCOMPARE(r.status, 201);
        const std::string narrow = str(r.json(), "tokenValue");
        r = call("GET", "/api/agent/webhooks", narrow);
        QCOMPARE(r.status, 403);
        QCOMPARE(codeOf(r), std::string("MISSING_SCOPE"));
        QCOMPARE(call("GET", "/api/agent/webhooks/" + hookId, narrow).status, 403);
        QCOMPARE(call("DELETE", "/api/agent/webhooks/" + hookId, narrow).status, 403);
        r = call("POST", "/api/agent/me/tokens", owner.token,
                 json::object{{"name", "reader"}, {"scopes", json::array{"webhooks:read"}}});
        const std::string reader = str(r.json(), "tokenValue");
        QCOMPARE(call("GET", "/api/agent/webhooks/" + hookId, reader).status, 200);
        QCOMPARE(
            call("PATCH", "/api/agent/webhooks/" + hookId, reader, json::object{{"active", true}}).status,
            403);

        // DELETE, then it is gone (and a slot is free again).
        r = call("DELETE", "/api/agent/webhooks/" + hookId, owner.token);
        QVERIFY2(r.status == 200, brief(r).c_str());
        QCOMPARE(call("GET", "/api/agent/webhooks/" + hookId, owner.token).status, 404);
        QCOMPARE(call("DELETE", "/api/agent/webhooks/" + hookId, owner.token).status, 404);
        QVERIFY(!createHook(owner.token, rx.url("/again"), json::array{"*"}).empty());
        // Nothing was delivered: no notification happened.
        QCOMPARE(rx.count(), std::size_t(0));
    }

    // ------------------------------------------------------------------------------------------
    // The receiver is down when the notification happens: attempts fail (connection refused) and
    // are logged; once it comes up the next retry delivers, signed with the secret. The webhook
    // that does not subscribe to the event gets nothing.
    void deliveryAfterReceiverComesUp()
    {
        const auto owner = m_srv->registerMember("down_owner");
        const auto bidder = m_srv->registerMember("down_bidder");
        const std::uint16_t port = reservePort();
        const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/incoming?src=taskdesk";
        const std::string bids = createHook(owner.token, url, json::array{"bid.received"});
        const std::string claims =
            createHook(owner.token, url, json::array{"task.claimed", "comment.created"});
        QVERIFY(!bids.empty() && !claims.empty());

        const std::string taskId = newTask(owner.token, "Webhook task");
        QVERIFY(!taskId.empty());
        const auto t0 = Clock::now();
        auto r = call("POST", "/api/agent/tasks/" + taskId + "/bids", bidder.token,
                      json::object{{"proposedAmount", 10}, {"etaDays", 1}});
        QVERIFY2(r.status == 201, brief(r).c_str());

        // Several failed attempts, each logged with its error.
        QVERIFY2(waitUntil([&] { return attempts(owner.token, bids).size() >= 3; }, 10s),
                 "no retries logged");
        auto log = attempts(owner.token, bids);
        for (const auto& e : log) {
            QCOMPARE(e.at("succeeded").as_bool(), false);
            QVERIFY(e.at("statusCode").is_null());
            QVERIFY2(str(e, "error").find("connect") != std::string::npos, str(e, "error").c_str());
            QCOMPARE(str(e, "event"), std::string("bid.received"));
            QCOMPARE(str(e, "deliveryStatus"), std::string("pending"));
        }
        const std::string deliveryId = str(log.front(), "deliveryId");
        QVERIFY(deliveryId.rfind("whd_", 0) == 0);

        Receiver rx(port);
        rx.start();
        const auto up = Clock::now();
        QVERIFY2(waitUntil([&] { return rx.count() >= 1; }, 15s),
                 "the delivery never came after the receiver came up");
        const auto got = Clock::now();
        std::this_thread::sleep_for(300ms); // nothing else should follow
        QCOMPARE(rx.count(), std::size_t(1));
        const auto req = rx.received().front();
        QCOMPARE(req.method, std::string("POST"));
        QCOMPARE(req.target, std::string("/incoming?src=taskdesk"));
        QCOMPARE(req.header("content-type").value_or(""), std::string("application/json"));
        QCOMPARE(req.header("x-taskdesk-event").value_or(""), std::string("bid.received"));
        QCOMPARE(req.header("x-taskdesk-delivery").value_or(""), deliveryId);
        const std::string expectedSig =
            "sha256=" + taskdesk::crypto::Digest::hmacSha256Hex(kSecret, req.body);
        QCOMPARE(req.header("x-taskdesk-signature").value_or(""), expectedSig);
        QVERIFY(req.header("x-taskdesk-signature").value_or("") !=
                "sha256=" + taskdesk::crypto::Digest::hmacSha256Hex("another secret entirely", req.body));
        // The body is the notification as the API lists it.
        const auto body = json::parse(req.body).as_object();
        QCOMPARE(str(body, "type"), std::string("bid.received"));
        r = call("GET", "/api/agent/notifications", owner.token);
        const auto list = r.obj();
        const auto& first = list.at("notifications").as_array().front();
        QCOMPARE(str(body, "id"), str(first, "id"));
        QCOMPARE(str(body, "entityId"), str(first, "entityId"));
        QCOMPARE(str(body, "message"), str(first, "message"));

        // The log: one entry per attempt, newest first; the last one succeeded with 200.
        log = attempts(owner.token, bids);
        QVERIFY(log.size() >= 4);
        QCOMPARE(log.front().at("succeeded").as_bool(), true);
        QCOMPARE(log.front().at("statusCode").as_int64(), std::int64_t(200));
        QVERIFY(log.front().at("error").is_null());
        QCOMPARE(str(log.front(), "deliveryStatus"), std::string("delivered"));
        verifyLog(owner.token, bids, deliveryId);
        r = call("GET", "/api/agent/webhooks/" + bids, owner.token);
        QCOMPARE(r.obj().at("webhook").at("deliveryCounts").at("delivered").as_int64(), std::int64_t(1));
        QCOMPARE(r.obj().at("webhook").at("deliveryCounts").at("pending").as_int64(), std::int64_t(0));
        // The filter: the other hook had nothing to send.
        QVERIFY(attempts(owner.token, claims).empty());
        qInfo("receiver down for %.0f ms: %zu failed attempts, delivered %.0f ms after it came up",
              std::chrono::duration<double, std::milli>(up - t0).count(), log.size() - 1,
              std::chrono::duration<double, std::milli>(got - up).count());

        // A comment matches the second hook only.
        r = call("POST", "/api/agent/tasks/" + taskId + "/comments", bidder.token,
                 json::object{{"body", "Hello there"}});
        QVERIFY2(r.status == 201, brief(r).c_str());
        QVERIFY(waitUntil([&] { return rx.count() >= 2; }, 10s));
        std::this_thread::sleep_for(200ms);
        QCOMPARE(rx.count(), std::size_t(2));
        QCOMPARE(rx.received().back().header("x-taskdesk-event").value_or(""),
                 std::string("comment.created"));
        QCOMPARE(attempts(owner.token, claims).size(), std::size_t(1));
    }

    // ------------------------------------------------------------------------------------------
    // Non-2xx answers are failures with their status code logged; a paused hook gets nothing.
    void statusCodesAndPause()
    {
        const auto owner = m_srv->registerMember("code_owner");
        const auto other = m_srv->registerMember("code_other");
        Receiver rx;
        rx.setStatus(503);
        rx.start();
        const std::string hook = createHook(owner.token, rx.url(), json::array{"comment.created"});
        const std::string taskId = newTask(owner.token, "Status code task");
        auto r = call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                      json::object{{"body", "one"}});
        QCOMPARE(r.status, 201);
        QVERIFY(waitUntil([&] { return rx.count() >= 2; }, 10s));
        rx.setStatus(204);
        QVERIFY(waitUntil(
            [&] {
                const auto log = attempts(owner.token, hook);
                return !log.empty() && log.front().at("succeeded").as_bool();
            },
            10s));
        const auto log = attempts(owner.token, hook);
        QCOMPARE(log.front().at("statusCode").as_int64(), std::int64_t(204));
        for (std::size_t i = 1; i < log.size(); ++i) {
            QCOMPARE(log[i].at("statusCode").as_int64(), std::int64_t(503));
            QCOMPARE(str(log[i], "error"), std::string("HTTP 503"));
        }
        // Every request carried the same delivery id (receivers dedupe on it).
        std::set<std::string> ids;
        for (const auto& q : rx.received())
            ids.insert(q.header("x-taskdesk-delivery").value_or(""));
        QCOMPARE(ids.size(), std::size_t(1));
        verifyLog(owner.token, hook, *ids.begin());

        const auto before = rx.count();
        r = call("PATCH", "/api/agent/webhooks/" + hook, owner.token, json::object{{"active", false}});
        QCOMPARE(r.status, 200);
        r = call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                 json::object{{"body", "two"}});
        QCOMPARE(r.status, 201);
        std::this_thread::sleep_for(500ms);
        QCOMPARE(rx.count(), before);
    }

    // ------------------------------------------------------------------------------------------
    // A restart between the failure and the success loses nothing; a row whose claim outlived
    // its process (status sending, lease expired) is claimed again and its lost attempt logged.
    void restartLosesNothing()
    {
        const auto owner = m_srv->registerMember("rs_owner");
        const auto other = m_srv->registerMember("rs_other");
        const std::uint16_t port = reservePort();
        const std::string hook = createHook(owner.token, "http://127.0.0.1:" + std::to_string(port) + "/r",
                                            json::array{"comment.created"});
        const std::string taskId = newTask(owner.token, "Restart task");
        QCOMPARE(call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                      json::object{{"body", "before"}})
                     .status,
                 201);
        QVERIFY(waitUntil([&] { return attempts(owner.token, hook).size() >= 2; }, 10s));

        m_srv->restart();
        const auto afterRestart = attempts(owner.token, hook).size();
        QVERIFY(afterRestart >= 2);
        Receiver rx(port);
        rx.start();
        QVERIFY2(waitUntil([&] { return rx.count() >= 1; }, 15s), "lost across the restart");
        std::this_thread::sleep_for(200ms);
        QCOMPARE(rx.count(), std::size_t(1));
        const std::string deliveryId = rx.received().front().header("x-taskdesk-delivery").value_or("");
        verifyLog(owner.token, hook, deliveryId);

        // A crashed claimer: the row says 'sending' under a lease that ran out.
        rx.stop();
        QCOMPARE(call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                      json::object{{"body", "crash"}})
                     .status,
                 201);
        QVERIFY(waitUntil(
            [&] {
                for (const auto& e : attempts(owner.token, hook))
                    if (str(e, "deliveryId") != deliveryId)
                        return true;
                return false;
            },
            10s));
        m_srv->stop();
        std::string crashed;
        {
            auto& db = m_srv->server().platform().db;
            taskdesk::store::Transaction tx(db, taskdesk::store::Transaction::Mode::Write);
            crashed =
                tx.scalarText("SELECT id FROM webhook_deliveries WHERE status = 'pending'").value_or("");
            QVERIFY(!crashed.empty());
            tx.exec("UPDATE webhook_deliveries SET status = 'sending', lock_token = 'dead-process',"
                    " due_at = '2001-01-01T00:00:00.000Z' WHERE id = ?",
                    {taskdesk::store::sqlText(crashed)});
            tx.commit();
        }
        rx.start();
        m_srv->start();
        QVERIFY2(waitUntil([&] { return rx.count() >= 2; }, 15s),
                 "the expired lease was never claimed again");
        std::this_thread::sleep_for(200ms);
        QCOMPARE(rx.count(), std::size_t(2));
        QCOMPARE(rx.received().back().header("x-taskdesk-delivery").value_or(""), crashed);
        const auto log = attempts(owner.token, hook);
        QCOMPARE(str(log.front(), "deliveryId"), crashed);
        QCOMPARE(log.front().at("succeeded").as_bool(), true);
        QVERIFY2(str(log.at(1), "error").find("interrupted") == 0, str(log.at(1), "error").c_str());
        verifyLog(owner.token, hook, crashed);
    }

    // ------------------------------------------------------------------------------------------
    // Private, loopback and link-local targets: refused unless the server allows them, both when
    // the webhook is made and when a delivery is about to connect (DNS may have changed).
    void privateTargets()
    {
        // The address rules themselves.
        for (const char* ip : {"127.0.0.1",
                               "127.255.0.9",
                               "10.0.0.1",
                               "172.16.0.1",
                               "172.31.255.255",
                               "192.168.1.1",
                               "169.254.169.254",
                               "0.0.0.0",
                               "100.64.0.1",
                               "224.0.0.1",
                               "255.255.255.255",
                               "::1",
                               "::",
                               "fc00::1",
                               "fd12:3456::1",
                               "fe80::1",
                               "ff02::1",
                               "::ffff:127.0.0.1",
                               "::ffff:10.0.0.1",
                               "64:ff9b::a00:1",
                               "2002:7f00:1::",
                               "not an address"})
            QVERIFY2(WebhookService::isPrivateAddress(ip), ip);
        for (const char* ip : {"93.184.216.34", "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1",
                               "100.128.0.1", "2606:4700::1111", "::ffff:93.184.216.34", "2a00:1450::1"})
            QVERIFY2(!WebhookService::isPrivateAddress(ip), ip);
        // URLs (no connection is made: only parsing and resolution).
        for (const char* u :
             {"http://127.0.0.1/", "http://localhost:8080/x", "https://10.1.2.3/h", "http://172.16.5.4/",
              "http://192.168.0.10:3000/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:8080/",
              "http://[fc00::1]/", "http://[fe80::1]/", "http://0.0.0.0:80/", "http://[::ffff:127.0.0.1]/",
              "http://2130706433/", "http://0x7f000001/"}) {
            const auto t = WebhookService::checkTarget(u, false);
            QVERIFY2(!t.ok, (std::string(u) + " was accepted").c_str());
            QVERIFY2(!t.reason.empty(), u);
        }
        for (const char* u :
             {"http://93.184.216.34/hook", "https://[2606:4700::1111]:8443/a?b=c", "HTTPS://8.8.8.8"}) {
            const auto t = WebhookService::checkTarget(u, false);
            QVERIFY2(t.ok, (std::string(u) + ": " + t.reason).c_str());
        }
        const auto t = WebhookService::checkTarget("https://[2606:4700::1111]:8443/a?b=c", false);
        QCOMPARE(t.scheme, std::string("https"));
        QCOMPARE(t.port, std::uint16_t(8443));
        QCOMPARE(t.target, std::string("/a?b=c"));
        QVERIFY(WebhookService::checkTarget("http://127.0.0.1:9/", true).ok);

        // Through the API of a server without --allow-private-webhooks, on the same database.
        const auto owner = m_srv->registerMember("pv_owner");
        const auto other = m_srv->registerMember("pv_other");
        Receiver rx;
        rx.start();
        const std::string hook =
            createHook(owner.token, rx.url(), json::array{"comment.created"}); // allowed here
        QVERIFY(!hook.empty());
        const std::string taskId = newTask(owner.token, "Private target task");
        m_srv->stop();
        taskdesk::PlatformServerConfig cfg;
        cfg.database = m_srv->databaseUrl();
        cfg.rateLimits = false;
        cfg.threads = 2;
        cfg.settings.allowPrivateWebhooks = false;
        cfg.settings.dataDir = m_srv->dataDir();
        cfg.jobInterval = std::chrono::hours(24);
        taskdesk::PlatformServer strict(cfg);
        strict.start();
        HttpClient c("127.0.0.1", strict.port());
        for (const std::string& u :
             {rx.url(), std::string("http://localhost:1/x"), std::string("http://[::1]:8080/"),
              std::string("http://169.254.169.254/")}) {
            const auto r = c.call("POST", "/api/agent/webhooks", owner.token,
                                  json::object{{"url", u}, {"events", json::array{"*"}}});
            QVERIFY2(r.status == 400 && r.obj().at("fields").as_object().contains("url"),
                     (u + ": " + brief(r)).c_str());
        }
        const auto r = c.call("PATCH", "/api/agent/webhooks/" + hook, owner.token,
                              json::object{{"url", rx.url("/other")}});
        QCOMPARE(r.status, 400);
        // The hook made while private targets were allowed is refused at delivery time.
        QCOMPARE(c.call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                        json::object{{"body", "x"}})
                     .status,
                 201);
        json::array log;
        QVERIFY(waitUntil(
            [&] {
                const auto l = c.call("GET", "/api/agent/webhooks/" + hook + "/deliveries", owner.token);
                if (l.status != 200)
                    return false;
                log = l.obj().at("deliveries").as_array();
                return !log.empty();
            },
            10s));
        QVERIFY2(str(log.front(), "error").find("refused") == 0, str(log.front(), "error").c_str());
        QVERIFY(str(log.front(), "error").find("127.0.0.1") != std::string::npos);
        std::this_thread::sleep_for(200ms);
        QCOMPARE(rx.count(), std::size_t(0));
        strict.stop();
    }

    // ------------------------------------------------------------------------------------------
    // https: the TLS handshake fails against a plain-HTTP listener (no downgrade), logged as such.
    void httpsNeedsTls()
    {
        const auto owner = m_srv->registerMember("tls_owner");
        const auto other = m_srv->registerMember("tls_other");
        Receiver rx;
        rx.start();
        const std::string hook =
            createHook(owner.token, "https://127.0.0.1:" + std::to_string(rx.port()) + "/tls",
                       json::array{"comment.created"});
        const std::string taskId = newTask(owner.token, "TLS task");
        QCOMPARE(
            call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token, json::object{{"body", "x"}})
                .status,
            201);
        QVERIFY(waitUntil([&] { return !attempts(owner.token, hook).empty(); }, 15s));
        const auto log = attempts(owner.token, hook);
        QVERIFY2(str(log.back(), "error").find("tls handshake") == 0, str(log.back(), "error").c_str());
    }

    // ------------------------------------------------------------------------------------------
    // Throughput: outbox rows straight into the database, then the dispatcher drains them into a
    // local receiver; and end to end, from comments written through the API to their delivery.
    void throughput()
    {
        constexpr int kRows = 600;
        constexpr int kComments = 200;
        const auto owner = m_srv->registerMember("tp_owner");
        const auto other = m_srv->registerMember("tp_other");
        Receiver rx;
        rx.start();
        const std::string hook = createHook(owner.token, rx.url(), json::array{"comment.created"});
        const std::string taskId = newTask(owner.token, "Throughput task");

        m_srv->stop();
        {
            auto& db = m_srv->server().platform().db;
            taskdesk::store::Transaction tx(db, taskdesk::store::Transaction::Mode::Write);
            const std::string now = m_srv->server().clock().nowIso();
            for (int i = 0; i < kRows; ++i) {
                const std::string payload = json::serialize(
                    json::object{{"id", "ntf_bulk" + std::to_string(i)}, {"type", "comment.created"}});
                tx.exec("INSERT INTO webhook_deliveries(id, webhook_id, notification_id, event, payload, "
                        "status, attempts,"
                        " due_at, created_at, updated_at) VALUES (?, ?, ?, 'comment.created', ?, 'pending', "
                        "0, ?, ?, ?)",
                        {taskdesk::store::sqlText(taskdesk::domain::newId("whd_")),
                         taskdesk::store::sqlText(hook),
                         taskdesk::store::sqlText("ntf_bulk" + std::to_string(i)),
                         taskdesk::store::sqlText(payload), taskdesk::store::sqlText(now),
                         taskdesk::store::sqlText(now), taskdesk::store::sqlText(now)});
            }
            tx.commit();
        }
        const auto t0 = Clock::now();
        m_srv->start();
        QVERIFY2(waitUntil([&] { return rx.count() >= std::size_t(kRows); }, 120s),
                 std::to_string(rx.count()).c_str());
        const double drain = std::chrono::duration<double>(Clock::now() - t0).count();
        std::this_thread::sleep_for(300ms);
        QCOMPARE(rx.count(), std::size_t(kRows)); // each exactly once
        std::set<std::string> ids;
        for (const auto& q : rx.received())
            ids.insert(q.header("x-taskdesk-delivery").value_or(""));
        QCOMPARE(ids.size(), std::size_t(kRows));

        // End to end: API write -> outbox row in the same transaction -> wake -> POST.
        const auto t1 = Clock::now();
        for (int i = 0; i < kComments; ++i)
            QCOMPARE(call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                          json::object{{"body", "comment " + std::to_string(i)}})
                         .status,
                     201);
        const double writes = std::chrono::duration<double>(Clock::now() - t1).count();
        QVERIFY(waitUntil([&] { return rx.count() >= std::size_t(kRows + kComments); }, 60s));
        const double e2e = std::chrono::duration<double>(Clock::now() - t1).count();
        std::this_thread::sleep_for(200ms);
        QCOMPARE(rx.count(), std::size_t(kRows + kComments));
        qInfo(
            "webhook throughput (%s): %d queued deliveries drained in %.2f s = %.0f deliveries/s;"
            " %d comments written in %.2f s, all delivered %.2f s after the first write (%.0f/s end to end)",
            TestServer::backendName().c_str(), kRows, drain, kRows / drain, kComments, writes, e2e,
            kComments / e2e);
        taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                        taskdesk::store::Transaction::Mode::Read);
        QCOMPARE(tx.scalarInt("SELECT COUNT(*) FROM webhook_attempts WHERE webhook_id = ?",
                              {taskdesk::store::sqlText(hook)})
                     .value_or(-1),
                 std::int64_t(kRows + kComments));
    }
};

TASKDESK_API_TEST_MAIN(ApiWebhooksTest)
#include "tst_api_webhooks.moc"
