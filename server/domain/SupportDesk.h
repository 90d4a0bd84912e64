#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// The support staff's side of disputes: the queue, the case file, assignment,
// internal notes, messages to both parties, and the resolution that moves the
// escrow. Every call needs the support (or admin) role: anyone else is told the
// route does not exist (404), as for the ledger check; staff whose credential
// lacks support:read / support:write get 403 MISSING_SCOPE.
class SupportDesk
{
public:
    explicit SupportDesk(Platform& p) : m_p(p) {}

    // ?status=open|resolved (default open) &assignee=<profile id>|me|none; oldest first.
    boost::json::object queue(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object caseFile(store::Transaction& tx, const Actor& a, const std::string& id);
    // {assigneeId: <profile id with the support role> | "me"}
    boost::json::object assign(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    // {text}: internal, never shown to the parties.
    boost::json::object addNote(store::Transaction& tx, const Actor& a, const std::string& id,
                                const boost::json::object& body);
    // {body}: to both parties, who see it with the dispute.
    boost::json::object postMessage(store::Transaction& tx, const Actor& a, const std::string& id,
                                    const boost::json::object& body);
    // {outcome: release|refund|split, workerSharePercent (split only, 0-100), note?}
    boost::json::object resolve(store::Transaction& tx, const Actor& a, const std::string& id,
                                const boost::json::object& body);
    // ?entityType&entityId&actor&delegationId: AuditLog::list.
    boost::json::object audit(store::Transaction& tx, const Actor& a, const boost::json::object& query);

    struct Split
    {
        std::int64_t workerShare = 0, fee = 0, workerNet = 0, refund = 0;
    };
    // The money of an outcome on escrowed cents: release pays it all, refund none, split
    // floor(escrowed x percent / 100); the fee is floor(share x fee% / 100), from the worker's
    // part only; the refund is what is left.
    static Split figures(const std::string& outcome, std::int64_t escrowed, int percent, int feePercent);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
