#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// The caller's view of the ledger, and the staff's check of it.
class WalletService
{
public:
    explicit WalletService(Platform& p) : m_p(p) {}
    boost::json::object wallet(store::Transaction& tx, const Actor& a);
    boost::json::object transactions(store::Transaction& tx, const Actor& a,
                                     const boost::json::object& query);
    boost::json::object verifyLedger(store::Transaction& tx, const Actor& a);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
