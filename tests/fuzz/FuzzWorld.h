#pragma once

#include "Request.h"
#include "Response.h"

#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace taskdesk::domain {
struct Platform;
class Clock;
} // namespace taskdesk::domain
namespace taskdesk::store {
class Database;
}

namespace taskdesk::http {
class ApiServer;
}

namespace taskdesk::fuzz {

// The platform the fuzz target talks to: a real ApiServer over a real SQLite store, in a
// folder of its own. Built once per process: accounts, tasks, a bid, contracts, a dispute, a
// skill hire, a protected-access request and a delegation, all made through the API, so that
// inputs naming them (through placeholders such as @TASK@) reach the routes' validation rather
// than a 404. The seeded database is kept as a file; reset() reopens a fresh copy of it, so
// that what the inputs write neither slows long runs down nor piles up.
class FuzzWorld
{
public:
    // root: an empty folder the world may fill (the caller removes it afterwards).
    explicit FuzzWorld(std::string root);
    ~FuzzWorld();
    FuzzWorld(const FuzzWorld&) = delete;
    FuzzWorld& operator=(const FuzzWorld&) = delete;

    http::ApiServer& api() { return *m_api; }
    // Reopens the seeded database as it was after construction.
    void reset();

    // Replaces every placeholder in text by its value (a token, a profile or an entity id).
    void substitute(std::string& text) const;
    const std::vector<std::pair<std::string, std::string>>& placeholders() const { return m_placeholders; }

private:
    struct Reply
    {
        int status = 0;
        boost::json::value json;
    };
    void open(const std::string& dbPath);
    void close();
    void seed();
    // A request straight to the ApiServer (setup only); throws unless the status is expected.
    Reply call(const std::string& method, const std::string& path, const std::string& token,
               const boost::json::value& body, int expected);
    std::string idAt(const Reply& r, const char* object, const char* field = "id") const;
    void define(std::string name, std::string value);

    std::string m_root;
    std::string m_seedDb;
    std::string m_workDir;
    std::unique_ptr<domain::Clock> m_clock;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<domain::Platform> m_platform;
    std::unique_ptr<http::ApiServer> m_api;
    // Longest name first, so that @TASK@ never eats into @TASK2@.
    std::vector<std::pair<std::string, std::string>> m_placeholders;
};

} // namespace taskdesk::fuzz
