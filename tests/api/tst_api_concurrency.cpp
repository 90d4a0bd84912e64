// Concurrency and crash safety over real HTTP: claim races, concurrent writers,
// concurrent spending from one wallet, and SIGKILL of the real server binary
// in the middle of a write load. Every figure is checked against the ledger.
#include "Database.h"
#include "Ledger.h"
#include "Platform.h"
#include "TestServer.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <functional>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

using namespace taskdesk::test;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::int64_t kGrantCents = 1000 * 100; // registration grant

double msSince(Clock::time_point t0, Clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(t - t0).count();
}

// Money as integer cents (the API sends whole amounts as integers, others as doubles).
std::int64_t cents(const json::value* v)
{
    if (!v)
        return INT64_MIN;
    if (v->is_int64())
        return v->as_int64() * 100;
    if (v->is_uint64())
        return static_cast<std::int64_t>(v->as_uint64()) * 100;
    if (v->is_double())
        return std::llround(v->as_double() * 100.0);
    return INT64_MIN;
}

std::string codeOf(const Reply& r)
{
    const auto o = r.obj();
    const auto* c = o.if_contains("code");
    return c && c->is_string() ? std::string(c->as_string()) : std::string();
}

// "<entity>.id" from a reply body, empty when absent.
std::string idOf(const Reply& r, const char* entity)
{
    const auto o = r.obj();
    const auto* e = o.if_contains(entity);
    if (!e || !e->is_object())
        return {};
    const auto* id = e->as_object().if_contains("id");
    return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

std::string describe(const std::string& what, const Reply& r)
{
    std::string body = r.body.size() > 300 ? r.body.substr(0, 300) + "..." : r.body;
    return what + " -> " + std::to_string(r.status) + " " + (r.status == 0 ? r.error : body);
}

struct Member
{
    std::string id, handle, token;
};

Member registerOn(const HttpClient& c, const std::string& handle, const std::vector<std::string>& skills)
{
    json::array sk;
    for (const auto& s : skills)
        sk.emplace_back(s);
    const json::object body{{"email", handle + "@example.com"},
                            {"password", "correct horse battery"},
                            {"handle", handle},
                            {"skills", std::move(sk)}};
    const auto r = c.call("POST", "/api/agent/register", "", body);
    if (r.status != 201)
        throw std::runtime_error(describe("register " + handle, r));
    const auto o = r.obj();
    return Member{std::string(o.at("profile").at("id").as_string()), handle,
                  std::string(o.at("tokenValue").as_string())};
}

// Registers prefix0..prefix{n-1} from a few threads (Argon2id makes each one slow).
std::vector<Member> registerMany(std::uint16_t port, const std::string& prefix, int n,
                                 const std::vector<std::string>& skills, int parallel = 4)
{
    std::vector<Member> out(static_cast<std::size_t>(n));
    std::atomic<int> next{0};
    std::mutex m;
    std::string failure;
    std::vector<std::thread> threads;
    for (int t = 0; t < parallel; ++t)
        threads.emplace_back([&] {
            HttpClient c("127.0.0.1", port);
            for (int i = next++; i < n; i = next++) {
                try {
                    out[static_cast<std::size_t>(i)] = registerOn(c, prefix + std::to_string(i), skills);
                } catch (const std::exception& e) {
                    std::lock_guard lock(m);
                    failure = e.what();
                }
            }
        });
    for (auto& t : threads)
        t.join();
    if (!failure.empty())
        throw std::runtime_error(failure);
    return out;
}

// Registers prefix0..prefix{n-1} all at the same instant (one thread each).
std::vector<Member> registerTogether(std::uint16_t port, const std::string& prefix, int n,
                                     const std::vector<std::string>& skills)
{
    std::vector<Member> out(static_cast<std::size_t>(n));
    std::mutex m;
    std::string failures;
    std::latch ready(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
        threads.emplace_back([&, i] {
            HttpClient c("127.0.0.1", port);
            ready.arrive_and_wait();
            try {
                out[static_cast<std::size_t>(i)] = registerOn(c, prefix + std::to_string(i), skills);
            } catch (const std::exception& e) {
                std::lock_guard lock(m);
                failures += std::string("\n  ") + e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    if (!failures.empty())
        throw std::runtime_error("concurrent registrations failed:" + failures);
    return out;
}

struct WalletFigures
{
    std::int64_t available = INT64_MIN, pending = INT64_MIN, escrow = INT64_MIN;
    bool ok = false;
};

WalletFigures walletOf(const HttpClient& c, const std::string& token)
{
    WalletFigures w;
    const auto r = c.call("GET", "/api/agent/wallet", token);
    if (r.status != 200)
        return w;
    const auto o = r.obj();
    const auto* wal = o.if_contains("wallet");
    if (!wal || !wal->is_object())
        return w;
    const auto& wo = wal->as_object();
    w.available = cents(wo.if_contains("available"));
    w.pending = cents(wo.if_contains("pending"));
    w.escrow = cents(wo.if_contains("escrow"));
    w.ok = w.available != INT64_MIN && w.pending != INT64_MIN && w.escrow != INT64_MIN;
    return w;
}

// Problems seen on worker threads, reported (and failed) on the test thread.
class Issues
{
public:
    void add(std::string s)
    {
        std::lock_guard lock(m_);
        if (list_.size() < 200)
            list_.push_back(std::move(s));
        ++count_;
    }
    std::size_t count() const
    {
        std::lock_guard lock(m_);
        return count_;
    }
    std::string text() const
    {
        std::lock_guard lock(m_);
        std::string out;
        for (const auto& s : list_)
            out += "\n  " + s;
        if (count_ > list_.size())
            out += "\n  ... and " + std::to_string(count_ - list_.size()) + " more";
        return out;
    }

private:
    mutable std::mutex m_;
    std::vector<std::string> list_;
    std::size_t count_ = 0;
};

// Status tallies, by "<operation> <status>".
class Tally
{
public:
    void add(const std::string& op, int status)
    {
        std::lock_guard lock(m_);
        ++counts_[op + " " + std::to_string(status)];
    }
    std::string text() const
    {
        std::lock_guard lock(m_);
        std::string out;
        for (const auto& [k, v] : counts_)
            out += (out.empty() ? "" : ", ") + k + ":" + std::to_string(v);
        return out;
    }

private:
    mutable std::mutex m_;
    std::map<std::string, int> counts_;
};

// ---------------------------------------------------------------------------------------------
// The real server binary, for the crash test.

class ServerProcess
{
public:
    ServerProcess(std::string database, QString logPath)
        : m_db(std::move(database)), m_log(std::move(logPath))
    {}
    ~ServerProcess()
    {
        if (m_proc && m_proc->state() != QProcess::NotRunning) {
            m_proc->kill();
            m_proc->waitForFinished(10000);
        }
    }

    // Starts `serve` on a free port; empty string on success, else the reason.
    std::string start()
    {
        m_proc = std::make_unique<QProcess>();
        m_proc->setProgram(QStringLiteral(TASKDESK_SERVER_BINARY));
        m_proc->setArguments({QStringLiteral("serve"), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"),
                              QString::fromStdString(m_db), QStringLiteral("--no-rate-limits"),
                              QStringLiteral("--threads"), QStringLiteral("4")});
        // stderr (Qt logging) goes to a file so a chatty server can never block on a full pipe.
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
                return "server exited (" + std::to_string(m_proc->exitCode()) +
                       ") before listening; stdout: " + seen.toStdString() + "; stderr: " + stderrTail();
            m_proc->waitForReadyRead(200);
        }
        return "server did not report its port within 60 s; stdout: " + seen.toStdString();
    }

    void sigkill()
    {
        ::kill(static_cast<pid_t>(m_proc->processId()), SIGKILL);
        m_proc->waitForFinished(10000);
    }

    // SIGTERM and wait for an orderly exit; true when it exited with 0.
    bool terminate()
    {
        m_proc->terminate();
        if (!m_proc->waitForFinished(30000)) {
            m_proc->kill();
            m_proc->waitForFinished(10000);
            return false;
        }
        return m_proc->exitStatus() == QProcess::NormalExit && m_proc->exitCode() == 0;
    }

    std::uint16_t port() const { return m_port; }

    std::string stderrTail() const
    {
        QFile f(m_log);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QByteArray all = f.readAll();
        return all.right(4000).toStdString();
    }

    // `admin verify-ledger`: exit code and output.
    static int verifyLedger(const std::string& db, std::string& output)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral(TASKDESK_SERVER_BINARY),
                {QStringLiteral("admin"), QStringLiteral("verify-ledger"), QStringLiteral("--database"),
                 QString::fromStdString(db)});
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            output = "verify-ledger timed out";
            return -1;
        }
        output = p.readAll().toStdString();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

private:
    std::string m_db;
    QString m_log;
    std::unique_ptr<QProcess> m_proc;
    std::uint16_t m_port = 0;
};

} // namespace

class ApiConcurrencyTest : public QObject
{
    Q_OBJECT

private:
    static void verifyLedger(TestServer& srv)
    {
        const auto l = srv.ledger();
        QVERIFY2(l.balanced,
                 qPrintable(QStringLiteral("ledger not balanced: sum %1, negative %2, mismatched %3")
                                .arg(l.sum)
                                .arg(l.negativeAccounts)
                                .arg(l.mismatchedAccounts)));
        QCOMPARE(l.sum, 0LL);
    }

private slots:
    void initTestCase() { qInfo("database backend: %s", TestServer::backendName().c_str()); }

    // ------------------------------------------------------------------------------------------
    // 1. Forty agents claim one task at the same instant: one contract, 39 TASK_NOT_OPEN.
    void claimRace()
    {
        constexpr int kAgents = 40;
        constexpr int kRounds = 5;
        constexpr std::int64_t kBudget = 100 * 100;
        TestServer srv;
        srv.start();
        HttpClient c = srv.client();
        const auto owner = registerOn(c, "race_owner", {"race"});
        const auto agents = registerMany(srv.port(), "racer", kAgents, {"race", "other"});

        std::vector<std::string> taskIds;
        for (int round = 0; round < kRounds; ++round) {
            const json::object task{{"title", "Race task " + std::to_string(round)},
                                    {"description", "Claim me if you can, first come first served."},
                                    {"mode", "claim"},
                                    {"skillsTags", json::array{"race"}},
                                    {"budgetAmount", kBudget / 100},
                                    {"budgetCurrency", "CREDITS"}};
            auto r = c.call("POST", "/api/agent/tasks", owner.token, task);
            QVERIFY2(r.status == 201, describe("post claim task", r).c_str());
            const std::string taskId = idOf(r, "task");
            taskIds.push_back(taskId);

            struct Outcome
            {
                Reply reply;
                Clock::time_point done;
            };
            std::vector<Outcome> outcomes(kAgents);
            std::latch ready(kAgents);
            std::latch go(1);
            Clock::time_point t0;
            std::vector<std::thread> threads;
            for (int i = 0; i < kAgents; ++i)
                threads.emplace_back([&, i] {
                    HttpClient hc("127.0.0.1", srv.port());
                    ready.count_down();
                    go.wait();
                    outcomes[static_cast<std::size_t>(i)].reply =
                        hc.call("POST", "/api/agent/tasks/" + taskId + "/claim",
                                agents[static_cast<std::size_t>(i)].token, json::object{});
                    outcomes[static_cast<std::size_t>(i)].done = Clock::now();
                });
            ready.wait();
            t0 = Clock::now();
            go.count_down();
            for (auto& t : threads)
                t.join();

            int created = 0, notOpen = 0;
            int winner = -1;
            std::vector<double> latencies;
            std::string unexpected;
            for (int i = 0; i < kAgents; ++i) {
                const auto& o = outcomes[static_cast<std::size_t>(i)];
                latencies.push_back(msSince(t0, o.done));
                if (o.reply.status == 201) {
                    ++created;
                    winner = i;
                } else if (o.reply.status == 409 && codeOf(o.reply) == "TASK_NOT_OPEN") {
                    ++notOpen;
                } else {
                    unexpected += "\n  " + describe("agent " + std::to_string(i), o.reply);
                }
            }
            std::sort(latencies.begin(), latencies.end());
            qInfo("claim race round %d: %d x 201, %d x 409 TASK_NOT_OPEN; all %d answered in %.1f ms"
                  " (winner %.1f ms, median %.1f ms, fastest %.1f ms)",
                  round, created, notOpen, kAgents, latencies.back(),
                  winner >= 0 ? msSince(t0, outcomes[static_cast<std::size_t>(winner)].done) : -1.0,
                  latencies[latencies.size() / 2], latencies.front());
            QVERIFY2(unexpected.empty(), ("unexpected claim replies:" + unexpected).c_str());
            QCOMPARE(created, 1);
            QCOMPARE(notOpen, kAgents - 1);

            // The winner's contract, in the database and through the API.
            const auto& won = outcomes[static_cast<std::size_t>(winner)].reply;
            const std::string contractId = idOf(won, "contract");
            QVERIFY(!contractId.empty());
            {
                taskdesk::store::Transaction tx(srv.server().platform().db,
                                                taskdesk::store::Transaction::Mode::Read);
                QCOMPARE(tx.scalarInt("SELECT COUNT(*) FROM contracts WHERE task_id = ?",
                                      {taskdesk::store::sqlText(taskId)})
                             .value_or(-1),
                         std::int64_t(1));
                QCOMPARE(tx.scalarText("SELECT seller_id FROM contracts WHERE task_id = ?",
                                       {taskdesk::store::sqlText(taskId)})
                             .value_or(""),
                         agents[static_cast<std::size_t>(winner)].id);
                QCOMPARE(taskdesk::domain::Ledger::balance(tx, taskdesk::domain::Ledger::escrow(taskId)),
                         kBudget);
            }
            r = c.call("GET", "/api/agent/tasks/" + taskId, owner.token);
            QCOMPARE(r.status, 200);
            QCOMPARE(std::string(r.obj().at("task").at("status").as_string()), std::string("assigned"));
            QCOMPARE(cents(r.obj().at("task").as_object().if_contains("escrowAmount")), kBudget);
            r = c.call("GET", "/api/agent/contracts/" + contractId,
                       agents[static_cast<std::size_t>(winner)].token);
            QCOMPARE(r.status, 200);
            QCOMPARE(std::string(r.obj().at("contract").at("status").as_string()),
                     std::string("in_progress"));
            verifyLedger(srv);
            if (QTest::currentTestFailed())
                return;
        }

        // Across all rounds: one contract per task for the owner, escrow held in full.
        auto r = c.call("GET", "/api/agent/contracts?role=buyer&limit=100", owner.token);
        QCOMPARE(r.status, 200);
        std::map<std::string, int> perTask;
        const auto contractList = r.obj();
        for (const auto& ct : contractList.at("contracts").as_array())
            ++perTask[std::string(ct.at("taskId").as_string())];
        QCOMPARE(perTask.size(), std::size_t(kRounds));
        for (const auto& id : taskIds)
            QCOMPARE(perTask[id], 1);
        const auto w = walletOf(c, owner.token);
        QVERIFY(w.ok);
        QCOMPARE(w.available, kGrantCents - kRounds * kBudget);
        QCOMPARE(w.escrow, kRounds * kBudget);
        std::int64_t sellerEscrow = 0;
        for (const auto& a : agents) {
            const auto aw = walletOf(c, a.token);
            QVERIFY(aw.ok);
            QCOMPARE(aw.available, kGrantCents);
            sellerEscrow += aw.escrow + aw.pending;
        }
        QCOMPARE(sellerEscrow, std::int64_t(0));
        verifyLedger(srv);
    }

    // ------------------------------------------------------------------------------------------
    // 1b. The owner edits the budget while agents claim: whoever wins, the contract's price,
    //     the escrow and the task's budget agree, and the delivery can be paid.
    void claimVersusBudgetEdit()
    {
        constexpr int kAgents = 20;
        constexpr int kRounds = 10;
        TestServer srv;
        srv.start();
        HttpClient c = srv.client();
        const auto owner = registerOn(c, "edit_owner", {"edit"});
        const auto agents = registerMany(srv.port(), "editor", kAgents, {"edit"});
        int patchedFirst = 0, claimedFirst = 0;
        std::int64_t spent = 0;
        for (int round = 0; round < kRounds; ++round) {
            const std::int64_t newBudget =
                round % 2 == 0 ? 30 * 100 : 70 * 100; // lower, then raise (at most 700 in all)
            auto r = c.call("POST", "/api/agent/tasks", owner.token,
                            json::object{{"title", "Edited race " + std::to_string(round)},
                                         {"description", "The budget changes while agents claim."},
                                         {"mode", "claim"},
                                         {"skillsTags", json::array{"edit"}},
                                         {"budgetAmount", 50},
                                         {"budgetCurrency", "CREDITS"}});
            QVERIFY2(r.status == 201, describe("post", r).c_str());
            const std::string taskId = idOf(r, "task");
            std::vector<Reply> claims(kAgents);
            Reply patch;
            std::latch ready(kAgents + 1);
            std::vector<std::thread> threads;
            for (int i = 0; i < kAgents; ++i)
                threads.emplace_back([&, i] {
                    HttpClient hc("127.0.0.1", srv.port());
                    ready.arrive_and_wait();
                    claims[static_cast<std::size_t>(i)] =
                        hc.call("POST", "/api/agent/tasks/" + taskId + "/claim",
                                agents[static_cast<std::size_t>(i)].token, json::object{});
                });
            threads.emplace_back([&] {
                HttpClient hc("127.0.0.1", srv.port());
                ready.arrive_and_wait();
                patch = hc.call("PATCH", "/api/tasks/" + taskId, owner.token,
                                json::object{{"budgetAmount", static_cast<double>(newBudget) / 100.0}});
            });
            for (auto& t : threads)
                t.join();
            int winner = -1, created = 0;
            std::string unexpected;
            for (int i = 0; i < kAgents; ++i) {
                const auto& cr = claims[static_cast<std::size_t>(i)];
                if (cr.status == 201) {
                    ++created;
                    winner = i;
                } else if (!(cr.status == 409 && codeOf(cr) == "TASK_NOT_OPEN")) {
                    unexpected += "\n  " + describe("claim " + std::to_string(i), cr);
                }
            }
            const bool patched = patch.status == 200;
            if (!patched && !(patch.status == 409 && codeOf(patch) == "TASK_NOT_OPEN"))
                unexpected += "\n  " + describe("patch budget", patch);
            QVERIFY2(unexpected.empty(), ("round " + std::to_string(round) + ":" + unexpected).c_str());
            QCOMPARE(created, 1);
            patched ? ++patchedFirst : ++claimedFirst;
            const std::int64_t expectedPrice = patched ? newBudget : 50 * 100;
            {
                taskdesk::store::Transaction tx(srv.server().platform().db,
                                                taskdesk::store::Transaction::Mode::Read);
                const auto tid = taskdesk::store::sqlText(taskId);
                const auto price =
                    tx.scalarInt("SELECT price_cents FROM contracts WHERE task_id = ?", {tid}).value_or(-1);
                const auto budget =
                    tx.scalarInt("SELECT budget_cents FROM tasks WHERE id = ?", {tid}).value_or(-1);
                const auto escrow =
                    taskdesk::domain::Ledger::balance(tx, taskdesk::domain::Ledger::escrow(taskId));
                const std::string figures = "round " + std::to_string(round) + " (patch " +
                                            std::to_string(patch.status) + "): contract price " +
                                            std::to_string(price) + ", task budget " +
                                            std::to_string(budget) + ", escrow " + std::to_string(escrow);
                QVERIFY2(price == expectedPrice && budget == expectedPrice && escrow == expectedPrice,
                         figures.c_str());
            }
            spent += expectedPrice;
            // The delivery is paid out of that escrow.
            const auto& seller = agents[static_cast<std::size_t>(winner)];
            const std::string contractId = idOf(claims[static_cast<std::size_t>(winner)], "contract");
            r = c.call("POST", "/api/agent/contracts/" + contractId + "/submissions", seller.token,
                       json::object{{"deliverableUrl", "https://example.com/edit/" + contractId}});
            QVERIFY2(r.status == 201, describe("submit", r).c_str());
            r = c.call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                       json::object{{"action", "accept"}});
            QVERIFY2(r.status == 200, describe("accept", r).c_str());
            verifyLedger(srv);
            if (QTest::currentTestFailed())
                return;
        }
        qInfo("claim versus budget edit: %d rounds, edit first %d, claim first %d", kRounds, patchedFirst,
              claimedFirst);
        const auto w = walletOf(c, owner.token);
        QVERIFY(w.ok);
        QCOMPARE(w.available, kGrantCents - spent);
        QCOMPARE(w.escrow, std::int64_t(0));
    }

    // ------------------------------------------------------------------------------------------
    // 1c. Mutual cancellation raced by both parties: a confirm against a withdraw, and two
    //     applications at once. Exactly one of each pair goes through.
    void mutualCancellationRace()
    {
        constexpr int kRounds = 30;
        TestServer srv;
        srv.start();
        HttpClient c = srv.client();
        const auto owner = registerOn(c, "cx_owner", {"cx"});
        const auto worker = registerOn(c, "cx_worker", {"cx"});
        int confirmWon = 0, withdrawWon = 0, ownerApplied = 0, workerApplied = 0;
        for (int round = 0; round < kRounds; ++round) {
            auto r = c.call("POST", "/api/agent/tasks", owner.token,
                            json::object{{"title", "Cancel race " + std::to_string(round)},
                                         {"description", "Both parties act on the cancellation at once."},
                                         {"mode", "claim"},
                                         {"skillsTags", json::array{"cx"}},
                                         {"budgetAmount", 10},
                                         {"budgetCurrency", "CREDITS"}});
            QVERIFY2(r.status == 201, describe("post", r).c_str());
            const std::string taskId = idOf(r, "task");
            r = c.call("POST", "/api/agent/tasks/" + taskId + "/claim", worker.token, json::object{});
            QVERIFY2(r.status == 201, describe("claim", r).c_str());
            const std::string contractId = idOf(r, "contract");
            const std::string path = "/api/agent/contracts/" + contractId + "/cancellation";
            const bool applyRace = round % 2 == 1;
            if (!applyRace) {
                r = c.call("POST", path, owner.token,
                           json::object{{"action", "apply"}, {"reason", "no longer needed"}});
                QVERIFY2(r.status == 200, describe("apply", r).c_str());
            }
            Reply ownerReply, workerReply;
            std::latch ready(2);
            std::thread ownerThread([&] {
                HttpClient hc("127.0.0.1", srv.port());
                ready.arrive_and_wait();
                ownerReply =
                    hc.call("POST", path, owner.token,
                            applyRace ? json::object{{"action", "apply"}, {"reason", "owner wants out"}}
                                      : json::object{{"action", "withdraw"}, {"reason", "changed my mind"}});
            });
            std::thread workerThread([&] {
                HttpClient hc("127.0.0.1", srv.port());
                ready.arrive_and_wait();
                workerReply =
                    hc.call("POST", path, worker.token,
                            applyRace ? json::object{{"action", "apply"}, {"reason", "worker wants out"}}
                                      : json::object{{"action", "confirm"}, {"reason", "agreed"}});
            });
            ownerThread.join();
            workerThread.join();
            const std::string what = "round " + std::to_string(round) + ": " + describe("owner", ownerReply) +
                                     "; " + describe("worker", workerReply);
            const int wins = (ownerReply.status == 200) + (workerReply.status == 200);
            const bool othersConflict = (ownerReply.status == 200 || ownerReply.status == 409) &&
                                        (workerReply.status == 200 || workerReply.status == 409);
            QVERIFY2(wins == 1 && othersConflict, what.c_str());
            r = c.call("GET", "/api/agent/contracts/" + contractId, owner.token);
            QCOMPARE(r.status, 200);
            const auto contract = r.obj().at("contract").as_object();
            const std::string status(contract.at("status").as_string());
            const auto& cancellation = contract.at("cancellation");
            if (applyRace) {
                // One pending request, by the party whose apply succeeded.
                QVERIFY2(status == "in_progress" && cancellation.is_object(), what.c_str());
                const std::string by(cancellation.at("appliedBy").as_string());
                QCOMPARE(by, ownerReply.status == 200 ? owner.id : worker.id);
                ownerReply.status == 200 ? ++ownerApplied : ++workerApplied;
                // Leave it settled: the other party confirms.
                r = c.call("POST", path, ownerReply.status == 200 ? worker.token : owner.token,
                           json::object{{"action", "confirm"}});
                QVERIFY2(r.status == 200, describe("confirm", r).c_str());
            } else if (workerReply.status == 200) {
                ++confirmWon;
                QVERIFY2(status == "cancelled", what.c_str());
            } else {
                ++withdrawWon;
                QVERIFY2(status == "in_progress" && cancellation.is_null(),
                         (what + "; contract " + status).c_str());
            }
            verifyLedger(srv);
            if (QTest::currentTestFailed())
                return;
        }
        qInfo("mutual cancellation race: confirm won %d, withdraw won %d; apply race won by owner %d, by "
              "worker %d",
              confirmWon, withdrawWon, ownerApplied, workerApplied);
    }

    // ------------------------------------------------------------------------------------------
    // 2. Several members post, bid, withdraw, hire, deliver, accept and cancel at once.
    void concurrentWriters()
    {
        constexpr int kMembers = 8;
        constexpr auto kDuration = std::chrono::seconds(4);
        TestServer srv;
        srv.start();
        // All at once on the fresh database: the first registrations also create the mint and fees accounts.
        std::vector<Member> members;
        try {
            members = registerTogether(srv.port(), "writer", kMembers, {"write"});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }

        struct OpenTask
        {
            std::string id;
            int owner;
            std::int64_t budget;
        };
        struct ContractRef
        {
            std::string id;
            int buyer, seller;
            std::string status; // in_progress | submitted | accepted
        };
        std::mutex m;
        std::vector<OpenTask> open;
        std::vector<ContractRef> contracts;
        Issues issues;
        Tally tally;
        std::atomic<int> requests{0};
        const auto deadline = Clock::now() + kDuration;

        auto worker = [&](int me) {
            HttpClient hc("127.0.0.1", srv.port());
            const std::string& token = members[static_cast<std::size_t>(me)].token;
            std::mt19937 rng(static_cast<unsigned>(1234 + me));
            auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
            // Checks one reply: 5xx, transport failures and statuses outside `allowed` are issues.
            auto check = [&](const std::string& op, const Reply& r, std::initializer_list<int> allowed) {
                ++requests;
                tally.add(op, r.status);
                if (std::find(allowed.begin(), allowed.end(), r.status) == allowed.end())
                    issues.add(describe(op, r));
                return r.status;
            };
            int iteration = 0;
            while (Clock::now() < deadline) {
                ++iteration;
                const int action = pick(100);
                if (action < 20) {
                    const std::int64_t budget = 500 + pick(5500); // 5.00 .. 59.99
                    const json::object task{
                        {"title", "Writer task " + std::to_string(me) + "." + std::to_string(iteration)},
                        {"description", "Concurrent writers exercise the ledger."},
                        {"skillsTags", json::array{"write"}},
                        {"budgetAmount", static_cast<double>(budget) / 100.0},
                        {"budgetCurrency", "CREDITS"}};
                    const auto r = hc.call("POST", "/api/agent/tasks", token, task);
                    if (check("post", r, {201, 402}) == 201) {
                        std::lock_guard lock(m);
                        open.push_back({idOf(r, "task"), me, budget});
                    }
                } else if (action < 50) {
                    OpenTask t;
                    {
                        std::lock_guard lock(m);
                        std::vector<OpenTask> others;
                        for (const auto& o : open)
                            if (o.owner != me)
                                others.push_back(o);
                        if (others.empty())
                            continue;
                        t = others[static_cast<std::size_t>(pick(static_cast<int>(others.size())))];
                    }
                    const std::int64_t price =
                        100 + pick(static_cast<int>(std::max<std::int64_t>(1, t.budget - 100)));
                    const auto r =
                        hc.call("POST", "/api/agent/tasks/" + t.id + "/bids", token,
                                json::object{{"proposedAmount", static_cast<double>(price) / 100.0},
                                             {"etaDays", 1},
                                             {"approach", "Quick and careful"}});
                    // 400 when the owner lowered the budget below the price meanwhile.
                    if (check("bid", r, {201, 400, 409}) == 400 && codeOf(r) != "VALIDATION")
                        issues.add(describe("bid", r));
                } else if (action < 56) {
                    OpenTask t;
                    {
                        std::lock_guard lock(m);
                        std::vector<OpenTask> mine;
                        for (const auto& o : open)
                            if (o.owner == me)
                                mine.push_back(o);
                        if (mine.empty())
                            continue;
                        t = mine[static_cast<std::size_t>(pick(static_cast<int>(mine.size())))];
                    }
                    // Raise or lower the budget (lowering below an active bid is a 400).
                    const std::int64_t budget =
                        std::max<std::int64_t>(200, t.budget + (pick(2) ? 1 : -1) * (100 + pick(2000)));
                    const auto r =
                        hc.call("PATCH", "/api/tasks/" + t.id, token,
                                json::object{{"budgetAmount", static_cast<double>(budget) / 100.0}});
                    if (check("edit-budget", r, {200, 400, 402, 409}) == 200) {
                        std::lock_guard lock(m);
                        for (auto& o : open)
                            if (o.id == t.id)
                                o.budget = budget;
                    } else if (r.status == 400 && codeOf(r) != "VALIDATION") {
                        issues.add(describe("edit-budget", r));
                    }
                } else if (action < 60) {
                    OpenTask t;
                    {
                        std::lock_guard lock(m);
                        std::vector<OpenTask> mine;
                        for (const auto& o : open)
                            if (o.owner == me)
                                mine.push_back(o);
                        if (mine.empty())
                            continue;
                        t = mine[static_cast<std::size_t>(pick(static_cast<int>(mine.size())))];
                    }
                    const auto r =
                        hc.call("POST", "/api/agent/tasks/" + t.id + "/cancel", token, json::object{});
                    if (check("cancel", r, {200, 409}) == 200) {
                        std::lock_guard lock(m);
                        open.erase(std::remove_if(open.begin(), open.end(),
                                                  [&](const OpenTask& o) { return o.id == t.id; }),
                                   open.end());
                    }
                } else if (action < 75) {
                    OpenTask t;
                    {
                        std::lock_guard lock(m);
                        std::vector<OpenTask> mine;
                        for (const auto& o : open)
                            if (o.owner == me)
                                mine.push_back(o);
                        if (mine.empty())
                            continue;
                        t = mine[static_cast<std::size_t>(pick(static_cast<int>(mine.size())))];
                    }
                    const auto bids =
                        hc.call("GET", "/api/agent/tasks/" + t.id + "/bids?status=active", token);
                    if (check("list-bids", bids, {200}) != 200)
                        continue;
                    const auto bidList = bids.obj();
                    const auto& arr = bidList.at("bids").as_array();
                    if (arr.empty())
                        continue;
                    const auto& bid =
                        arr[static_cast<std::size_t>(pick(static_cast<int>(arr.size())))].as_object();
                    const std::string bidId(bid.at("id").as_string());
                    const std::string bidder(bid.at("bidder").at("id").as_string());
                    const auto r = hc.call("POST", "/api/agent/contracts", token,
                                           json::object{{"taskId", t.id}, {"bidId", bidId}});
                    if (check("hire", r, {201, 409}) == 201) {
                        int seller = -1;
                        for (int k = 0; k < kMembers; ++k)
                            if (members[static_cast<std::size_t>(k)].id == bidder)
                                seller = k;
                        std::lock_guard lock(m);
                        open.erase(std::remove_if(open.begin(), open.end(),
                                                  [&](const OpenTask& o) { return o.id == t.id; }),
                                   open.end());
                        contracts.push_back({idOf(r, "contract"), me, seller, "in_progress"});
                    }
                } else if (action < 85) {
                    std::string cid;
                    {
                        std::lock_guard lock(m);
                        for (const auto& ct : contracts)
                            if (ct.seller == me && ct.status == "in_progress") {
                                cid = ct.id;
                                break;
                            }
                    }
                    if (cid.empty())
                        continue;
                    const auto r = hc.call("POST", "/api/agent/contracts/" + cid + "/submissions", token,
                                           json::object{{"deliverableUrl", "https://example.com/d/" + cid},
                                                        {"summaryText", "Done"}});
                    if (check("submit", r, {201}) == 201) {
                        std::lock_guard lock(m);
                        for (auto& ct : contracts)
                            if (ct.id == cid)
                                ct.status = "submitted";
                    }
                } else if (action < 93) {
                    std::string cid;
                    {
                        std::lock_guard lock(m);
                        for (const auto& ct : contracts)
                            if (ct.buyer == me && ct.status == "submitted") {
                                cid = ct.id;
                                break;
                            }
                    }
                    if (cid.empty())
                        continue;
                    const auto r = hc.call("POST", "/api/agent/contracts/" + cid + "/decision", token,
                                           json::object{{"action", "accept"}, {"rating", 5}});
                    if (check("accept", r, {200}) == 200) {
                        std::lock_guard lock(m);
                        for (auto& ct : contracts)
                            if (ct.id == cid)
                                ct.status = "accepted";
                    }
                } else {
                    const auto mine = hc.call("GET", "/api/agent/bids?limit=20", token);
                    if (check("list-my-bids", mine, {200}) != 200)
                        continue;
                    std::string bidId;
                    const auto myBids = mine.obj();
                    for (const auto& b : myBids.at("bids").as_array())
                        if (b.at("status").as_string() == "active") {
                            bidId = std::string(b.at("id").as_string());
                            break;
                        }
                    if (bidId.empty())
                        continue;
                    const auto r =
                        hc.call("PATCH", "/api/agent/bids/" + bidId, token,
                                json::object{{"action", "withdraw"}, {"reason", "changed my mind"}});
                    check("withdraw", r, {200, 409});
                }
            }
        };
        const auto t0 = Clock::now();
        std::vector<std::thread> threads;
        for (int i = 0; i < kMembers; ++i)
            threads.emplace_back(worker, i);
        for (auto& t : threads)
            t.join();
        const double seconds = msSince(t0, Clock::now()) / 1000.0;
        int accepted = 0;
        for (const auto& ct : contracts)
            accepted += ct.status == "accepted";
        qInfo("concurrent writers: %d members, %d requests in %.1f s (%.0f/s); %zu contracts, %d accepted",
              kMembers, requests.load(), seconds, requests.load() / seconds, contracts.size(), accepted);
        qInfo("  statuses: %s", tally.text().c_str());
        QVERIFY2(issues.count() == 0, ("unexpected replies under concurrency:" + issues.text()).c_str());

        // Money adds up exactly: every member's wallet plus fees is what the mint issued.
        HttpClient c = srv.client();
        std::int64_t total = 0;
        for (const auto& mem : members) {
            const auto w = walletOf(c, mem.token);
            QVERIFY2(w.ok, ("wallet of " + mem.handle).c_str());
            QVERIFY(w.available >= 0 && w.pending >= 0 && w.escrow >= 0);
            total += w.available + w.pending + w.escrow;
        }
        std::int64_t fees = 0, mint = 0;
        {
            taskdesk::store::Transaction tx(srv.server().platform().db,
                                            taskdesk::store::Transaction::Mode::Read);
            fees = taskdesk::domain::Ledger::balance(tx, taskdesk::domain::Ledger::Fees);
            mint = taskdesk::domain::Ledger::balance(tx, taskdesk::domain::Ledger::Mint);
            // No task has two contracts; every escrow agrees with its task's state.
            QCOMPARE(tx.scalarInt("SELECT COUNT(*) FROM (SELECT task_id FROM contracts GROUP BY task_id "
                                  "HAVING COUNT(*) > 1) d")
                         .value_or(-1),
                     std::int64_t(0));
            auto rows = tx.query(
                "SELECT t.id, t.status, t.budget_cents, a.balance, c.price_cents, c.status FROM tasks t"
                " JOIN accounts a ON a.id = 'escrow:' || t.id"
                " LEFT JOIN contracts c ON c.task_id = t.id");
            int checked = 0;
            std::string wrong;
            while (rows.next()) {
                ++checked;
                const std::string status = rows.str(1);
                const std::int64_t budget = rows.i64(2), balance = rows.i64(3);
                std::int64_t expected = -1;
                if (status == "open")
                    expected = budget;
                else if (status == "cancelled" || status == "completed")
                    expected = 0;
                else if (status == "assigned")
                    expected = rows.optI64(4).value_or(-1);
                if (balance != expected)
                    wrong += "\n  task " + rows.str(0) + " " + status + " escrow " + std::to_string(balance) +
                             " expected " + std::to_string(expected) + " (contract " +
                             rows.optStr(5).value_or("none") + ")";
            }
            QVERIFY2(wrong.empty(), ("escrow disagrees with task state:" + wrong).c_str());
            // Bids agree with their tasks: a hired bid is accepted, active bids only on open tasks
            // and never above the budget.
            const auto hiredNotAccepted = tx.scalarInt("SELECT COUNT(*) FROM contracts c JOIN bids b ON b.id "
                                                       "= c.bid_id WHERE b.status <> 'accepted'")
                                              .value_or(-1);
            const auto activeOnClosed =
                tx.scalarInt("SELECT COUNT(*) FROM bids b JOIN tasks t ON t.id = b.task_id"
                             " WHERE b.status = 'active' AND t.status <> 'open'")
                    .value_or(-1);
            const auto aboveBudget =
                tx.scalarInt("SELECT COUNT(*) FROM bids b JOIN tasks t ON t.id = b.task_id"
                             " WHERE b.status = 'active' AND b.proposed_cents > t.budget_cents")
                    .value_or(-1);
            const std::string bidFigures = "hired bids not accepted " + std::to_string(hiredNotAccepted) +
                                           ", active bids on closed tasks " + std::to_string(activeOnClosed) +
                                           ", active bids above budget " + std::to_string(aboveBudget);
            QVERIFY2(hiredNotAccepted == 0 && activeOnClosed == 0 && aboveBudget == 0, bidFigures.c_str());
            qInfo("  %d task escrows consistent; fees %lld cents", checked, static_cast<long long>(fees));
        }
        QCOMPARE(mint, -kMembers * kGrantCents);
        QCOMPARE(total + fees, kMembers * kGrantCents);
        verifyLedger(srv);
    }

    // ------------------------------------------------------------------------------------------
    // 3. Twenty posts of 100 from one 1000-credit wallet at once: ten succeed, never negative.
    void concurrentSpendFromOneWallet()
    {
        constexpr int kThreads = 20;
        constexpr int kRounds = 3;
        TestServer srv;
        srv.start();
        for (int round = 0; round < kRounds; ++round) {
            HttpClient c = srv.client();
            const auto spender = registerOn(c, "spender" + std::to_string(round), {"spend"});
            std::vector<Reply> replies(kThreads);
            std::latch ready(kThreads);
            std::latch go(1);
            std::atomic<bool> racing{true};
            std::int64_t minAvailable = INT64_MAX;
            int polls = 0;
            std::string pollFailure;
            // Watches the wallet while the race runs.
            std::thread monitor([&] {
                HttpClient hc("127.0.0.1", srv.port());
                go.wait();
                while (racing.load()) {
                    const auto w = walletOf(hc, spender.token);
                    ++polls;
                    if (!w.ok) {
                        pollFailure = "wallet read failed during the race";
                        break;
                    }
                    minAvailable = std::min(minAvailable, w.available);
                }
            });
            std::vector<std::thread> threads;
            for (int i = 0; i < kThreads; ++i)
                threads.emplace_back([&, i] {
                    HttpClient hc("127.0.0.1", srv.port());
                    const json::object task{{"title", "Spend " + std::to_string(i)},
                                            {"description", "One hundred credits, posted concurrently."},
                                            {"budgetAmount", 100},
                                            {"budgetCurrency", "CREDITS"}};
                    ready.count_down();
                    go.wait();
                    replies[static_cast<std::size_t>(i)] =
                        hc.call("POST", "/api/agent/tasks", spender.token, task);
                });
            ready.wait();
            const auto t0 = Clock::now();
            go.count_down();
            for (auto& t : threads)
                t.join();
            const double ms = msSince(t0, Clock::now());
            racing = false;
            monitor.join();

            int ok = 0, poor = 0;
            std::string unexpected;
            for (int i = 0; i < kThreads; ++i) {
                const auto& r = replies[static_cast<std::size_t>(i)];
                if (r.status == 201)
                    ++ok;
                else if (r.status == 402 && codeOf(r) == "INSUFFICIENT_FUNDS")
                    ++poor;
                else
                    unexpected += "\n  " + describe("post " + std::to_string(i), r);
            }
            qInfo("concurrent spend round %d: %d x 201, %d x 402 in %.1f ms; %d wallet polls, lowest "
                  "available %lld cents",
                  round, ok, poor, ms, polls,
                  static_cast<long long>(minAvailable == INT64_MAX ? -1 : minAvailable));
            QVERIFY2(unexpected.empty(), ("unexpected replies:" + unexpected).c_str());
            QVERIFY2(pollFailure.empty(), pollFailure.c_str());
            QCOMPARE(ok, 10);
            QCOMPARE(poor, 10);
            if (polls > 0)
                QVERIFY2(minAvailable >= 0, "available went negative during the race");
            const auto w = walletOf(c, spender.token);
            QVERIFY(w.ok);
            QCOMPARE(w.available, std::int64_t(0));
            QCOMPARE(w.escrow, kGrantCents);
            {
                taskdesk::store::Transaction tx(srv.server().platform().db,
                                                taskdesk::store::Transaction::Mode::Read);
                QCOMPARE(tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE owner_id = ?",
                                      {taskdesk::store::sqlText(spender.id)})
                             .value_or(-1),
                         std::int64_t(10));
            }
            verifyLedger(srv);
        }
    }

    // ------------------------------------------------------------------------------------------
    // 4. SIGKILL the real server under a write load, three times: no acknowledged write is lost
    //    and the ledger still verifies.
    void crashRecovery()
    {
        constexpr int kThreads = 8;
        constexpr int kCycles = 3;
        constexpr auto kLoad = std::chrono::milliseconds(1500);
        TestServer dbOnly; // a fresh database only; the real binary serves it
        const std::string db = dbOnly.databaseUrl();
        QTemporaryDir logDir;
        QVERIFY(logDir.isValid());
        const QString log = logDir.filePath(QStringLiteral("server.log"));

        auto server = std::make_unique<ServerProcess>(db, log);
        std::string err = server->start();
        QVERIFY2(err.empty(), err.c_str());

        // Members first: an owner and a worker per thread.
        std::vector<Member> owners, workers;
        try {
            owners = registerMany(server->port(), "crash_owner", kThreads, {"crash"});
            workers = registerMany(server->port(), "crash_worker", kThreads, {"crash"});
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }

        // What the server acknowledged, with the least state the entity must now be in.
        struct Ack
        {
            std::string kind; // task | bid | contract
            std::string id;
            int thread;
            std::set<std::string> allowed; // statuses compatible with everything acknowledged
            int cycle;
        };
        std::vector<Ack> acks;
        std::mutex ackMutex;

        for (int cycle = 0; cycle < kCycles; ++cycle) {
            Issues issues;
            std::atomic<bool> killed{false};
            std::atomic<int> acknowledged{0}, refused{0}, inFlightLost{0};
            const std::uint16_t port = server->port();
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t)
                threads.emplace_back([&, t] {
                    HttpClient hc("127.0.0.1", port);
                    const auto& owner = owners[static_cast<std::size_t>(t)];
                    const auto& worker = workers[static_cast<std::size_t>(t)];
                    // Returns false when the thread should stop (server gone or a bug seen).
                    auto step = [&](const std::string& op, const Reply& r, int want) {
                        if (r.status == want)
                            return true;
                        if (r.status == 0 && killed.load()) {
                            ++inFlightLost;
                            return false;
                        }
                        if (r.status == 402) { // the pair ran out of credits: not a failure
                            ++refused;
                            return false;
                        }
                        issues.add("cycle " + std::to_string(cycle) + " " + describe(op, r));
                        return false;
                    };
                    auto ack = [&](const std::string& kind, const std::string& id,
                                   std::set<std::string> allowed) {
                        ++acknowledged;
                        std::lock_guard lock(ackMutex);
                        acks.push_back({kind, id, t, std::move(allowed), cycle});
                        return acks.size() - 1;
                    };
                    auto tighten = [&](std::size_t index, std::set<std::string> allowed) {
                        ++acknowledged;
                        std::lock_guard lock(ackMutex);
                        acks[index].allowed = std::move(allowed);
                    };
                    for (int n = 0; !killed.load(); ++n) {
                        auto r =
                            hc.call("POST", "/api/agent/tasks", owner.token,
                                    json::object{{"title", "Crash task " + std::to_string(cycle) + "." +
                                                               std::to_string(t) + "." + std::to_string(n)},
                                                 {"description", "Survives a SIGKILL of the server."},
                                                 {"skillsTags", json::array{"crash"}},
                                                 {"budgetAmount", 5},
                                                 {"budgetCurrency", "CREDITS"}});
                        if (!step("post task", r, 201))
                            return;
                        const std::string taskId = idOf(r, "task");
                        const auto taskAck =
                            ack("task", taskId, {"open", "assigned", "completed", "cancelled"});
                        r = hc.call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
                                    json::object{
                                        {"proposedAmount", 3.5}, {"etaDays", 1}, {"approach", "Right away"}});
                        if (!step("bid", r, 201))
                            return;
                        const std::string bidId = idOf(r, "bid");
                        const auto bidAck = ack("bid", bidId, {"active", "accepted"});
                        r = hc.call("POST", "/api/agent/contracts", owner.token,
                                    json::object{{"taskId", taskId}, {"bidId", bidId}});
                        if (!step("hire", r, 201))
                            return;
                        const std::string contractId = idOf(r, "contract");
                        tighten(taskAck, {"assigned", "completed"});
                        tighten(bidAck, {"accepted"});
                        const auto contractAck =
                            ack("contract", contractId, {"in_progress", "submitted", "accepted"});
                        r = hc.call(
                            "POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                            json::object{{"deliverableUrl", "https://example.com/crash/" + contractId},
                                         {"summaryText", "Delivered"}});
                        if (!step("submit", r, 201))
                            return;
                        tighten(contractAck, {"submitted", "accepted"});
                        r = hc.call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                                    json::object{{"action", "accept"}, {"rating", 4}});
                        if (!step("accept", r, 200))
                            return;
                        tighten(contractAck, {"accepted"});
                        tighten(taskAck, {"completed"});
                    }
                });
            std::this_thread::sleep_for(kLoad);
            killed = true;
            server->sigkill();
            for (auto& th : threads)
                th.join();
            QVERIFY2(issues.count() == 0, ("failures before the kill:" + issues.text() +
                                           "\nserver stderr:\n" + server->stderrTail())
                                              .c_str());

            // Restart on the same database.
            server = std::make_unique<ServerProcess>(db, log);
            err = server->start();
            QVERIFY2(err.empty(), err.c_str());

            std::string out;
            const int rc = ServerProcess::verifyLedger(db, out);
            QVERIFY2(rc == 0, ("verify-ledger exited " + std::to_string(rc) + ":\n" + out).c_str());

            // Every acknowledged write is still there, in a state at least as far along.
            HttpClient c("127.0.0.1", server->port());
            int lost = 0, checked = 0;
            std::string lostText;
            std::vector<Ack> snapshot;
            {
                std::lock_guard lock(ackMutex);
                snapshot = acks;
            }
            for (const auto& a : snapshot) {
                const auto& owner = owners[static_cast<std::size_t>(a.thread)];
                const auto& worker = workers[static_cast<std::size_t>(a.thread)];
                Reply r;
                std::string entity;
                if (a.kind == "task") {
                    r = c.call("GET", "/api/agent/tasks/" + a.id, owner.token);
                    entity = "task";
                } else if (a.kind == "bid") {
                    r = c.call("GET", "/api/agent/bids/" + a.id, worker.token);
                    entity = "bid";
                } else {
                    r = c.call("GET", "/api/agent/contracts/" + a.id, owner.token);
                    entity = "contract";
                }
                ++checked;
                std::string status;
                if (r.status == 200) {
                    const auto o = r.obj();
                    const auto* e = o.if_contains(entity);
                    if (e && e->is_object())
                        if (const auto* s = e->as_object().if_contains("status"); s && s->is_string())
                            status = std::string(s->as_string());
                }
                if (r.status != 200 || !a.allowed.count(status)) {
                    ++lost;
                    if (lostText.size() < 3000)
                        lostText += "\n  " + a.kind + " " + a.id + " (acknowledged in cycle " +
                                    std::to_string(a.cycle) + ") now " +
                                    (r.status == 200 ? "status " + status : describe("GET", r));
                }
            }

            // And the money adds up: wallets plus fees equal what the mint issued.
            std::int64_t total = 0;
            bool walletsOk = true;
            for (const auto* group : {&owners, &workers})
                for (const auto& mem : *group) {
                    const auto w = walletOf(c, mem.token);
                    walletsOk = walletsOk && w.ok;
                    total += w.available + w.pending + w.escrow;
                }
            std::int64_t fees = -1;
            {
                const auto line =
                    QString::fromStdString(out).split(QLatin1Char('\n')).filter(QStringLiteral("fees "));
                if (!line.isEmpty())
                    fees = std::llround(line.first().mid(5).trimmed().toDouble() * 100.0);
            }
            qInfo("crash cycle %d: %d writes acknowledged in %lld ms, %d in flight at SIGKILL, %d refused "
                  "(402);"
                  " %d acknowledged writes checked after restart, %d lost",
                  cycle, acknowledged.load(), static_cast<long long>(kLoad.count()), inFlightLost.load(),
                  refused.load(), checked, lost);
            QVERIFY2(lost == 0, ("acknowledged writes lost or rolled back:" + lostText).c_str());
            QVERIFY2(walletsOk, "wallet read failed after restart");
            QVERIFY2(fees >= 0, ("no fees line in verify-ledger output:\n" + out).c_str());
            QCOMPARE(total + fees, std::int64_t(2 * kThreads) * kGrantCents);
            QVERIFY2(acknowledged.load() > 0, "no write was acknowledged before the kill");
        }
        QVERIFY2(server->terminate(),
                 ("the server did not stop cleanly on SIGTERM:\n" + server->stderrTail()).c_str());
    }
};

TASKDESK_API_TEST_MAIN(ApiConcurrencyTest)
#include "tst_api_concurrency.moc"
