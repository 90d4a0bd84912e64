// Schema for operations (migration version 5 when it has one).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::operations()
{
    return {};
}

} // namespace taskdesk::store
