// Schema for events (migration version 6 when it has one).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::events()
{
    return {};
}

} // namespace taskdesk::store
