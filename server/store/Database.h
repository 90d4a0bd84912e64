#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace taskdesk::store {

enum class Backend
{
    Sqlite,
    Postgres
};

// A failure of the store itself (not of the caller's input). Unique violations
// and retryable conflicts (deadlock, serialization) are told apart so the layer
// above can answer 409 or run the transaction again.
class StoreError : public std::runtime_error
{
public:
    enum class Kind
    {
        Other,
        UniqueViolation,
        Retryable,
        Unavailable
    };
    StoreError(Kind kind, const std::string& what) : std::runtime_error(what), m_kind(kind) {}
    Kind kind() const { return m_kind; }

private:
    Kind m_kind;
};

// One database (SQLite file or PostgreSQL URL). Each thread gets its own
// QtSql connection on first use; QSqlDatabase objects never cross threads.
class Database
{
public:
    // url: a file path (SQLite) or postgres://user:password@host:port/dbname
    explicit Database(std::string url);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Backend backend() const { return m_backend; }
    // The URL with any password removed, for logs.
    std::string displayName() const;
    QSqlDatabase& connection();
    // Applies every pending migration; returns the schema version now in force.
    int migrate();
    int schemaVersion();

    // SQLite allows one writer at a time. Writers of this process queue here
    // (woken at once when the lock frees) rather than in SQLite's busy handler,
    // which sleeps in growing steps and makes tail latency long.
    std::mutex& sqliteWriterLock() { return m_sqliteWriter; }

private:
    std::string m_url;
    Backend m_backend;
    std::mutex m_sqliteWriter;
    std::string m_connectionPrefix;
};

using SqlArgs = std::vector<QVariant>;

QVariant sqlText(std::string_view s);
QVariant sqlOptText(const std::optional<std::string>& s);
QVariant sqlInt(std::int64_t v);
QVariant sqlNull();

// A row cursor over a finished query.
class Rows
{
public:
    explicit Rows(QSqlQuery q) : m_q(std::move(q)) {}
    bool next() { return m_q.next(); }
    std::string str(int col) const { return m_q.value(col).toString().toStdString(); }
    std::optional<std::string> optStr(int col) const
    {
        const QVariant v = m_q.value(col);
        if (v.isNull())
            return std::nullopt;
        return v.toString().toStdString();
    }
    std::int64_t i64(int col) const { return m_q.value(col).toLongLong(); }
    std::optional<std::int64_t> optI64(int col) const
    {
        const QVariant v = m_q.value(col);
        if (v.isNull())
            return std::nullopt;
        return v.toLongLong();
    }
    bool isNull(int col) const { return m_q.value(col).isNull(); }
    // The column as a JSON string, or null when SQL NULL.
    boost::json::value textOrNull(int col) const
    {
        const QVariant v = m_q.value(col);
        if (v.isNull())
            return nullptr;
        return boost::json::value(v.toString().toStdString());
    }
    int affected() const { return m_q.numRowsAffected(); }

private:
    QSqlQuery m_q;
};

// A unit of work. Writing transactions take SQLite's write lock at BEGIN
// (BEGIN IMMEDIATE) so that a read-then-write never fails half-way with BUSY.
class Transaction
{
public:
    enum class Mode
    {
        Read,
        Write
    };
    Transaction(Database& db, Mode mode);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    Rows query(const char* sql, const SqlArgs& args = {});
    // Runs a statement and returns the number of rows it changed.
    int exec(const char* sql, const SqlArgs& args = {});
    // First column of the first row, if any.
    std::optional<std::string> scalarText(const char* sql, const SqlArgs& args = {});
    std::optional<std::int64_t> scalarInt(const char* sql, const SqlArgs& args = {});
    void commit();
    void rollback();
    // Runs fn after this transaction commits (never if it rolls back), e.g. to
    // wake long polls for a notification only once it is visible to readers.
    void afterCommit(std::function<void()> fn) { m_afterCommit.push_back(std::move(fn)); }
    Backend backend() const { return m_db.backend(); }
    Database& database() { return m_db; }

private:
    QSqlQuery run(const char* sql, const SqlArgs& args);
    Database& m_db;
    std::unique_lock<std::mutex> m_writerLock;
    QSqlDatabase* m_conn;
    bool m_open = false;
    std::vector<std::function<void()>> m_afterCommit;
};

} // namespace taskdesk::store
