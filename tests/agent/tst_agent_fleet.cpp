// `taskdesk-agent run`, the agent fleet, as its users run it: the real binary in a
// QProcess against an in-process platform server. The long run is the issue's
// criterion (completed work, a balanced ledger, a summary that agrees with the
// server's own records); the short ones pin determinism, --state, --auth hmac, a
// delegation bundle as a member, and a server that only answers 500.
#include "Database.h"
#include "HandoffBundle.h"
#include "JsonPath.h"
#include "SecureBuffer.h"
#include "TestServer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <string>

using namespace taskdesk::test;
namespace json = boost::json;
namespace crypto = taskdesk::crypto;

namespace {

// What the fleet does on its side alone (options, the state file, signing, bundles, exit
// codes) does not change with the server's database; on PostgreSQL the suite runs the
// timed and the determinism runs only, which keeps its extra time near two minutes.
#define SKIP_CLIENT_ONLY_ON_POSTGRES()                                                                       \
    do {                                                                                                     \
        if (TestServer::postgresRequested())                                                                 \
            QSKIP("client-side behaviour: run on SQLite");                                                   \
    } while (0)

struct Run
{
    int exitCode = -1;
    QString out, err;
    QJsonObject summary; // the --json line
    qint64 ms = 0;
};

qint64 num(const QJsonObject& o, const QString& path)
{
    QJsonValue v = o;
    for (const QString& part : path.split(QLatin1Char('.')))
        v = v.toObject().value(part);
    return v.isString() ? qint64(std::llround(v.toString().toDouble() * 100)) : v.toInteger(-1);
}

// The summary without what may differ between two identical runs: latencies and time.
QJsonObject countsOnly(QJsonObject s)
{
    s.remove(QStringLiteral("elapsedSeconds"));
    QJsonObject requests = s.value(QStringLiteral("requests")).toObject();
    for (const QString& family : requests.keys())
        requests[family] = requests.value(family).toObject().value(QStringLiteral("count"));
    s[QStringLiteral("requests")] = requests;
    return s;
}

// A "server" that answers every request with 500, for the exit code's sake.
class FailingServer : public QTcpServer
{
public:
    FailingServer()
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    s->readAll();
                    const QByteArray body = "{\"error\":\"boom\",\"code\":\"INTERNAL_ERROR\",\"retry\":true}";
                    s->write("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
                             "Connection: close\r\nContent-Length: " +
                             QByteArray::number(body.size()) + "\r\n\r\n" + body);
                    s->disconnectFromHost();
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
};

} // namespace

class AgentFleetTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_tmp;

    static QString url(TestServer& srv) { return QStringLiteral("http://127.0.0.1:%1").arg(srv.port()); }

    QProcessEnvironment environment() const
    {
        auto env = QProcessEnvironment::systemEnvironment();
        for (const char* v : {"TASKDESK_AGENT_TOKEN", "TASKDESK_BUNDLE_PASSPHRASE", "QT_LOGGING_RULES"})
            env.remove(QString::fromLatin1(v));
        return env;
    }

    // Runs the fleet; the event loop keeps turning meanwhile (the failing server lives on it).
    Run runFleet(const QStringList& args, int timeoutMs = 120000, const QProcessEnvironment* env = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(env ? *env : environment());
        QElapsedTimer t;
        t.start();
        p.start(QStringLiteral(TASKDESK_AGENT_BINARY), QStringList{QStringLiteral("run")} + args);
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        while (p.state() != QProcess::NotRunning && t.elapsed() < timeoutMs)
            QTest::qWait(20);
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.ms = t.elapsed();
        qInfo("taskdesk-agent run %s: exit %d after %lld ms", qPrintable(args.join(QLatin1Char(' '))),
              p.exitCode(), r.ms);
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (!lines.isEmpty())
            r.summary = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        return r;
    }

    static QStringList fleetArgs(TestServer& srv, int publishers, int workers, const QStringList& more)
    {
        return QStringList{QStringLiteral("--server"),     url(srv),
                           QStringLiteral("--publishers"), QString::number(publishers),
                           QStringLiteral("--workers"),    QString::number(workers),
                           QStringLiteral("--json")} +
               more;
    }

    static qint64 dbCount(TestServer& srv, const char* sql)
    {
        taskdesk::store::Transaction tx(srv.server().platform().db, taskdesk::store::Transaction::Mode::Read);
        return tx.scalarInt(sql).value_or(-1);
    }

    static void checkLedger(TestServer& srv)
    {
        const auto l = srv.ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        QCOMPARE(l.mismatchedAccounts, 0LL);
    }

    // Every figure of the summary that the server also knows, compared with its records.
    static void checkSummaryAgainstServer(TestServer& srv, const QJsonObject& s)
    {
        QCOMPARE(num(s, QStringLiteral("tasks.posted")), dbCount(srv, "SELECT COUNT(*) FROM tasks"));
        QCOMPARE(num(s, QStringLiteral("tasks.bid")),
                 dbCount(srv, "SELECT COUNT(*) FROM tasks WHERE mode = 'bid'"));
        QCOMPARE(num(s, QStringLiteral("tasks.claim")),
                 dbCount(srv, "SELECT COUNT(*) FROM tasks WHERE mode = 'claim'"));
        QCOMPARE(num(s, QStringLiteral("tasks.open")),
                 dbCount(srv, "SELECT COUNT(*) FROM tasks WHERE mode = 'open'"));
        QCOMPARE(num(s, QStringLiteral("tasks.cancelled")),
                 dbCount(srv, "SELECT COUNT(*) FROM tasks WHERE status = 'cancelled'"));
        QCOMPARE(num(s, QStringLiteral("bids")), dbCount(srv, "SELECT COUNT(*) FROM bids"));
        QCOMPARE(num(s, QStringLiteral("submissions.total")),
                 dbCount(srv, "SELECT COUNT(*) FROM submissions"));
        QCOMPARE(num(s, QStringLiteral("completedContracts")),
                 dbCount(srv, "SELECT COUNT(*) FROM contracts WHERE status = 'accepted'"));
        QCOMPARE(num(s, QStringLiteral("completedContracts")),
                 dbCount(srv, "SELECT COUNT(*) FROM tasks WHERE status = 'completed'"));
        QCOMPARE(num(s, QStringLiteral("disputes")), dbCount(srv, "SELECT COUNT(*) FROM disputes"));
        QCOMPARE(
            num(s, QStringLiteral("creditsMoved")),
            dbCount(srv, "SELECT COALESCE(SUM(price_cents), 0) FROM contracts WHERE status = 'accepted'"));
        // Every posted task belongs to a fleet member, and each was registered by the fleet.
        QCOMPARE(dbCount(srv, "SELECT COUNT(*) FROM tasks t JOIN profiles p ON p.id = t.owner_id "
                              "WHERE p.handle LIKE 'fl%'"),
                 num(s, QStringLiteral("tasks.posted")));
        QCOMPARE(num(s, QStringLiteral("members.registered")), dbCount(srv, "SELECT COUNT(*) FROM profiles"));
    }

private slots:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }

    void cleanup() { m_tmp.reset(); }

    void usage()
    {
        SKIP_CLIENT_ONLY_ON_POSTGRES();
        Run r = runFleet({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("--publishers")) && r.out.contains(QLatin1String("--state")));
        r = runFleet({QStringLiteral("--publishers"), QStringLiteral("1"), QStringLiteral("--duration"),
                      QStringLiteral("1")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("--server")));
        r = runFleet({QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"),
                      QStringLiteral("--auth"), QStringLiteral("basic"), QStringLiteral("--steps"),
                      QStringLiteral("3")});
        QCOMPARE(r.exitCode, 1);
        r = runFleet({QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1")});
        QCOMPARE(r.exitCode, 1); // neither --duration nor --steps
        r = runFleet({QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"),
                      QStringLiteral("--steps"), QStringLiteral("3"), QStringLiteral("--bundle"),
                      m_tmp->filePath(QStringLiteral("none"))});
        QCOMPARE(r.exitCode, 1);
    }

    // The criterion: 2 publishers and 4 workers for 40 s (20 s on PostgreSQL, to
    // keep the suite short) against a fresh server without rate limits.
    void timedRunCompletesWorkAndAgreesWithTheServer()
    {
        TestServer srv;
        srv.start();
        const int seconds = TestServer::postgresRequested() ? 20 : 40;
        const Run r =
            runFleet(fleetArgs(srv, 2, 4, {QStringLiteral("--duration"), QString::number(seconds)}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const QJsonObject& s = r.summary;
        qInfo("fleet %d s on %s: %s", seconds, TestServer::backendName().c_str(),
              QJsonDocument(s).toJson(QJsonDocument::Compact).constData());
        QVERIFY(r.ms < (seconds + 15) * 1000);
        QCOMPARE(num(s, QStringLiteral("members.registered")), 6LL);
        QVERIFY2(num(s, QStringLiteral("completedContracts")) >= 10, qPrintable(r.out));
        QVERIFY(num(s, QStringLiteral("tasks.bid")) > 0 && num(s, QStringLiteral("tasks.claim")) > 0 &&
                num(s, QStringLiteral("tasks.open")) > 0);
        QVERIFY(num(s, QStringLiteral("bids")) > 0 && num(s, QStringLiteral("claims")) > 0);
        QVERIFY(num(s, QStringLiteral("submissions.passed")) > 0 &&
                num(s, QStringLiteral("submissions.failed")) > 0);
        QVERIFY(num(s, QStringLiteral("rejected")) > 0);
        QVERIFY(num(s, QStringLiteral("requests.contracts.count")) > 0);
        QVERIFY(s.value(QStringLiteral("errors"))
                    .toObject()
                    .value(QStringLiteral("unexpected"))
                    .toObject()
                    .isEmpty());
        QCOMPARE(num(s, QStringLiteral("errors.transport")), 0LL);
        checkSummaryAgainstServer(srv, s);
        checkLedger(srv);
        // Disputes come from stubborn publishers after the third rejection; the server agrees.
        QCOMPARE(dbCount(srv, "SELECT COUNT(*) FROM contracts WHERE status = 'disputed'"),
                 num(s, QStringLiteral("disputes")));
    }

    void sameSeedSameRun()
    {
        const QStringList args{QStringLiteral("--steps"), QStringLiteral("60"), QStringLiteral("--seed"),
                               QStringLiteral("7")};
        QJsonObject first, second, other;
        {
            TestServer srv;
            srv.start();
            const Run r = runFleet(fleetArgs(srv, 1, 2, args));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            first = countsOnly(r.summary);
            checkSummaryAgainstServer(srv, r.summary);
            checkLedger(srv);
        }
        {
            TestServer srv;
            srv.start();
            const Run r = runFleet(fleetArgs(srv, 1, 2, args));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            second = countsOnly(r.summary);
        }
        QVERIFY(num(first, QStringLiteral("tasks.posted")) > 0 &&
                num(first, QStringLiteral("submissions.total")) > 0);
        QVERIFY2(first == second,
                 qPrintable(QString::fromUtf8(QJsonDocument(first).toJson(QJsonDocument::Compact) + "\n" +
                                              QJsonDocument(second).toJson(QJsonDocument::Compact))));
        {
            TestServer srv;
            srv.start();
            QStringList otherArgs = args;
            otherArgs[3] = QStringLiteral("8");
            const Run r = runFleet(fleetArgs(srv, 1, 2, otherArgs));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            other = countsOnly(r.summary);
        }
        other[QStringLiteral("seed")] = first.value(QStringLiteral("seed"));
        QVERIFY(other != first);
    }

    void stateFileLogsMembersInAgain()
    {
        SKIP_CLIENT_ONLY_ON_POSTGRES();
        TestServer srv;
        srv.start();
        const QString state = m_tmp->filePath(QStringLiteral("fleet-state.json"));
        const QStringList args{QStringLiteral("--steps"), QStringLiteral("30"), QStringLiteral("--state"),
                               state};
        Run r = runFleet(fleetArgs(srv, 1, 1, args));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(num(r.summary, QStringLiteral("members.registered")), 2LL);
        QCOMPARE(dbCount(srv, "SELECT COUNT(*) FROM profiles"), 2LL);
        const QFileInfo info(state);
        QVERIFY(info.exists());
        QCOMPARE(info.permissions() & ~(QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                        QFileDevice::ReadUser | QFileDevice::WriteUser),
                 QFileDevice::Permissions());
        QFile f(state);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray members =
            QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("members")).toArray();
        QCOMPARE(members.size(), 2);
        const QString password = members.at(0).toObject().value(QStringLiteral("password")).toString();
        QVERIFY(password.size() >= 8);

        r = runFleet(fleetArgs(srv, 1, 1, args));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(num(r.summary, QStringLiteral("members.registered")), 0LL);
        QCOMPARE(num(r.summary, QStringLiteral("members.loggedIn")), 2LL);
        QCOMPARE(dbCount(srv, "SELECT COUNT(*) FROM profiles"), 2LL);
        QVERIFY(!r.out.contains(password) && !r.err.contains(password));
        checkLedger(srv);

        // The same file against another server (a fresh database): those members are
        // unknown there, so the fleet registers new ones and remembers them too.
        TestServer other;
        other.start();
        r = runFleet(fleetArgs(other, 1, 1, args));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(num(r.summary, QStringLiteral("members.registered")), 2LL);
    }

    void hmacRunHasNoUnauthorized()
    {
        SKIP_CLIENT_ONLY_ON_POSTGRES();
        TestServer srv;
        srv.start();
        const Run r = runFleet(fleetArgs(srv, 1, 2,
                                         {QStringLiteral("--steps"), QStringLiteral("30"),
                                          QStringLiteral("--auth"), QStringLiteral("hmac")}));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject errors = r.summary.value(QStringLiteral("errors")).toObject();
        QVERIFY2(!errors.value(QStringLiteral("expected")).toObject().contains(QStringLiteral("401")) &&
                     !errors.value(QStringLiteral("unexpected")).toObject().contains(QStringLiteral("401")),
                 qPrintable(r.out));
        QVERIFY(num(r.summary, QStringLiteral("tasks.posted")) > 0);
        QVERIFY(num(r.summary, QStringLiteral("submissions.total")) + num(r.summary, QStringLiteral("bids")) >
                0);
        // One API key per member, and the requests after sign-in were signed with it.
        QCOMPARE(dbCount(srv, "SELECT COUNT(*) FROM api_keys"), 3LL);
        checkLedger(srv);
    }

    void bundleBecomesAMember()
    {
        SKIP_CLIENT_ONLY_ON_POSTGRES();
        TestServer srv;
        srv.start();
        const auto op = srv.registerMember("operator_one");
        json::array scopes;
        for (const char* s :
             {"profile:read", "profile:write", "tasks:read", "bids:read", "bids:write", "contracts:read",
              "contracts:write", "submissions:read", "submissions:write", "messages:read", "messages:write",
              "disputes:read", "disputes:write", "wallet:read"})
            scopes.emplace_back(s);
        const auto d =
            srv.client().call("POST", "/api/agent/delegations", op.token,
                              json::object{{"label", "fleet bundle"},
                                           {"agent", json::object{{"mode", "new"}, {"handle", "night_bot"}}},
                                           {"scopes", scopes}});
        QVERIFY2(d.status == 201, d.body.c_str());
        const std::string delegationId = jsonText(jsonPath(d.json(), "delegation.id"));
        const std::string bundle = json::serialize(jsonPath(d.json(), "bundle"));
        // Passphrase-protected, as an operator would hand it over.
        const QByteArray file = crypto::HandoffBundle::protectFast(
            crypto::SecureBuffer::copyOf(QByteArrayView(bundle.data(), qsizetype(bundle.size()))),
            crypto::SecureBuffer::copyOf(QByteArrayView("fleet passphrase")));
        const QString path = m_tmp->filePath(QStringLiteral("bundle.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(file);
        f.close();

        auto env = environment();
        // Usage reaches the database at most once a second: a few seconds of work show in it.
        const QStringList args = {QStringLiteral("--duration"), QStringLiteral("3"),
                                  QStringLiteral("--bundle"), path};
        Run r = runFleet(fleetArgs(srv, 1, 0, args), 60000, &env);
        QCOMPARE(r.exitCode, 1); // no passphrase: the bundle does not open
        QVERIFY(r.err.contains(QLatin1String("TASKDESK_BUNDLE_PASSPHRASE")));
        env.insert(QStringLiteral("TASKDESK_BUNDLE_PASSPHRASE"), QStringLiteral("fleet passphrase"));
        r = runFleet(fleetArgs(srv, 1, 0, args), 60000, &env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(num(r.summary, QStringLiteral("members.bundles")), 1LL);
        const std::string token = jsonText(jsonPath(d.json(), "bundle.tokenValue"));
        QVERIFY(!r.out.contains(QString::fromStdString(token)) &&
                !r.err.contains(QString::fromStdString(token)));
        // The delegated agent worked the publisher's tasks, and its delegation counts the requests.
        const auto u = srv.client().call("GET", "/api/agent/delegations/" + delegationId, op.token);
        QCOMPARE(u.status, 200);
        QVERIFY2(jsonPath(u.json(), "delegation.usage.requests").to_number<long long>() > 1, u.body.c_str());
        const std::string agentId = jsonText(jsonPath(d.json(), "bundle.profileId"));
        taskdesk::store::Transaction tx(srv.server().platform().db, taskdesk::store::Transaction::Mode::Read);
        const auto acted =
            tx.scalarInt("SELECT (SELECT COUNT(*) FROM bids WHERE bidder_id = ?) + (SELECT COUNT(*) "
                         "FROM contracts WHERE seller_id = ?) + (SELECT COUNT(*) FROM submissions "
                         "WHERE submitter_id = ?)",
                         {taskdesk::store::sqlText(agentId), taskdesk::store::sqlText(agentId),
                          taskdesk::store::sqlText(agentId)});
        QVERIFY(acted.value_or(0) > 0);
    }

    void serverErrorsExitWithTwo()
    {
        SKIP_CLIENT_ONLY_ON_POSTGRES();
        FailingServer fake;
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        const Run r = runFleet(
            {QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:%1").arg(fake.serverPort()),
             QStringLiteral("--publishers"), QStringLiteral("1"), QStringLiteral("--workers"),
             QStringLiteral("1"), QStringLiteral("--duration"), QStringLiteral("20"),
             QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.ms < 15000, "a fleet that cannot sign in stops instead of hammering");
        QVERIFY(num(r.summary, QStringLiteral("errors.unexpected.500")) > 0);
        // Nothing listens here at all: transport errors, exit 2 as well.
        const Run none = runFleet(
            {QStringLiteral("--server"), QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--publishers"),
             QStringLiteral("1"), QStringLiteral("--workers"), QStringLiteral("0"), QStringLiteral("--steps"),
             QStringLiteral("10"), QStringLiteral("--json")});
        QCOMPARE(none.exitCode, 2);
        QVERIFY(num(none.summary, QStringLiteral("errors.transport")) > 0);
    }
};

TASKDESK_API_TEST_MAIN(AgentFleetTest)
#include "tst_agent_fleet.moc"
