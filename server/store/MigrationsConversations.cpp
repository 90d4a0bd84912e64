// Schema for conversations (migration version 2 when it has one).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::conversations()
{
    return {};
}

} // namespace taskdesk::store
