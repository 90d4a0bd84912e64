#pragma once

#include "Clock.h"
#include "Database.h"

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>

namespace taskdesk::domain {

// The double-entry ledger. Every movement of credits is one transfer between
// two accounts, appended and never edited; account balances are a running sum
// of those transfers kept in the same transaction. The sum of all balances is
// zero and only the mint may go negative.
class Ledger
{
public:
    static constexpr const char* Mint = "mint";
    static constexpr const char* Fees = "fees";

    static std::string available(const std::string& profileId) { return "available:" + profileId; }
    static std::string pending(const std::string& profileId) { return "pending:" + profileId; }
    static std::string escrow(const std::string& refId) { return "escrow:" + refId; }

    // Creates an account if missing. kind: available | pending | escrow | mint | fees.
    static void ensureAccount(store::Transaction& tx, const Clock& clock, const std::string& account,
                              const std::string& kind, const std::string& ownerId);
    // Moves amount (cents, > 0) from -> to. Throws 402 INSUFFICIENT_FUNDS when the
    // source (not the mint) would go negative. Returns the transfer id.
    static std::string transfer(store::Transaction& tx, const Clock& clock, const std::string& from,
                                const std::string& to, std::int64_t amount, const std::string& kind,
                                const std::string& refType, const std::string& refId,
                                const std::string& memo = {});
    static std::int64_t balance(store::Transaction& tx, const std::string& account);

    struct Verification
    {
        bool balanced = false;
        std::int64_t sum = 0;
        std::int64_t accounts = 0;
        std::int64_t transfers = 0;
        std::int64_t negativeAccounts = 0;   // other than the mint
        std::int64_t mismatchedAccounts = 0; // balance differs from the sum of its transfers
        std::int64_t mintBalance = 0;
        std::int64_t feesBalance = 0;
    };
    static Verification verify(store::Transaction& tx);
    static boost::json::object toJson(const Verification& v);
};

// Cents as a JSON number with at most two decimals.
boost::json::value money(std::int64_t cents);
std::string moneyText(std::int64_t cents);

} // namespace taskdesk::domain
