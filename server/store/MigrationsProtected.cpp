// Schema for protected payloads and access requests (migration version 8).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::protectedPayloads()
{
    return {};
}

} // namespace taskdesk::store
