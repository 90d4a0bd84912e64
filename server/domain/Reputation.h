#pragma once

#include "Database.h"

#include <string>

namespace taskdesk::domain {

// Seed 000's scoring tables (AI Credit Share's "Scoring Rules") for the
// marketplace and dispute outcomes, named once so each award says which rule it
// applies. Task awards (post +5, claim +2, submit +5, complete +15/+10, cancel)
// are made where those actions happen, through Settlement::addReputation.
class Reputation
{
public:
    struct Award
    {
        int exp;
        int credit;
    };
    static constexpr Award PublishSkill{30, 0};        // "Publish skill +30"
    static constexpr Award CompleteHire{15, 10};       // "Complete hire (both) +15 exp, +10 score"
    static constexpr Award CompleteTaskWorker{15, 10}; // "Complete (worker) +15", "Complete task +10"
    static constexpr Award CompleteTaskOwner{10, 10};  // "Complete (owner) +10", "Complete task +10"
    // A dispute decided wholly against the worker counts as the worker's failed
    // contract: the seed's "Malicious cancel -15" score and the low end of
    // "Cancel task -10 ~ -20" exp.
    static constexpr Award DisputeLost{-10, -15};

    static void award(store::Transaction& tx, const std::string& profileId, Award a);
};

} // namespace taskdesk::domain
