#include "Database.h"

#include "Migrations.h"

#include <QLoggingCategory>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>
#include <algorithm>
#include <atomic>
#include <map>
#include <set>

Q_LOGGING_CATEGORY(lcStore, "taskdesk.server.store", QtInfoMsg)

namespace taskdesk::store {

namespace {

// Connections this thread opened, closed when the thread ends so that no
// file handle or server session outlives the worker that used it.
struct ThreadConnections
{
    std::map<std::string, QSqlDatabase> byPrefix;
    ~ThreadConnections()
    {
        for (auto& [prefix, db] : byPrefix) {
            const QString name = db.connectionName();
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
        }
    }
};
thread_local ThreadConnections t_connections;
std::atomic<unsigned> g_databaseCounter{0};

StoreError::Kind classify(const QSqlError& e, Backend backend)
{
    const QString code = e.nativeErrorCode();
    if (backend == Backend::Postgres) {
        if (code == QLatin1String("23505"))
            return StoreError::Kind::UniqueViolation;
        if (code == QLatin1String("40001") || code == QLatin1String("40P01") ||
            code == QLatin1String("55P03"))
            return StoreError::Kind::Retryable;
        if (code.startsWith(QLatin1String("08")) || e.type() == QSqlError::ConnectionError)
            return StoreError::Kind::Unavailable;
    } else {
        // 2067 SQLITE_CONSTRAINT_UNIQUE, 1555 SQLITE_CONSTRAINT_PRIMARYKEY, 5 BUSY, 6 LOCKED
        if (code == QLatin1String("2067") || code == QLatin1String("1555"))
            return StoreError::Kind::UniqueViolation;
        if (code == QLatin1String("5") || code == QLatin1String("6") || code == QLatin1String("517"))
            return StoreError::Kind::Retryable;
    }
    return StoreError::Kind::Other;
}

} // namespace

QVariant sqlText(std::string_view s)
{
    return QVariant(QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())));
}
QVariant sqlOptText(const std::optional<std::string>& s)
{
    return s ? sqlText(*s) : sqlNull();
}
QVariant sqlInt(std::int64_t v)
{
    return QVariant(static_cast<qlonglong>(v));
}
QVariant sqlNull()
{
    return QVariant(QMetaType(QMetaType::QString));
}

Database::Database(std::string url) : m_url(std::move(url))
{
    const bool pg = m_url.rfind("postgres://", 0) == 0 || m_url.rfind("postgresql://", 0) == 0;
    m_backend = pg ? Backend::Postgres : Backend::Sqlite;
    m_connectionPrefix = "taskdesk-db-" + std::to_string(g_databaseCounter.fetch_add(1));
}

Database::~Database()
{
    auto it = t_connections.byPrefix.find(m_connectionPrefix);
    if (it != t_connections.byPrefix.end()) {
        const QString name = it->second.connectionName();
        it->second.close();
        t_connections.byPrefix.erase(it);
        QSqlDatabase::removeDatabase(name);
    }
}

std::string Database::displayName() const
{
    if (m_backend == Backend::Sqlite)
        return m_url;
    QUrl u(QString::fromStdString(m_url));
    u.setPassword(QString());
    return u.toString().toStdString();
}

QSqlDatabase& Database::connection()
{
    auto it = t_connections.byPrefix.find(m_connectionPrefix);
    if (it != t_connections.byPrefix.end() && it->second.isOpen())
        return it->second;
    if (it != t_connections.byPrefix.end()) {
        // A connection that dropped (server restart): start afresh.
        const QString name = it->second.connectionName();
        t_connections.byPrefix.erase(it);
        QSqlDatabase::removeDatabase(name);
    }
    const QString name = QString::fromStdString(m_connectionPrefix) + QLatin1Char('-') +
                         QUuid::createUuid().toString(QUuid::WithoutBraces);
    QSqlDatabase db;
    if (m_backend == Backend::Sqlite) {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QString::fromStdString(m_url));
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=15000"));
    } else {
        const QUrl u(QString::fromStdString(m_url));
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(u.host().isEmpty() ? QStringLiteral("127.0.0.1") : u.host());
        db.setPort(u.port(5432));
        db.setUserName(u.userName());
        db.setPassword(u.password());
        QString dbName = u.path();
        if (dbName.startsWith(QLatin1Char('/')))
            dbName.remove(0, 1);
        db.setDatabaseName(dbName);
        db.setConnectOptions(QStringLiteral("connect_timeout=5"));
    }
    if (!db.open()) {
        const QString err = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw StoreError(StoreError::Kind::Unavailable,
                         "cannot open database " + displayName() + ": " + err.toStdString());
    }
    QSqlQuery q(db);
    if (m_backend == Backend::Sqlite) {
        for (const char* pragma :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
            if (!q.exec(QString::fromLatin1(pragma)))
                throw StoreError(StoreError::Kind::Other, std::string("cannot configure SQLite: ") +
                                                              q.lastError().text().toStdString());
        }
    } else {
        q.exec(QStringLiteral("SET client_min_messages TO WARNING"));
        q.exec(QStringLiteral("SET lock_timeout = '15s'"));
    }
    auto [pos, inserted] = t_connections.byPrefix.emplace(m_connectionPrefix, db);
    return pos->second;
}

int Database::schemaVersion()
{
    Transaction tx(*this, Transaction::Mode::Read);
    const auto exists =
        m_backend == Backend::Sqlite
            ? tx.scalarInt(
                  "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'")
            : tx.scalarInt(
                  "SELECT COUNT(*) FROM information_schema.tables WHERE table_name='schema_migrations'"
                  " AND table_schema=current_schema()");
    if (!exists || *exists == 0)
        return 0;
    return static_cast<int>(
        tx.scalarInt("SELECT COALESCE(MAX(version),0) FROM schema_migrations").value_or(0));
}

int Database::migrate()
{
    const auto& migrations = Migrations::all();
    if (m_backend == Backend::Postgres) {
        // Several processes may start at once on one PostgreSQL: one migrates, the rest wait.
        QSqlQuery lock(connection());
        lock.exec(QStringLiteral("SELECT pg_advisory_lock(7428001)"));
    }
    int version = schemaVersion();
    // Apply every migration not recorded yet, not only those above the newest:
    // feature areas own their versions, and one may land after a higher one.
    std::set<int> applied;
    if (version > 0) {
        Transaction tx(*this, Transaction::Mode::Read);
        auto r = tx.query("SELECT version FROM schema_migrations");
        while (r.next())
            applied.insert(static_cast<int>(r.i64(0)));
    }
    try {
        for (const auto& m : migrations) {
            if (applied.count(m.version))
                continue;
            Transaction tx(*this, Transaction::Mode::Write);
            if (m.version == 1)
                tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                        "applied_at TEXT NOT NULL)");
            for (const auto& stmt : m.statements(m_backend))
                tx.exec(stmt.c_str());
            tx.exec("INSERT INTO schema_migrations(version, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
                    {sqlInt(m.version)});
            tx.commit();
            qCInfo(lcStore) << "applied migration" << m.version << m.name;
            version = std::max(version, m.version);
        }
    } catch (...) {
        if (m_backend == Backend::Postgres) {
            QSqlQuery unlock(connection());
            unlock.exec(QStringLiteral("SELECT pg_advisory_unlock(7428001)"));
        }
        throw;
    }
    if (m_backend == Backend::Postgres) {
        QSqlQuery unlock(connection());
        unlock.exec(QStringLiteral("SELECT pg_advisory_unlock(7428001)"));
    }
    return version;
}

Transaction::Transaction(Database& db, Mode mode)
    : m_db(db), m_writerLock(db.backend() == Backend::Sqlite && mode == Mode::Write
                                 ? std::unique_lock<std::mutex>(db.sqliteWriterLock())
                                 : std::unique_lock<std::mutex>()),
      m_conn(&db.connection())
{
    QSqlQuery q(*m_conn);
    const char* begin = "BEGIN";
    if (db.backend() == Backend::Sqlite && mode == Mode::Write)
        begin = "BEGIN IMMEDIATE";
    if (!q.exec(QString::fromLatin1(begin))) {
        const auto err = q.lastError();
        // A dead PostgreSQL session: drop it so the next attempt reconnects.
        if (db.backend() == Backend::Postgres)
            m_conn->close();
        throw StoreError(classify(err, db.backend()) == StoreError::Kind::Other
                             ? StoreError::Kind::Unavailable
                             : classify(err, db.backend()),
                         "cannot begin transaction: " + err.text().toStdString());
    }
    m_open = true;
}

Transaction::~Transaction()
{
    if (m_open)
        rollback();
}

QSqlQuery Transaction::run(const char* sql, const SqlArgs& args)
{
    QSqlQuery q(*m_conn);
    // On PostgreSQL a forward-only query streams rows in single-row mode, and a
    // second query on the connection cuts the first one short; buffering the
    // whole (always LIMITed) result makes nested reads inside a row loop safe.
    q.setForwardOnly(m_db.backend() == Backend::Sqlite);
    if (args.empty()) {
        // Statements without parameters (DDL among them) run directly: PostgreSQL
        // cannot PREPARE a CREATE TABLE.
        if (!q.exec(QString::fromUtf8(sql))) {
            const auto err = q.lastError();
            throw StoreError(classify(err, m_db.backend()),
                             std::string("query failed: ") + err.text().toStdString() + " in: " + sql);
        }
        return q;
    }
    if (!q.prepare(QString::fromUtf8(sql))) {
        const auto err = q.lastError();
        throw StoreError(classify(err, m_db.backend()),
                         std::string("prepare failed: ") + err.text().toStdString() + " in: " + sql);
    }
    for (const auto& a : args)
        q.addBindValue(a);
    if (!q.exec()) {
        const auto err = q.lastError();
        throw StoreError(classify(err, m_db.backend()),
                         std::string("query failed: ") + err.text().toStdString() + " in: " + sql);
    }
    return q;
}

Rows Transaction::query(const char* sql, const SqlArgs& args)
{
    return Rows(run(sql, args));
}

int Transaction::exec(const char* sql, const SqlArgs& args)
{
    return run(sql, args).numRowsAffected();
}

std::optional<std::string> Transaction::scalarText(const char* sql, const SqlArgs& args)
{
    QSqlQuery q = run(sql, args);
    if (!q.next() || q.value(0).isNull())
        return std::nullopt;
    return q.value(0).toString().toStdString();
}

std::optional<std::int64_t> Transaction::scalarInt(const char* sql, const SqlArgs& args)
{
    QSqlQuery q = run(sql, args);
    if (!q.next() || q.value(0).isNull())
        return std::nullopt;
    return q.value(0).toLongLong();
}

void Transaction::commit()
{
    QSqlQuery q(*m_conn);
    const bool ok = q.exec(QStringLiteral("COMMIT"));
    m_open = false;
    if (m_writerLock.owns_lock())
        m_writerLock.unlock();
    if (!ok) {
        const auto err = q.lastError();
        QSqlQuery(*m_conn).exec(QStringLiteral("ROLLBACK"));
        throw StoreError(classify(err, m_db.backend()), "commit failed: " + err.text().toStdString());
    }
    auto hooks = std::move(m_afterCommit);
    m_afterCommit.clear();
    for (auto& fn : hooks) {
        try {
            fn();
        } catch (const std::exception& e) {
            qCWarning(lcStore) << "after-commit hook failed:" << e.what();
        }
    }
}

void Transaction::rollback()
{
    m_afterCommit.clear();
    if (!m_open)
        return;
    m_open = false;
    QSqlQuery q(*m_conn);
    q.exec(QStringLiteral("ROLLBACK"));
    if (m_writerLock.owns_lock())
        m_writerLock.unlock();
}

} // namespace taskdesk::store
