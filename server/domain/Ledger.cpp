#include "Ledger.h"

#include "DomainError.h"
#include "Ids.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcLedger, "taskdesk.server.ledger", QtInfoMsg)

namespace taskdesk::domain {

using store::sqlInt;
using store::sqlText;

boost::json::value money(std::int64_t cents)
{
    if (cents % 100 == 0)
        return boost::json::value(cents / 100);
    return boost::json::value(static_cast<double>(cents) / 100.0);
}

std::string moneyText(std::int64_t cents)
{
    const bool neg = cents < 0;
    const std::int64_t a = neg ? -cents : cents;
    std::string s = std::to_string(a / 100);
    const auto frac = a % 100;
    if (frac)
        s += (frac < 10 ? ".0" : ".") + std::to_string(frac);
    return (neg ? "-" : "") + s;
}

void Ledger::ensureAccount(store::Transaction& tx, const Clock& clock, const std::string& account,
                           const std::string& kind, const std::string& ownerId)
{
    if (tx.scalarInt("SELECT 1 FROM accounts WHERE id = ?", {sqlText(account)}))
        return;
    // Two transactions may both miss the row (PostgreSQL, READ COMMITTED: the first
    // registrations on a fresh database both create mint and fees); the loser waits
    // for the winner's commit and then skips instead of failing with a unique violation.
    tx.exec("INSERT INTO accounts(id, kind, owner_id, balance, updated_at) VALUES (?, ?, ?, 0, ?)"
            " ON CONFLICT (id) DO NOTHING",
            {sqlText(account), sqlText(kind), ownerId.empty() ? store::sqlNull() : sqlText(ownerId),
             sqlText(clock.nowIso())});
}

std::string Ledger::transfer(store::Transaction& tx, const Clock& clock, const std::string& from,
                             const std::string& to, std::int64_t amount, const std::string& kind,
                             const std::string& refType, const std::string& refId, const std::string& memo)
{
    if (amount <= 0)
        throw std::logic_error("ledger transfer of a non-positive amount");
    if (from == to)
        throw std::logic_error("ledger transfer to the same account");
    const std::string now = clock.nowIso();
    // A conditional update is the balance check: it cannot race with another
    // transfer out of the same account on either database.
    int changed;
    if (from == Mint)
        changed = tx.exec("UPDATE accounts SET balance = balance - ?, updated_at = ? WHERE id = ?",
                          {sqlInt(amount), sqlText(now), sqlText(from)});
    else
        changed =
            tx.exec("UPDATE accounts SET balance = balance - ?, updated_at = ? WHERE id = ? AND balance >= ?",
                    {sqlInt(amount), sqlText(now), sqlText(from), sqlInt(amount)});
    if (changed != 1) {
        if (!tx.scalarInt("SELECT 1 FROM accounts WHERE id = ?", {sqlText(from)}))
            throw std::logic_error("ledger account missing: " + from);
        throw DomainError::insufficientFunds("Not enough credits available for this operation");
    }
    if (tx.exec("UPDATE accounts SET balance = balance + ?, updated_at = ? WHERE id = ?",
                {sqlInt(amount), sqlText(now), sqlText(to)}) != 1)
        throw std::logic_error("ledger account missing: " + to);
    const std::string id = newId("txn_");
    tx.exec("INSERT INTO transfers(id, from_account, to_account, amount, kind, ref_type, ref_id, memo, "
            "created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {sqlText(id), sqlText(from), sqlText(to), sqlInt(amount), sqlText(kind),
             refType.empty() ? store::sqlNull() : sqlText(refType),
             refId.empty() ? store::sqlNull() : sqlText(refId),
             memo.empty() ? store::sqlNull() : sqlText(memo), sqlText(now)});
    return id;
}

std::int64_t Ledger::balance(store::Transaction& tx, const std::string& account)
{
    return tx.scalarInt("SELECT balance FROM accounts WHERE id = ?", {sqlText(account)}).value_or(0);
}

Ledger::Verification Ledger::verify(store::Transaction& tx)
{
    Verification v;
    v.sum = tx.scalarInt("SELECT COALESCE(SUM(balance), 0) FROM accounts").value_or(0);
    v.accounts = tx.scalarInt("SELECT COUNT(*) FROM accounts").value_or(0);
    v.transfers = tx.scalarInt("SELECT COUNT(*) FROM transfers").value_or(0);
    v.negativeAccounts =
        tx.scalarInt("SELECT COUNT(*) FROM accounts WHERE balance < 0 AND id <> 'mint'").value_or(0);
    v.mismatchedAccounts =
        tx.scalarInt("SELECT COUNT(*) FROM accounts a WHERE a.balance <> "
                     "COALESCE((SELECT SUM(amount) FROM transfers t WHERE t.to_account = a.id), 0) - "
                     "COALESCE((SELECT SUM(amount) FROM transfers t WHERE t.from_account = a.id), 0)")
            .value_or(0);
    v.mintBalance = balance(tx, Mint);
    v.feesBalance = balance(tx, Fees);
    v.balanced = v.sum == 0 && v.negativeAccounts == 0 && v.mismatchedAccounts == 0;
    if (!v.balanced)
        qCCritical(lcLedger) << "ledger does not verify: sum" << v.sum << "negative" << v.negativeAccounts
                             << "mismatched" << v.mismatchedAccounts;
    return v;
}

boost::json::object Ledger::toJson(const Verification& v)
{
    boost::json::object o;
    o["balanced"] = v.balanced;
    o["accounts"] = v.accounts;
    o["transfers"] = v.transfers;
    o["sum"] = money(v.sum);
    o["negativeAccounts"] = v.negativeAccounts;
    o["mismatchedAccounts"] = v.mismatchedAccounts;
    o["mint"] = money(v.mintBalance);
    o["fees"] = money(v.feesBalance);
    return o;
}

} // namespace taskdesk::domain
