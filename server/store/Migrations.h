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
};

} // namespace taskdesk::store
