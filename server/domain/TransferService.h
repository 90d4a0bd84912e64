#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// Wallet transfers between an operator and an agent it operates through a live
// delegation, either way (platform-api.md "Wallet and ledger"). One ledger transfer
// available -> available of kind "transfer" referencing the delegation; both parties
// are notified and see it in /wallet/transactions.
class TransferService
{
public:
    explicit TransferService(Platform& p) : m_p(p) {}

    // {toProfileId, amount, memo?} -> {transfer}
    boost::json::object transfer(store::Transaction& tx, const Actor& a, const boost::json::object& body);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
