// Schema for files (migration version 3 when it has one).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::files()
{
    return {};
}

} // namespace taskdesk::store
