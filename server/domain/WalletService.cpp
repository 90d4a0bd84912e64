#include "WalletService.h"

#include "Access.h"
#include "DomainError.h"
#include "Ledger.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

json::object WalletService::wallet(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "wallet:read");
    json::object w;
    w["available"] = money(Ledger::balance(tx, Ledger::available(a.profileId)));
    w["pending"] = money(Ledger::balance(tx, Ledger::pending(a.profileId)));
    w["escrow"] = money(
        tx.scalarInt("SELECT COALESCE(SUM(balance), 0) FROM accounts WHERE kind = 'escrow' AND owner_id = ?",
                     {sqlText(a.profileId)})
            .value_or(0));
    w["currency"] = "CREDITS";
    auto next =
        tx.scalarText("SELECT MIN(release_at) FROM payout_holds WHERE profile_id = ? AND released_at IS NULL",
                      {sqlText(a.profileId)});
    w["nextReleaseAt"] = next ? json::value(*next) : json::value(nullptr);
    json::object out;
    out["wallet"] = std::move(w);
    return out;
}

json::object WalletService::transactions(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "wallet:read");
    const auto page = pageFrom(query);
    std::string kind;
    if (const auto* k = query.if_contains("kind"); k && k->is_string())
        kind = std::string(k->as_string());
    // Transfers touching an account the caller owns (available, pending, or an escrow it funded).
    auto r = tx.query(
        "SELECT t.id, t.from_account, t.to_account, t.amount, t.kind, t.ref_type, t.ref_id, t.memo, "
        "t.created_at,"
        " fa.owner_id, ta.owner_id, fa.kind, ta.kind FROM transfers t"
        " JOIN accounts fa ON fa.id = t.from_account JOIN accounts ta ON ta.id = t.to_account"
        " WHERE (fa.owner_id = ? OR ta.owner_id = ?) AND (? = '' OR t.kind = ?) AND (? = '' OR t.id < ?)"
        " ORDER BY t.id DESC LIMIT ?",
        {sqlText(a.profileId), sqlText(a.profileId), sqlText(kind), sqlText(kind), sqlText(page.cursor),
         sqlText(page.cursor), sqlInt(page.limit + 1)});
    static const auto liquidity = [](const std::string& k) {
        return k == "available" ? 3 : k == "pending" ? 2 : 1;
    };
    json::array items;
    while (r.next()) {
        const bool fromMine = r.optStr(9).value_or("") == a.profileId;
        const bool toMine = r.optStr(10).value_or("") == a.profileId;
        const std::string fromKind = r.str(11), toKind = r.str(12);
        const std::int64_t amount = r.i64(3);
        std::int64_t signedAmount;
        std::string account;
        if (fromMine && toMine) {
            // Between two of the caller's own accounts: signed toward the more spendable one.
            const bool towardLiquid = liquidity(toKind) > liquidity(fromKind);
            signedAmount = towardLiquid ? amount : -amount;
            account = towardLiquid ? toKind : fromKind;
        } else if (toMine) {
            signedAmount = amount;
            account = toKind;
        } else {
            signedAmount = -amount;
            account = fromKind;
        }
        json::object o;
        o["id"] = r.str(0);
        o["kind"] = r.str(4);
        o["amount"] = money(signedAmount);
        o["currency"] = "CREDITS";
        o["account"] = account;
        o["from"] = r.str(1);
        o["to"] = r.str(2);
        o["refType"] = r.textOrNull(5);
        o["refId"] = r.textOrNull(6);
        o["memo"] = r.textOrNull(7);
        o["createdAt"] = r.str(8);
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "transactions", std::move(items), page.limit);
    return out;
}

json::object WalletService::verifyLedger(store::Transaction& tx, const Actor& a)
{
    if (!a.isStaff())
        throw DomainError::notFound("Route");
    requireScope(a, "support:read");
    return Ledger::toJson(Ledger::verify(tx));
}

} // namespace taskdesk::domain
