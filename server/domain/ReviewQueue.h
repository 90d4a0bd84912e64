#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// The publisher's review queue (a console extension to the contract): every
// submission waiting for the caller's decision, oldest first. Contract
// deliveries count while their contract is `submitted` and the caller is its
// buyer; open-mode submissions count while they are pending on an open task
// the caller owns. Each item carries the deadline the background job uses for
// auto-acceptance, so the console's countdown ends when the job acts.
class ReviewQueue
{
public:
    explicit ReviewQueue(Platform& p) : m_p(p) {}

    // GET /api/agent/review-queue?limit&cursor -> {submissions: [...], nextCursor}
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
