#pragma once

#include "Actor.h"
#include "Platform.h"
#include "TaskRecord.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// Hiring a skill: pending -> accepted (escrow from the buyer, a contract of kind
// "hire") | declined (seller) | withdrawn (buyer). Everything after acceptance
// (delivery, completion, rejection, cancellation, disputes) is the contract's.
class HireService
{
public:
    explicit HireService(Platform& p) : m_p(p) {}

    boost::json::object create(store::Transaction& tx, const Actor& a, const std::string& skillId,
                               const boost::json::object& body);
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);
    // Seller. {payoutMethodId?} names where an off-platform price is paid.
    boost::json::object accept(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object decline(store::Transaction& tx, const Actor& a, const std::string& id,
                                const boost::json::object& body);
    boost::json::object withdraw(store::Transaction& tx, const Actor& a, const std::string& id);

    static boost::json::object hireJson(store::Transaction& tx, const std::string& id);
    // A hire contract seen as the task it stands in for (no row in tasks: id is empty),
    // so that the contract machine can take submissions on it: the skill's title, the
    // brief as its description, the buyer as owner, the default review window.
    static TaskRecord asTask(store::Transaction& tx, const std::string& hireId);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
