#pragma once

#include "Database.h"

#include <string>
#include <vector>

namespace taskdesk::store {

// The versioned schema. A migration is never edited once released; a change is
// a new migration with the next version.
struct Migration
{
    int version;
    const char* name;
    std::vector<std::string> (*statements)(Backend backend);
};

class Migrations
{
public:
    static const std::vector<Migration>& all();

private:
    // Each feature area owns its migrations (one file each), with fixed versions:
    // 2 conversations, 3 files, 4 webhooks, 5 operations, 6 events, 7 credentials
    // (API keys, delegations, transfers), 8 protected payloads, 9 marketplace
    // (skills, hires, disputes, support desk), 10 performance (indexes found by measuring).
    static std::vector<Migration> conversations();
    static std::vector<Migration> files();
    static std::vector<Migration> webhooks();
    static std::vector<Migration> operations();
    static std::vector<Migration> events();
    static std::vector<Migration> credentials();
    static std::vector<Migration> protectedPayloads();
    static std::vector<Migration> marketplace();
    static std::vector<Migration> performance();
};

} // namespace taskdesk::store
