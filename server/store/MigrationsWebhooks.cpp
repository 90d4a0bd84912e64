// Schema for webhooks (migration version 4 when it has one).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::webhooks()
{
    return {};
}

} // namespace taskdesk::store
