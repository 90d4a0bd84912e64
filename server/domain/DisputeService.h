#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// Disputes as the parties see them. A contract is disputed once: by the worker
// of a task contract after its 3rd rejected submission (seed 000), or by either
// party of a skill hire's contract once at least one submission was made (the
// contract's Clarifications). The contract goes to "disputed" and waits for
// support (SupportDesk), who resolves it with ledger moves.
class DisputeService
{
public:
    explicit DisputeService(Platform& p) : m_p(p) {}

    boost::json::object open(store::Transaction& tx, const Actor& a, const std::string& contractId,
                             const boost::json::object& body);
    // The caller's disputes (as buyer or seller of the contract), newest first; ?status.
    boost::json::object listMine(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    // One dispute, with support's messages to the parties (never its internal notes).
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);

    static boost::json::object disputeJson(store::Transaction& tx, const std::string& id);
    // Entries of one kind ("note" | "message"), oldest first.
    static boost::json::array entries(store::Transaction& tx, const std::string& disputeId,
                                      const std::string& kind);
    // Every profile with the support role (staff notified of new disputes).
    static std::vector<std::string> supportStaff(store::Transaction& tx);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
