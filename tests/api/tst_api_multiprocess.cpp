// Two real taskdesk-server processes on one database: the claim race split across
// them (one winner), one Idempotency-Key sent to both (charged once), and rate
// limits that hold in total across both (registrations per IP, bids per profile),
// including per-IP counting behind a trusted proxy (X-Forwarded-For).
// The claim race and idempotency need PostgreSQL (skipped on SQLite); the rate
// limits run on both (two processes on one SQLite file share the count too).
#include "Database.h"
#include "TestServer.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <latch>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0, Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(t - t0).count();
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
    return std::to_string(r.status) + " " + (r.status == 0 ? r.error : r.body.substr(0, 300));
}

struct Member
{
    std::string id, token;
};

Reply registerRaw(const HttpClient& c, const std::string& handle, const std::vector<std::string>& skills = {},
                  std::vector<std::pair<std::string, std::string>> headers = {})
{
    json::array sk;
    for (const auto& s : skills)
        sk.emplace_back(s);
    return c.call("POST", "/api/agent/register", "",
                  json::object{{"email", handle + "@example.com"},
                               {"password", "correct horse battery"},
                               {"handle", handle},
                               {"skills", std::move(sk)}},
                  std::move(headers));
}

Member registerOn(const HttpClient& c, const std::string& handle, const std::vector<std::string>& skills = {})
{
    const auto r = registerRaw(c, handle, skills);
    if (r.status != 201)
        throw std::runtime_error("register " + handle + ": " + brief(r));
    return Member{str(r.obj().at("profile"), "id"), str(r.json(), "tokenValue")};
}

// The real server binary on 127.0.0.1 and a free port.
class ServerProcess
{
public:
    ServerProcess(std::string database, QString log) : m_db(std::move(database)), m_log(std::move(log)) {}
    ~ServerProcess()
    {
        if (m_proc && m_proc->state() != QProcess::NotRunning) {
            m_proc->terminate();
            if (!m_proc->waitForFinished(15000)) {
                m_proc->kill();
                m_proc->waitForFinished(5000);
            }
        }
    }

    std::string start(const QStringList& extra)
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProgram(QStringLiteral(TASKDESK_SERVER_BINARY));
        QStringList args{
            QStringLiteral("serve"),      QStringLiteral("--listen"),   QStringLiteral("127.0.0.1:0"),
            QStringLiteral("--database"), QString::fromStdString(m_db), QStringLiteral("--threads"),
            QStringLiteral("4")};
        args += extra;
        m_proc->setArguments(args);
        m_proc->setStandardErrorFile(m_log, QIODevice::Append);
        m_proc->start();
        if (!m_proc->waitForStarted(10000))
            return "cannot start " TASKDESK_SERVER_BINARY ": " + m_proc->errorString().toStdString();
        static const QRegularExpression re(QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        QByteArray seen;
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        while (Clock::now() < deadline) {
            while (m_proc->canReadLine()) {
                const QByteArray line = m_proc->readLine();
                seen += line;
                const auto match = re.match(QString::fromUtf8(line));
                if (match.hasMatch()) {
                    m_port = static_cast<std::uint16_t>(match.captured(1).toUInt());
                    return {};
                }
            }
            if (m_proc->state() == QProcess::NotRunning)
                return "server exited before listening; stdout: " + seen.toStdString() +
                       "; stderr: " + stderrTail();
            m_proc->waitForReadyRead(200);
        }
        return "server did not report its port within 60 s";
    }

    std::uint16_t port() const { return m_port; }
    HttpClient client() const { return HttpClient("127.0.0.1", m_port); }

    std::string stderrTail() const
    {
        QFile f(m_log);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return f.readAll().right(3000).toStdString();
    }

private:
    std::string m_db;
    QString m_log;
    std::unique_ptr<QProcess> m_proc;
    std::uint16_t m_port = 0;
};

} // namespace

class ApiMultiprocessTest : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_logs;

    QString logPath(const char* name) const
    {
        return m_logs.filePath(QString::fromLatin1(name) + QStringLiteral(".log"));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_logs.isValid());
        qInfo("database backend: %s; server logs in %s", TestServer::backendName().c_str(),
              qPrintable(m_logs.path()));
    }

    // ------------------------------------------------------------------------------------------
    // 40 agents, half on each process, claim one task at the same instant: one 201, 39 x 409.
    void claimRaceAcrossProcesses()
    {
        if (!TestServer::postgresRequested())
            QSKIP("several server processes on one database: PostgreSQL only");
        constexpr int kAgents = 40;
        constexpr int kRounds = 5;
        TestServer db; // the database only
        ServerProcess a(db.databaseUrl(), logPath("race-a")), b(db.databaseUrl(), logPath("race-b"));
        auto err = a.start({QStringLiteral("--no-rate-limits")});
        QVERIFY2(err.empty(), err.c_str());
        err = b.start({QStringLiteral("--no-rate-limits")});
        QVERIFY2(err.empty(), err.c_str());
        const HttpClient ca = a.client(), cb = b.client();

        Member owner;
        std::vector<Member> agents(kAgents);
        try {
            owner = registerOn(ca, "mp_owner", {"race"});
            std::vector<std::thread> threads;
            std::mutex m;
            std::string failure;
            for (int t = 0; t < 4; ++t)
                threads.emplace_back([&, t] {
                    for (int i = t; i < kAgents; i += 4) {
                        try {
                            agents[static_cast<std::size_t>(i)] =
                                registerOn(i % 2 ? cb : ca, "mp_racer" + std::to_string(i), {"race"});
                        } catch (const std::exception& e) {
                            std::lock_guard lock(m);
                            failure = e.what();
                        }
                    }
                });
            for (auto& t : threads)
                t.join();
            QVERIFY2(failure.empty(), failure.c_str());
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }

        std::vector<double> allRounds;
        for (int round = 0; round < kRounds; ++round) {
            auto r = (round % 2 ? cb : ca)
                         .call("POST", "/api/agent/tasks", owner.token,
                               json::object{{"title", "Cross-process race " + std::to_string(round)},
                                            {"description", "Two processes, forty agents, one winner."},
                                            {"mode", "claim"},
                                            {"skillsTags", json::array{"race"}},
                                            {"budgetAmount", 100},
                                            {"budgetCurrency", "CREDITS"}});
            QVERIFY2(r.status == 201, brief(r).c_str());
            const std::string taskId = str(r.obj().at("task"), "id");
            std::vector<Reply> replies(kAgents);
            std::vector<Clock::time_point> done(kAgents);
            std::latch ready(kAgents);
            std::latch go(1);
            std::vector<std::thread> threads;
            for (int i = 0; i < kAgents; ++i)
                threads.emplace_back([&, i] {
                    const HttpClient& c = i % 2 ? cb : ca;
                    ready.count_down();
                    go.wait();
                    replies[static_cast<std::size_t>(i)] =
                        c.call("POST", "/api/agent/tasks/" + taskId + "/claim",
                               agents[static_cast<std::size_t>(i)].token, json::object{});
                    done[static_cast<std::size_t>(i)] = Clock::now();
                });
            ready.wait();
            const auto t0 = Clock::now();
            go.count_down();
            for (auto& t : threads)
                t.join();
            int created = 0, notOpen = 0, winner = -1;
            std::string unexpected;
            std::vector<double> lat;
            for (int i = 0; i < kAgents; ++i) {
                const auto& rep = replies[static_cast<std::size_t>(i)];
                lat.push_back(msSince(t0, done[static_cast<std::size_t>(i)]));
                if (rep.status == 201) {
                    ++created;
                    winner = i;
                } else if (rep.status == 409 && codeOf(rep) == "TASK_NOT_OPEN") {
                    ++notOpen;
                } else {
                    unexpected += "\n  agent " + std::to_string(i) + ": " + brief(rep);
                }
            }
            std::sort(lat.begin(), lat.end());
            allRounds.push_back(lat.back());
            qInfo("two-process claim race round %d: %d x 201 (via process %c), %d x 409; all 40 answered in "
                  "%.1f ms"
                  " (winner %.1f ms, median %.1f ms, fastest %.1f ms)",
                  round, created, winner >= 0 ? (winner % 2 ? 'B' : 'A') : '-', notOpen, lat.back(),
                  winner >= 0 ? msSince(t0, done[static_cast<std::size_t>(winner)]) : -1.0,
                  lat[lat.size() / 2], lat.front());
            QVERIFY2(unexpected.empty(), unexpected.c_str());
            QCOMPARE(created, 1);
            QCOMPARE(notOpen, kAgents - 1);
            taskdesk::store::Database store(db.databaseUrl());
            taskdesk::store::Transaction tx(store, taskdesk::store::Transaction::Mode::Read);
            QCOMPARE(tx.scalarInt("SELECT COUNT(*) FROM contracts WHERE task_id = ?",
                                  {taskdesk::store::sqlText(taskId)})
                         .value_or(-1),
                     std::int64_t(1));
            QCOMPARE(tx.scalarText("SELECT seller_id FROM contracts WHERE task_id = ?",
                                   {taskdesk::store::sqlText(taskId)})
                         .value_or(""),
                     agents[static_cast<std::size_t>(winner)].id);
        }
        std::sort(allRounds.begin(), allRounds.end());
        qInfo("two-process claim race: %d rounds, slowest round %.1f ms, median round %.1f ms", kRounds,
              allRounds.back(), allRounds[allRounds.size() / 2]);
        // The owner paid 5 x 100 into escrow, once each.
        const auto w = ca.call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(w.status, 200);
        QCOMPARE(w.obj().at("wallet").at("escrow").to_number<double>(), 500.0);
        QCOMPARE(w.obj().at("wallet").at("available").to_number<double>(), 500.0);
    }

    // ------------------------------------------------------------------------------------------
    // One Idempotency-Key sent to both processes at once (and again afterwards): one task, one charge.
    void idempotencyAcrossProcesses()
    {
        if (!TestServer::postgresRequested())
            QSKIP("several server processes on one database: PostgreSQL only");
        constexpr int kKeys = 10;
        TestServer db;
        ServerProcess a(db.databaseUrl(), logPath("idem-a")), b(db.databaseUrl(), logPath("idem-b"));
        auto err = a.start({QStringLiteral("--no-rate-limits")});
        QVERIFY2(err.empty(), err.c_str());
        err = b.start({QStringLiteral("--no-rate-limits")});
        QVERIFY2(err.empty(), err.c_str());
        const HttpClient ca = a.client(), cb = b.client();
        Member owner;
        try {
            owner = registerOn(ca, "idem_owner");
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        int replayed = 0, inProgress = 0;
        double worst = 0;
        for (int k = 0; k < kKeys; ++k) {
            const std::string key = "mp-key-" + std::to_string(k);
            const json::object body{{"title", "Idempotent task " + std::to_string(k)},
                                    {"description", "Sent to two processes under one key."},
                                    {"budgetAmount", 50}};
            std::vector<std::pair<std::string, std::string>> h{{"Idempotency-Key", key}};
            Reply ra, rb;
            std::latch go(3);
            const auto t0 = Clock::now();
            std::thread ta([&] {
                go.arrive_and_wait();
                ra = ca.call("POST", "/api/agent/tasks", owner.token, body, h);
            });
            std::thread tb([&] {
                go.arrive_and_wait();
                rb = cb.call("POST", "/api/agent/tasks", owner.token, body, h);
            });
            go.arrive_and_wait();
            ta.join();
            tb.join();
            worst = std::max(worst, msSince(t0, Clock::now()));
            std::string taskId;
            for (Reply* r : {&ra, &rb}) {
                if (r->status == 409 && codeOf(*r) == "IDEMPOTENCY_IN_PROGRESS") {
                    ++inProgress;
                    continue; // allowed while the twin runs; retried below
                }
                QVERIFY2(r->status == 201, brief(*r).c_str());
                if (r->headers.count("idempotent-replayed"))
                    ++replayed;
                const std::string id = str(r->obj().at("task"), "id");
                QVERIFY(taskId.empty() || taskId == id);
                taskId = id;
            }
            // Later, to each process: the first answer again.
            for (const HttpClient* c : {&ca, &cb}) {
                const auto r = c->call("POST", "/api/agent/tasks", owner.token, body, h);
                QVERIFY2(r.status == 201 && r.headers.count("idempotent-replayed"), brief(r).c_str());
                const std::string id = str(r.obj().at("task"), "id");
                QVERIFY(taskId.empty() || taskId == id);
                taskId = id;
            }
        }
        const auto w = cb.call("GET", "/api/agent/wallet", owner.token);
        QCOMPARE(w.status, 200);
        QCOMPARE(w.obj().at("wallet").at("escrow").to_number<double>(), kKeys * 50.0);
        QCOMPARE(w.obj().at("wallet").at("available").to_number<double>(), 1000.0 - kKeys * 50.0);
        const auto mine = ca.call("GET", "/api/agent/tasks?limit=100", owner.token);
        QCOMPARE(mine.obj().at("tasks").as_array().size(), std::size_t(kKeys));
        qInfo("idempotency across two processes: %d keys, each sent to both at once: %d replayed, %d in "
              "progress (409);"
              " slowest pair %.1f ms; one task and one charge per key",
              kKeys, replayed, inProgress, worst);
    }

    // ------------------------------------------------------------------------------------------
    // Rate limits on: registrations from one IP cap at 5/min in total across both processes; bids
    // at 20/hour per profile in total; behind a trusted proxy the X-Forwarded-For client counts.
    void rateLimitsAcrossProcesses()
    {
        TestServer db;
        // Profiles and tasks come from a process without limits (the same database).
        ServerProcess setup(db.databaseUrl(), logPath("rl-setup"));
        auto err = setup.start({QStringLiteral("--no-rate-limits")});
        QVERIFY2(err.empty(), err.c_str());
        Member owner, bidder;
        std::vector<std::string> tasks;
        try {
            owner = registerOn(setup.client(), "rl_owner");
            bidder = registerOn(setup.client(), "rl_bidder");
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        for (int i = 0; i < 22; ++i) {
            const auto r = setup.client().call("POST", "/api/agent/tasks", owner.token,
                                               json::object{{"title", "Limited task " + std::to_string(i)},
                                                            {"description", "A task to bid on."},
                                                            {"budgetAmount", 5}});
            QVERIFY2(r.status == 201, brief(r).c_str());
            tasks.push_back(str(r.obj().at("task"), "id"));
        }

        ServerProcess c(db.databaseUrl(), logPath("rl-c")), d(db.databaseUrl(), logPath("rl-d"));
        err = c.start({});
        QVERIFY2(err.empty(), err.c_str());
        err = d.start({QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1")});
        QVERIFY2(err.empty(), err.c_str());
        const HttpClient cc = c.client(), cd = d.client();

        // 12 registrations from 127.0.0.1, alternating between the processes: 5 pass in total.
        const auto t0 = Clock::now();
        int ok = 0, limited = 0;
        std::string unexpected;
        for (int i = 0; i < 12; ++i) {
            const auto r = registerRaw(i % 2 ? cd : cc, "rl_user" + std::to_string(i));
            if (r.status == 201) {
                ++ok;
            } else if (r.status == 429 && codeOf(r) == "RATE_LIMITED" && r.headers.count("retry-after")) {
                ++limited;
                const int wait = std::atoi(r.headers.at("retry-after").c_str());
                QVERIFY2(wait >= 1 && wait <= 60, r.headers.at("retry-after").c_str());
            } else {
                unexpected += "\n  " + std::to_string(i) + ": " + brief(r);
            }
        }
        const double regMs = msSince(t0, Clock::now());
        QVERIFY2(unexpected.empty(), unexpected.c_str());
        QCOMPARE(ok, 5);
        QCOMPARE(limited, 7);

        // Behind the trusted proxy (process D trusts 127.0.0.1) the forwarded client is counted:
        // a fresh IP gets its own 5; process C does not trust the header, so there it changes nothing.
        const std::vector<std::pair<std::string, std::string>> xff{
            {"X-Forwarded-For", "198.51.100.23, 203.0.113.7"}};
        QCOMPARE(registerRaw(cc, "rl_xff_c", {}, xff).status, 429);
        int viaProxy = 0;
        for (int i = 0; i < 7; ++i)
            viaProxy += registerRaw(cd, "rl_xff" + std::to_string(i), {}, xff).status == 201 ? 1 : 0;
        QCOMPARE(viaProxy, 5);

        // Bids: 20 per hour per profile, counted across both processes.
        int bids = 0, bidLimited = 0;
        const auto t1 = Clock::now();
        for (int i = 0; i < 22; ++i) {
            const auto r =
                (i % 2 ? cd : cc)
                    .call("POST", "/api/agent/tasks/" + tasks[static_cast<std::size_t>(i)] + "/bids",
                          bidder.token, json::object{{"proposedAmount", 1}, {"etaDays", 1}});
            if (r.status == 201)
                ++bids;
            else if (r.status == 429 && r.headers.count("retry-after"))
                ++bidLimited;
            else
                unexpected += "\n  bid " + std::to_string(i) + ": " + brief(r);
        }
        QVERIFY2(unexpected.empty(), unexpected.c_str());
        QCOMPARE(bids, 20);
        QCOMPARE(bidLimited, 2);
        // Other profiles and other classes are unaffected.
        QCOMPARE(cd.call("GET", "/api/agent/me", bidder.token).status, 200);
        QCOMPARE(cc.call("GET", "/api/agent/bids", owner.token).status, 200);
        qInfo("rate limits across two processes (%s): registrations 5 of 12 passed (%.0f ms for 12),"
              " via trusted proxy 5 of 7 for a fresh forwarded IP, bids 20 of 22 passed (%.0f ms)",
              TestServer::backendName().c_str(), regMs, msSince(t1, Clock::now()));
    }
};

TASKDESK_API_TEST_MAIN(ApiMultiprocessTest)
#include "tst_api_multiprocess.moc"
