#pragma once

#include "Platform.h"

#include <cstdint>
#include <optional>
#include <string>

namespace taskdesk::domain {

// The money side of outcomes, shared by accept, auto-accept, cancellation and
// (later) dispute resolution, so each rule is written once.
class Settlement
{
public:
    // Pays a worker out of an escrow account: the fee (floor of fee percent) to
    // the platform, the rest to the worker's pending balance, released after the
    // payout hold. Returns the fee taken.
    static std::int64_t payWorker(store::Transaction& tx, const Platform& p, const std::string& escrowAccount,
                                  const std::string& workerId, std::int64_t amount,
                                  const std::string& refType, const std::string& refId);
    // Returns everything left in an escrow account to its funder's available balance.
    static std::int64_t refundRemaining(store::Transaction& tx, const Platform& p,
                                        const std::string& escrowAccount, const std::string& ownerId,
                                        const std::string& refType, const std::string& refId,
                                        const std::string& kind = "refund");
    // Releases every pending payout whose hold has passed. Returns how many.
    static int releaseDuePayouts(store::Transaction& tx, const Platform& p, int maxCount = 500);
    static void addReputation(store::Transaction& tx, const std::string& profileId, int exp, int credit);
    // What every acceptance records besides the money: the buyer's review when
    // a rating came with the decision, both parties' reputation, and the two
    // notifications. ownerEntity names what the owner's notification points at.
    struct Acceptance
    {
        std::string contractId, buyerId, sellerId, title;
        std::optional<std::int64_t> rating;
        std::string review;
        bool automatic = false;
        std::string ownerEntityType, ownerEntityId;
    };
    static void recordAcceptance(store::Transaction& tx, const Platform& p, const Acceptance& a);
};

} // namespace taskdesk::domain
