// GET /api/agent/events: the long poll answers at once when there is news,
// wakes within a second of a new notification, times out empty, and idle
// waiters cost (almost) no CPU.
#include "TestServer.h"

#include <QTest>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace taskdesk::test;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {
double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
} // namespace

class ApiEventsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

    std::string postTask(const TestServer::Member& owner)
    {
        auto r = m_srv->client().call("POST", "/api/agent/tasks", owner.token,
                                      json::object{{"title", "Events task"},
                                                   {"description", "A task whose bids make notifications."},
                                                   {"budgetAmount", 50}});
        if (r.status != 201)
            return {};
        return std::string(r.obj().at("task").at("id").as_string());
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

    void validationAndAuth()
    {
        auto c = m_srv->client();
        const auto a = m_srv->registerMember("events_a");
        QCOMPARE(c.call("GET", "/api/agent/events").status, 401);
        QCOMPARE(c.call("GET", "/api/agent/events?after=nope", a.token).status, 400);
        QCOMPARE(c.call("GET", "/api/agent/events?wait=abc", a.token).status, 400);
        auto narrow = c.call("POST", "/api/agent/me/tokens", a.token,
                             json::object{{"name", "narrow"}, {"scopes", json::array{"tasks:read"}}});
        QCOMPARE(narrow.status, 201);
        const std::string narrowToken(narrow.obj().at("tokenValue").as_string());
        auto r = c.call("GET", "/api/agent/events?wait=0", narrowToken);
        QCOMPARE(r.status, 403);
        QCOMPARE(std::string(r.obj().at("code").as_string()), std::string("MISSING_SCOPE"));
        // wait is clamped, not refused.
        const auto t0 = Clock::now();
        r = c.call("GET", "/api/agent/events?wait=-5", a.token);
        QCOMPARE(r.status, 200);
        QVERIFY(Clock::now() - t0 < std::chrono::seconds(1));
    }

    void cursorReturnsNewerOnlyOldestFirst()
    {
        auto c = m_srv->client();
        const auto owner = m_srv->registerMember("events_owner");
        const auto w1 = m_srv->registerMember("events_w1");
        const auto w2 = m_srv->registerMember("events_w2");
        const std::string task = postTask(owner);
        QVERIFY(!task.empty());
        // No cursor: starts from now, so existing notifications are not events.
        auto r = c.call("GET", "/api/agent/events?wait=0", owner.token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.obj().at("events").as_array().size(), std::size_t(0));
        const json::value startCursor = r.obj().at("cursor");
        QVERIFY2(startCursor.is_string(), "a cursor is returned even before the first notification");
        QCOMPARE(c.call("POST", "/api/agent/tasks/" + task + "/bids", w1.token,
                        json::object{{"proposedAmount", 40}})
                     .status,
                 201);
        QCOMPARE(c.call("POST", "/api/agent/tasks/" + task + "/bids", w2.token,
                        json::object{{"proposedAmount", 45}})
                     .status,
                 201);
        const std::string after =
            startCursor.is_string() ? std::string(startCursor.as_string()) : std::string();
        r = c.call("GET", "/api/agent/events?wait=0" + (after.empty() ? std::string() : "&after=" + after),
                   owner.token);
        QCOMPARE(r.status, 200);
        const auto body = r.obj();
        const auto& events = body.at("events").as_array();
        QCOMPARE(events.size(), std::size_t(2));
        QCOMPARE(std::string(events[0].at("type").as_string()), std::string("bid.received"));
        QVERIFY(std::string(events[0].at("id").as_string()) < std::string(events[1].at("id").as_string()));
        const std::string cursor(body.at("cursor").as_string());
        QCOMPARE(cursor, std::string(events[1].at("id").as_string()));
        r = c.call("GET", "/api/agent/events?wait=0&after=" + cursor, owner.token);
        QCOMPARE(r.obj().at("events").as_array().size(), std::size_t(0));
        QCOMPARE(std::string(r.obj().at("cursor").as_string()), cursor);
        // Another profile's events never show.
        r = c.call("GET", "/api/agent/events?wait=0&after=" + after, w1.token);
        const auto other = r.obj();
        for (const auto& e : other.at("events").as_array())
            QVERIFY(std::string(e.at("message").as_string()).find("New bid") == std::string::npos);
    }

    void longPollWakesPromptly()
    {
        const auto owner = m_srv->registerMember("poll_owner");
        const auto worker = m_srv->registerMember("poll_worker");
        const std::string task = postTask(owner);
        auto c = m_srv->client();
        const std::string cursor = [&] {
            const auto body = c.call("GET", "/api/agent/events?wait=0", owner.token).obj();
            const auto& v = body.at("cursor");
            return v.is_string() ? std::string(v.as_string()) : std::string();
        }();
        std::vector<double> latenciesMs;
        std::string after = cursor;
        for (int round = 0; round < 5; ++round) {
            Reply polled;
            Clock::time_point answered;
            std::thread poller([&] {
                polled = HttpClient("127.0.0.1", m_srv->port())
                             .call("GET",
                                   "/api/agent/events?wait=10" +
                                       (after.empty() ? std::string() : "&after=" + after),
                                   owner.token);
                answered = Clock::now();
            });
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            const auto worker2 = m_srv->registerMember("poll_w" + std::to_string(round));
            auto bid = c.call("POST", "/api/agent/tasks/" + task + "/bids", worker2.token,
                              json::object{{"proposedAmount", 10 + round}});
            const auto committed = Clock::now();
            QCOMPARE(bid.status, 201);
            poller.join();
            QCOMPARE(polled.status, 200);
            const auto body = polled.obj();
            const auto& events = body.at("events").as_array();
            QCOMPARE(events.size(), std::size_t(1));
            QCOMPARE(std::string(events[0].at("type").as_string()), std::string("bid.received"));
            after = std::string(polled.obj().at("cursor").as_string());
            const double ms = std::chrono::duration<double, std::milli>(answered - committed).count();
            latenciesMs.push_back(ms);
            QVERIFY2(ms < 1000, "the long poll must answer within a second of the notification");
        }
        std::sort(latenciesMs.begin(), latenciesMs.end());
        qInfo("long-poll wake latency after the write's response: min %.1f ms, median %.1f ms, max %.1f ms",
              latenciesMs.front(), latenciesMs[latenciesMs.size() / 2], latenciesMs.back());
        (void)worker;
    }

    void timesOutEmpty()
    {
        const auto a = m_srv->registerMember("poll_idle");
        const auto t0 = Clock::now();
        auto r = m_srv->client().call("GET", "/api/agent/events?wait=1", a.token);
        const auto elapsed = Clock::now() - t0;
        QCOMPARE(r.status, 200);
        QCOMPARE(r.obj().at("events").as_array().size(), std::size_t(0));
        QVERIFY(elapsed >= std::chrono::milliseconds(900));
        QVERIFY(elapsed < std::chrono::milliseconds(2500));
    }

    // Idle waiters hold no worker thread and cost almost no CPU: 300 open long
    // polls, then a normal request must still be answered at once.
    void idleWaitersAreCheap()
    {
        const auto a = m_srv->registerMember("poll_many");
        const int n = 300;
        std::vector<int> fds;
        const std::string req = "GET /api/agent/events?wait=5 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                a.token + "\r\n\r\n";
        for (int i = 0; i < n; ++i) {
            int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            QVERIFY(fd >= 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_port = htons(m_srv->port());
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            QVERIFY(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
            QVERIFY(::send(fd, req.data(), req.size(), 0) == static_cast<ssize_t>(req.size()));
            fds.push_back(fd);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(500)); // let them all arrive
        const double cpu0 = cpuSeconds();
        const auto t0 = Clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        const double cpu = cpuSeconds() - cpu0;
        const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
        qInfo("%d idle long polls: %.3f s CPU over %.2f s (%.1f%% of one core)", n, cpu, wall,
              100 * cpu / wall);
        QVERIFY2(cpu / wall < 0.25, "idle waiters must not eat a core");
        const auto q0 = Clock::now();
        auto r = m_srv->client().call("GET", "/api/agent/me", a.token);
        QCOMPARE(r.status, 200);
        QVERIFY(Clock::now() - q0 < std::chrono::seconds(1));
        for (int fd : fds)
            ::close(fd);
    }
};

TASKDESK_API_TEST_MAIN(ApiEventsTest)
#include "tst_api_events.moc"
