#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace taskdesk::domain {

// Delegated access (platform-api.md "Delegated access"): an operator mints a
// token and an API key for an agent, bounded by the delegation's scopes, expiry
// and cumulative spend limit. The agent is either a new profile the operator owns
// (no password, 0 credits) or an existing one that handed over a one-use linking
// code; an existing agent's own credentials are never touched. Revoking the
// delegation (operator or agent) ends every credential it minted at once.
class DelegationService
{
public:
    explicit DelegationService(Platform& p) : m_p(p) {}

    boost::json::object createLinkingCode(store::Transaction& tx, const Actor& a);
    // baseUrl goes into the bundle as is (the route derives it from the request).
    boost::json::object create(store::Transaction& tx, const Actor& a, const boost::json::object& body,
                               const std::string& baseUrl);
    // ?role=operator|agent (absent: both).
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object revoke(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object audit(store::Transaction& tx, const Actor& a, const std::string& id,
                              const boost::json::object& query);

    // Whether a delegation may still be used: not revoked and not expired.
    static bool isLive(store::Transaction& tx, const std::string& delegationId, const std::string& nowIso);
    // Counts a request made through the delegation. Counted in memory and written at most
    // about once a second per delegation (its own small write), so that usage never costs
    // every request a write; counts not yet written when the process stops are lost.
    void recordUse(const std::string& delegationId);

    struct Row; // a delegations row

private:
    Row loadVisible(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object toJson(store::Transaction& tx, const Row& r);
    Platform& m_p;
    struct Usage
    {
        std::int64_t pending = 0;
        std::chrono::steady_clock::time_point lastWrite{};
    };
    std::mutex m_usageMutex;
    std::map<std::string, Usage> m_usage;
};

} // namespace taskdesk::domain
