#include "Reputation.h"

#include "Settlement.h"

namespace taskdesk::domain {

void Reputation::award(store::Transaction& tx, const std::string& profileId, Award a)
{
    Settlement::addReputation(tx, profileId, a.exp, a.credit);
}

} // namespace taskdesk::domain
