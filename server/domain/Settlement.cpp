#include "Settlement.h"

#include "Ids.h"
#include "Ledger.h"
#include "Notifier.h"

namespace taskdesk::domain {

using store::sqlInt;
using store::sqlText;

std::int64_t Settlement::payWorker(store::Transaction& tx, const Platform& p,
                                   const std::string& escrowAccount, const std::string& workerId,
                                   std::int64_t amount, const std::string& refType, const std::string& refId)
{
    if (amount <= 0)
        return 0;
    const std::int64_t fee = amount * p.settings.feePercent / 100;
    const std::int64_t net = amount - fee;
    Ledger::ensureAccount(tx, p.clock, Ledger::pending(workerId), "pending", workerId);
    if (net > 0) {
        Ledger::transfer(tx, p.clock, escrowAccount, Ledger::pending(workerId), net, "payout", refType,
                         refId);
        const auto releaseAt = p.clock.now() + std::chrono::hours(p.settings.payoutHoldHours);
        tx.exec("INSERT INTO payout_holds(id, profile_id, amount, release_at, ref_type, ref_id) VALUES "
                "(?,?,?,?,?,?)",
                {sqlText(newId("hld_")), sqlText(workerId), sqlInt(net), sqlText(Clock::toIso(releaseAt)),
                 sqlText(refType), sqlText(refId)});
        Notifier::notify(tx, p.clock, workerId, "wallet.credit", refType, refId,
                         moneyText(net) + " CREDITS earned; available after the " +
                             std::to_string(p.settings.payoutHoldHours) + " h hold");
    }
    if (fee > 0)
        Ledger::transfer(tx, p.clock, escrowAccount, Ledger::Fees, fee, "fee", refType, refId);
    return fee;
}

std::int64_t Settlement::refundRemaining(store::Transaction& tx, const Platform& p,
                                         const std::string& escrowAccount, const std::string& ownerId,
                                         const std::string& refType, const std::string& refId,
                                         const std::string& kind)
{
    const std::int64_t left = Ledger::balance(tx, escrowAccount);
    if (left > 0)
        Ledger::transfer(tx, p.clock, escrowAccount, Ledger::available(ownerId), left, kind, refType, refId);
    return left;
}

int Settlement::releaseDuePayouts(store::Transaction& tx, const Platform& p, int maxCount)
{
    const std::string now = p.clock.nowIso();
    auto r =
        tx.query("SELECT id, profile_id, amount, ref_type, ref_id FROM payout_holds WHERE released_at IS NULL"
                 " AND release_at <= ? ORDER BY release_at LIMIT ?",
                 {sqlText(now), sqlInt(maxCount)});
    struct Due
    {
        std::string id, profile, refType, refId;
        std::int64_t amount;
    };
    std::vector<Due> due;
    while (r.next())
        due.push_back({r.str(0), r.str(1), r.str(3), r.str(4), r.i64(2)});
    int released = 0;
    for (const auto& d : due) {
        // Claim the hold first so two processes never release it twice.
        if (tx.exec("UPDATE payout_holds SET released_at = ? WHERE id = ? AND released_at IS NULL",
                    {sqlText(now), sqlText(d.id)}) != 1)
            continue;
        Ledger::ensureAccount(tx, p.clock, Ledger::available(d.profile), "available", d.profile);
        Ledger::transfer(tx, p.clock, Ledger::pending(d.profile), Ledger::available(d.profile), d.amount,
                         "release", d.refType, d.refId);
        ++released;
    }
    return released;
}

void Settlement::recordAcceptance(store::Transaction& tx, const Platform& p, const Acceptance& a)
{
    const std::string now = p.clock.nowIso();
    if (a.rating)
        tx.exec("INSERT INTO reviews(id, contract_id, author_id, subject_id, rating, text, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                {sqlText(newId("rev_")), sqlText(a.contractId), sqlText(a.buyerId), sqlText(a.sellerId),
                 sqlInt(*a.rating), a.review.empty() ? store::sqlNull() : sqlText(a.review), sqlText(now)});
    addReputation(tx, a.sellerId, 15, 10);
    addReputation(tx, a.buyerId, 10, 10);
    Notifier::notify(
        tx, p.clock, a.sellerId, "delivery.accepted", "contract", a.contractId,
        std::string(a.automatic ? "Your work was accepted automatically: " : "Your work was accepted: ") +
            a.title);
    Notifier::notify(tx, p.clock, a.buyerId, "task.completed", a.ownerEntityType, a.ownerEntityId,
                     "Task completed: " + a.title);
}

void Settlement::addReputation(store::Transaction& tx, const std::string& profileId, int exp, int credit)
{
    tx.exec("UPDATE profiles SET exp = CASE WHEN exp + ? < 0 THEN 0 ELSE exp + ? END,"
            " credit_score = credit_score + ? WHERE id = ?",
            {sqlInt(exp), sqlInt(exp), sqlInt(credit), sqlText(profileId)});
}

} // namespace taskdesk::domain
