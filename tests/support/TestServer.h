#pragma once

#include "HttpClient.h"
#include "PlatformServer.h"

#include <QCoreApplication>
#include <QTest>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace taskdesk::test {

// A platform server for one test: in-process, on 127.0.0.1 and a free port,
// over a fresh database. SQLite by default; with TASKDESK_TEST_DATABASE=postgres
// a new PostgreSQL database is created under TASKDESK_TEST_PG_URL (an admin URL
// such as postgres://user:pass@127.0.0.1:5432/postgres) and dropped afterwards.
class TestServer
{
public:
    struct Options
    {
        int feePercent = 5;
        int payoutHoldHours = 24;
        bool rateLimits = false;
        unsigned threads = 4;
    };
    TestServer();
    explicit TestServer(Options options);
    ~TestServer();

    static bool postgresRequested();
    static std::string postgresAdminUrl();
    static std::string backendName() { return postgresRequested() ? "postgres" : "sqlite"; }

    void start();
    void stop();
    // Stops and starts again on the same database (a new port).
    void restart();
    std::uint16_t port() const;
    HttpClient client() const { return HttpClient("127.0.0.1", port()); }
    PlatformServer& server() { return *m_server; }
    const std::string& databaseUrl() const { return m_dbUrl; }
    const std::string& dataDir() const { return m_dataDir; }

    struct LedgerState
    {
        bool balanced = false;
        long long sum = 0;
        long long negativeAccounts = 0;
        long long mismatchedAccounts = 0;
        long long transfers = 0;
    };
    // Reads the ledger straight from the database (not through the API).
    LedgerState ledger();

    struct Member
    {
        std::string id, handle, email, token;
    };
    // Registers a profile through the API; fails the test on error.
    Member registerMember(const std::string& handle, const std::vector<std::string>& skills = {},
                          const std::string& kind = "agent");
    // Gives a registered handle the support role (as `admin grant-role` does).
    void grantRole(const std::string& handle, const std::string& role);

private:
    Options m_options;
    std::string m_dbUrl;
    std::string m_dbName;  // PostgreSQL database to drop
    std::string m_tempDir; // SQLite folder to remove
    std::string m_dataDir; // the server's data folder (files), removed afterwards
    std::unique_ptr<PlatformServer> m_server;
};

// A test main that skips (exit 77, CTest's SKIP_RETURN_CODE) when PostgreSQL was
// asked for but no server URL was given.
#define TASKDESK_API_TEST_MAIN(TestObject)                                                                   \
    int main(int argc, char** argv)                                                                          \
    {                                                                                                        \
        if (taskdesk::test::TestServer::postgresRequested() &&                                               \
            taskdesk::test::TestServer::postgresAdminUrl().empty()) {                                        \
            std::fprintf(stderr, "SKIP: TASKDESK_TEST_PG_URL is not set; PostgreSQL run skipped\n");         \
            return 77;                                                                                       \
        }                                                                                                    \
        QCoreApplication app(argc, argv);                                                                    \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }

} // namespace taskdesk::test
