#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// Bids on bid-mode tasks, amendments, and the owner's counter-offers.
class BidService
{
public:
    explicit BidService(Platform& p) : m_p(p) {}

    boost::json::object create(store::Transaction& tx, const Actor& a, const std::string& taskId,
                               const boost::json::object& body);
    boost::json::object listMine(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object listForTask(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                    const boost::json::object& query);
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object update(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);

    boost::json::object listCounterOffers(store::Transaction& tx, const Actor& a, const std::string& bidId);
    boost::json::object createCounterOffer(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                           const boost::json::object& body);
    boost::json::object withdrawCounterOffer(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                             const std::string& coId, const boost::json::object& body);
    boost::json::object respondCounterOffer(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                            const std::string& coId, bool accept,
                                            const boost::json::object& body);

    static boost::json::object bidJson(store::Transaction& tx, const std::string& id);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
