#pragma once

#include "Actor.h"
#include "Database.h"

#include <cstdint>
#include <string>

namespace taskdesk::domain {

// Escrow committed through a delegated credential counts against its delegation's spendLimit.
// No-op for an actor without delegationId. Throws DomainError 402 SPEND_LIMIT when the commitment
// would take the delegation's cumulative committed escrow past its limit; otherwise records it.
// Call it in the transaction that moves the escrow, so a refused commitment moves nothing and an
// accepted one is counted exactly when the escrow commits. Refunds never lower the count.
class SpendLimit
{
public:
    static void commit(store::Transaction& tx, const Actor& actor, std::int64_t cents, const std::string& at);
};

} // namespace taskdesk::domain
