#include "TestServer.h"

#include "AccountService.h"
#include "Database.h"
#include "Ledger.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUuid>
#include <cstdlib>
#include <stdexcept>

namespace taskdesk::test {

namespace {
QSqlDatabase adminConnection(const QString& name)
{
    const QUrl u(QString::fromStdString(TestServer::postgresAdminUrl()));
    auto db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(u.host());
    db.setPort(u.port(5432));
    db.setUserName(u.userName());
    db.setPassword(u.password());
    QString path = u.path();
    if (path.startsWith(QLatin1Char('/')))
        path.remove(0, 1);
    db.setDatabaseName(path.isEmpty() ? QStringLiteral("postgres") : path);
    return db;
}

void adminExec(const std::string& sql)
{
    const QString name =
        QStringLiteral("td-test-admin-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        auto db = adminConnection(name);
        if (!db.open())
            throw std::runtime_error("cannot reach PostgreSQL: " + db.lastError().text().toStdString());
        QSqlQuery q(db);
        if (!q.exec(QString::fromStdString(sql)))
            throw std::runtime_error("PostgreSQL admin statement failed: " +
                                     q.lastError().text().toStdString());
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}
} // namespace

TestServer::TestServer() : TestServer(Options{}) {}

TestServer::TestServer(Options options) : m_options(options)
{
    {
        QTemporaryDir data;
        data.setAutoRemove(false);
        if (!data.isValid())
            throw std::runtime_error("cannot create a temporary folder");
        m_dataDir = data.path().toStdString();
    }
    if (postgresRequested()) {
        m_dbName = "td_test_" + QUuid::createUuid().toString(QUuid::Id128).left(16).toStdString();
        adminExec("CREATE DATABASE " + m_dbName);
        QUrl u(QString::fromStdString(postgresAdminUrl()));
        u.setPath(QStringLiteral("/") + QString::fromStdString(m_dbName));
        m_dbUrl = u.toString().toStdString();
    } else {
        QTemporaryDir dir;
        dir.setAutoRemove(false);
        if (!dir.isValid())
            throw std::runtime_error("cannot create a temporary folder");
        m_tempDir = dir.path().toStdString();
        m_dbUrl = m_tempDir + "/taskdesk.db";
    }
}

TestServer::~TestServer()
{
    stop();
    m_server.reset();
    try {
        if (!m_dbName.empty())
            adminExec("DROP DATABASE IF EXISTS " + m_dbName + " WITH (FORCE)");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "warning: %s\n", e.what());
    }
    if (!m_tempDir.empty())
        QDir(QString::fromStdString(m_tempDir)).removeRecursively();
    if (!m_dataDir.empty())
        QDir(QString::fromStdString(m_dataDir)).removeRecursively();
}

bool TestServer::postgresRequested()
{
    const char* v = std::getenv("TASKDESK_TEST_DATABASE");
    return v && std::string(v) == "postgres";
}

std::string TestServer::postgresAdminUrl()
{
    const char* v = std::getenv("TASKDESK_TEST_PG_URL");
    return v ? std::string(v) : std::string();
}

void TestServer::start()
{
    PlatformServerConfig cfg;
    cfg.database = m_dbUrl;
    cfg.rateLimits = m_options.rateLimits;
    cfg.threads = m_options.threads;
    cfg.settings.feePercent = m_options.feePercent;
    cfg.settings.payoutHoldHours = m_options.payoutHoldHours;
    cfg.settings.allowPrivateWebhooks = true;
    cfg.settings.dataDir = m_dataDir;
    cfg.jobInterval = std::chrono::hours(24); // tests run jobs explicitly
    m_server = std::make_unique<PlatformServer>(cfg);
    m_server->start();
}

void TestServer::stop()
{
    if (m_server)
        m_server->stop();
}

void TestServer::restart()
{
    stop();
    m_server.reset();
    start();
}

std::uint16_t TestServer::port() const
{
    return m_server ? m_server->port() : 0;
}

TestServer::LedgerState TestServer::ledger()
{
    store::Transaction tx(m_server->platform().db, store::Transaction::Mode::Read);
    const auto v = domain::Ledger::verify(tx);
    LedgerState s;
    s.balanced = v.balanced;
    s.sum = v.sum;
    s.negativeAccounts = v.negativeAccounts;
    s.mismatchedAccounts = v.mismatchedAccounts;
    s.transfers = v.transfers;
    return s;
}

TestServer::Member TestServer::registerMember(const std::string& handle,
                                              const std::vector<std::string>& skills, const std::string& kind)
{
    boost::json::object body;
    body["email"] = handle + "@example.com";
    body["password"] = "correct horse battery";
    body["handle"] = handle;
    body["kind"] = kind;
    boost::json::array sk;
    for (const auto& s : skills)
        sk.emplace_back(s);
    body["skills"] = std::move(sk);
    const auto r = client().call("POST", "/api/agent/register", "", body);
    if (r.status != 201)
        throw std::runtime_error("registration of " + handle + " failed: " + std::to_string(r.status) + " " +
                                 r.body);
    const auto o = r.obj();
    Member m;
    m.id = std::string(o.at("profile").at("id").as_string());
    m.handle = handle;
    m.email = handle + "@example.com";
    m.token = std::string(o.at("tokenValue").as_string());
    return m;
}

void TestServer::grantRole(const std::string& handle, const std::string& role)
{
    store::Transaction tx(m_server->platform().db, store::Transaction::Mode::Write);
    if (!domain::AccountService::grantRole(tx, handle, role))
        throw std::runtime_error("no such handle " + handle);
    tx.commit();
}

} // namespace taskdesk::test
