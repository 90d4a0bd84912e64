#include "SpendLimit.h"

#include "DomainError.h"
#include "Ledger.h"

namespace taskdesk::domain {

using store::sqlInt;
using store::sqlText;

void SpendLimit::commit(store::Transaction& tx, const Actor& actor, std::int64_t cents, const std::string& at)
{
    if (actor.delegationId.empty() || cents <= 0)
        return;
    // One conditional update: the limit check and the count are atomic, so two
    // concurrent commitments on PostgreSQL cannot both slip under the limit
    // (the second waits for the first's row lock and re-checks).
    const int changed =
        tx.exec("UPDATE delegations SET spent = spent + ?, last_used_at = ? WHERE id = ?"
                " AND revoked_at IS NULL AND (spend_limit IS NULL OR spent + ? <= spend_limit)",
                {sqlInt(cents), sqlText(at), sqlText(actor.delegationId), sqlInt(cents)});
    if (changed > 0)
        return;
    auto r = tx.query("SELECT spend_limit, spent, revoked_at FROM delegations WHERE id = ?",
                      {sqlText(actor.delegationId)});
    if (!r.next() || r.optStr(2))
        throw DomainError(ErrorKind::Unauthorized, "UNAUTHORIZED", "The delegation was revoked");
    const std::int64_t limit = r.i64(0);
    const std::int64_t spent = r.i64(1);
    throw DomainError(ErrorKind::InsufficientFunds, "SPEND_LIMIT",
                      "This would commit " + moneyText(cents) + " CREDITS; the delegation's spend limit is " +
                          moneyText(limit) + " and " + moneyText(spent) + " is already committed");
}

} // namespace taskdesk::domain
