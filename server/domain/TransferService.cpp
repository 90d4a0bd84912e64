#include "TransferService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "DomainError.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlText;

json::object TransferService::transfer(store::Transaction& tx, const Actor& a, const json::object& body)
{
    // The order of checks: who the recipient is (404) and whether the caller may pay it
    // (403) come before the amount's shape (400) and the balance (402).
    const auto* to = body.if_contains("toProfileId");
    if (!to || !to->is_string() || to->as_string().empty())
        throw DomainError::invalid("toProfileId", "is required");
    const std::string toId(to->as_string());
    if (toId.size() > 64 || !tx.scalarInt("SELECT 1 FROM profiles WHERE id = ?", {sqlText(toId)}))
        throw DomainError::notFound("Profile");
    requireScope(a, "wallet:write");
    if (toId == a.profileId)
        throw DomainError::forbidden("A transfer goes to another profile");
    // A live delegation between the two, either way. A delegated credential may only move
    // credits within its own delegation (back to the operator that issued it, in practice).
    const std::string now = m_p.clock.nowIso();
    std::string sql =
        "SELECT id FROM delegations WHERE ((operator_id = ? AND agent_id = ?) OR (operator_id = ? AND "
        "agent_id = ?)) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
    store::SqlArgs args{sqlText(a.profileId), sqlText(toId), sqlText(toId), sqlText(a.profileId),
                        sqlText(now)};
    if (!a.delegationId.empty()) {
        sql += " AND id = ?";
        args.push_back(sqlText(a.delegationId));
    }
    sql += " ORDER BY id DESC LIMIT 1";
    const auto delegationId = tx.scalarText(sql.c_str(), args);
    if (!delegationId)
        throw DomainError::forbidden(
            "Transfers go only between an operator and an agent it operates through a "
            "live delegation");
    Input in(body);
    in.str("toProfileId", 1, 64);
    if (!in.has("amount"))
        in.fail("amount", "is required");
    const auto amount = in.optAmount("amount", true);
    if (const auto* cur = in.raw("currency"); cur && !(cur->is_string() && cur->as_string() == "CREDITS"))
        in.fail("currency", "must be CREDITS");
    const std::string memo = in.optStr("memo", 0, 200).value_or("");
    in.finish();

    Ledger::ensureAccount(tx, m_p.clock, Ledger::available(a.profileId), "available", a.profileId);
    Ledger::ensureAccount(tx, m_p.clock, Ledger::available(toId), "available", toId);
    const std::string transferId =
        Ledger::transfer(tx, m_p.clock, Ledger::available(a.profileId), Ledger::available(toId),
                         amount->cents, "transfer", "delegation", *delegationId, memo);

    const auto from = AccountService::profileSummary(tx, a.profileId);
    const auto recipient = AccountService::profileSummary(tx, toId);
    const std::string text = moneyText(amount->cents) + " CREDITS";
    Notifier::notify(tx, m_p.clock, toId, "wallet.credit", "transfer", transferId,
                     "You received " + text + " from " + std::string(from.at("handle").as_string()) +
                         (memo.empty() ? std::string() : ": " + memo));
    Notifier::notify(tx, m_p.clock, a.profileId, "wallet.debit", "transfer", transferId,
                     "You sent " + text + " to " + std::string(recipient.at("handle").as_string()));

    json::object t;
    t["id"] = transferId;
    t["fromProfileId"] = a.profileId;
    t["toProfileId"] = toId;
    t["amount"] = money(amount->cents);
    t["currency"] = "CREDITS";
    t["memo"] = memo;
    t["delegationId"] = *delegationId;
    t["createdAt"] = now;
    Actor audited = a;
    audited.delegationId = *delegationId; // the transfer shows in the delegation's trail
    AuditLog::record(tx, &audited, "transfer", transferId, "create", nullptr, t, now);
    json::object out;
    out["transfer"] = std::move(t);
    return out;
}

} // namespace taskdesk::domain
