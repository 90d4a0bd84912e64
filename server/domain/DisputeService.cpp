#include "DisputeService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Notifier.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlOptText;
using store::sqlText;

namespace {

constexpr int kRejectionsBeforeDispute = 3; // seed 000: "Task must have stats.rejectionCount >= 3"

struct Parties
{
    std::string buyer, seller;
};

// The dispute's parties, or 404 for anyone else (disputes cannot be probed).
Parties loadForParty(store::Transaction& tx, const std::string& id, const Actor& a)
{
    auto r =
        tx.query("SELECT c.buyer_id, c.seller_id FROM disputes d JOIN contracts c ON c.id = d.contract_id "
                 "WHERE d.id = ?",
                 {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Dispute");
    Parties p{r.str(0), r.str(1)};
    if (p.buyer != a.profileId && p.seller != a.profileId)
        throw DomainError::notFound("Dispute");
    return p;
}

} // namespace

std::vector<std::string> DisputeService::supportStaff(store::Transaction& tx)
{
    auto r = tx.query("SELECT id FROM profiles WHERE (' ' || roles || ' ') LIKE '% support %' ORDER BY id");
    std::vector<std::string> ids;
    while (r.next())
        ids.push_back(r.str(0));
    return ids;
}

json::object DisputeService::disputeJson(store::Transaction& tx, const std::string& id)
{
    auto r =
        tx.query("SELECT d.id, d.contract_id, d.opened_by, d.reason, d.evidence, d.status, d.assignee_id, "
                 "d.outcome, d.resolution, d.created_at, d.updated_at, d.resolved_at, c.kind, c.task_id, "
                 "c.hire_id, c.buyer_id, c.seller_id, c.terms FROM disputes d JOIN contracts c ON c.id = "
                 "d.contract_id WHERE d.id = ?",
                 {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Dispute");
    json::object o;
    o["id"] = r.str(0);
    o["contractId"] = r.str(1);
    const std::string openedBy = r.str(2);
    o["reason"] = r.str(3);
    o["evidence"] = r.textOrNull(4);
    o["status"] = r.str(5);
    const auto assignee = r.optStr(6);
    o["outcome"] = r.textOrNull(7);
    o["resolution"] = r.optStr(8) ? parseStoredJson(*r.optStr(8)) : json::value(nullptr);
    o["createdAt"] = r.str(9);
    o["updatedAt"] = r.str(10);
    o["resolvedAt"] = r.textOrNull(11);
    o["contractKind"] = r.str(12);
    o["taskId"] = r.textOrNull(13);
    o["hireId"] = r.textOrNull(14);
    const std::string buyer = r.str(15), seller = r.str(16);
    const auto terms = parseStoredJson(r.str(17));
    const auto* title = terms.is_object() ? terms.as_object().if_contains("taskTitle") : nullptr;
    o["title"] = title ? *title : json::value(nullptr);
    o["openedBy"] = AccountService::profileSummary(tx, openedBy);
    o["buyer"] = AccountService::profileSummary(tx, buyer);
    o["seller"] = AccountService::profileSummary(tx, seller);
    o["assignee"] =
        assignee ? json::value(AccountService::profileSummary(tx, *assignee)) : json::value(nullptr);
    return o;
}

json::array DisputeService::entries(store::Transaction& tx, const std::string& disputeId,
                                    const std::string& kind)
{
    auto r =
        tx.query("SELECT id, author_id, kind, body, created_at FROM dispute_entries WHERE dispute_id = ? AND "
                 "kind = ? ORDER BY id",
                 {sqlText(disputeId), sqlText(kind)});
    struct Row
    {
        std::string id, author, kind, body, at;
    };
    std::vector<Row> rows;
    while (r.next())
        rows.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4)});
    json::array out;
    for (const auto& e : rows) {
        json::object o;
        o["id"] = e.id;
        o["kind"] = e.kind;
        o["author"] = AccountService::profileSummary(tx, e.author);
        o["body"] = e.body;
        o["createdAt"] = e.at;
        out.push_back(std::move(o));
    }
    return out;
}

json::object DisputeService::open(store::Transaction& tx, const Actor& a, const std::string& contractId,
                                  const json::object& body)
{
    auto r = tx.query("SELECT kind, buyer_id, seller_id, status, submission_count, rejection_count, task_id "
                      "FROM contracts WHERE id = ?",
                      {sqlText(contractId)});
    if (!r.next())
        throw DomainError::notFound("Contract");
    const std::string kind = r.str(0), buyer = r.str(1), seller = r.str(2), status = r.str(3);
    const std::int64_t submissions = r.i64(4), rejections = r.i64(5);
    const auto taskId = r.optStr(6);
    if (a.profileId != buyer && a.profileId != seller)
        throw DomainError::notFound("Contract");
    requireScope(a, "disputes:write");
    const bool hire = kind == "hire";
    if (!hire && a.profileId != seller)
        throw DomainError::forbidden("Only the worker can open a dispute on a task contract");
    Input in(body);
    const std::string reason = in.str("reason", 1, 5000);
    const auto evidence = in.optStr("evidence", 0, 20000);
    in.finish();
    if (tx.scalarInt("SELECT 1 FROM disputes WHERE contract_id = ?", {sqlText(contractId)}))
        throw DomainError::conflict("DUPLICATE_DISPUTE", "This contract was already disputed");
    if (status != "in_progress" && status != "submitted" && status != "rejected")
        throw DomainError::conflict("STATE_CONFLICT",
                                    "Only a running contract can be disputed (status " + status + ")");
    if (!hire && rejections < kRejectionsBeforeDispute)
        throw DomainError::conflict("DISPUTE_NOT_ALLOWED",
                                    "A task contract can be disputed after 3 rejected submissions (" +
                                        std::to_string(rejections) + " so far)");
    if (hire && submissions < 1)
        throw DomainError::conflict("DISPUTE_NOT_ALLOWED",
                                    "A skill hire can be disputed once at least one submission was made");
    const std::string now = m_p.clock.nowIso();
    // Conditional: a concurrent accept or cancellation on PostgreSQL leaves nothing to dispute.
    if (tx.exec(
            "UPDATE contracts SET status = 'disputed', review_due_at = NULL, updated_at = ? WHERE id = ? AND "
            "status IN ('in_progress', 'submitted', 'rejected')",
            {sqlText(now), sqlText(contractId)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "The contract changed; try again");
    const std::string id = newId("dsp_");
    tx.exec(
        "INSERT INTO disputes(id, contract_id, opened_by, reason, evidence, status, created_at, updated_at) "
        "VALUES (?,?,?,?,?,'open',?,?)",
        {sqlText(id), sqlText(contractId), sqlText(a.profileId), sqlText(reason), sqlOptText(evidence),
         sqlText(now), sqlText(now)});
    const std::string other = a.profileId == buyer ? seller : buyer;
    Notifier::notify(tx, m_p.clock, other, "dispute.opened", "dispute", id,
                     "The other party opened a dispute on your contract: " + reason);
    Notifier::notify(tx, m_p.clock, a.profileId, "dispute.opened", "dispute", id,
                     "Your dispute was opened; support will review the case");
    for (const auto& staff : supportStaff(tx))
        if (staff != buyer && staff != seller)
            Notifier::notify(tx, m_p.clock, staff, "dispute.opened", "dispute", id,
                             "A new dispute waits in the support queue");
    const auto dispute = disputeJson(tx, id);
    AuditLog::record(tx, &a, "dispute", id, "dispute.opened", nullptr, dispute, now);
    AuditLog::record(tx, &a, "contract", contractId, "contract.disputed", json::object{{"status", status}},
                     json::object{{"status", "disputed"}, {"disputeId", id}}, now);
    if (taskId)
        AuditLog::record(tx, &a, "task", *taskId, "task.disputed", nullptr,
                         json::object{{"contractId", contractId}, {"disputeId", id}}, now);
    json::object out;
    out["dispute"] = dispute;
    return out;
}

json::object DisputeService::listMine(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "disputes:read");
    const std::string status = queryText(query, "status");
    if (!status.empty() && status != "open" && status != "resolved")
        throw DomainError::invalid("status", "must be open or resolved");
    const auto page = pageFrom(query);
    auto r = tx.query(
        "SELECT d.id FROM disputes d JOIN contracts c ON c.id = d.contract_id WHERE (c.buyer_id = ? OR "
        "c.seller_id = ?) AND (? = '' OR d.status = ?) AND (? = '' OR d.id < ?) ORDER BY d.id DESC "
        "LIMIT ?",
        {sqlText(a.profileId), sqlText(a.profileId), sqlText(status), sqlText(status), sqlText(page.cursor),
         sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items = mapIds(r, [&](const std::string& id) { return disputeJson(tx, id); });
    json::object out;
    finishPage(out, "disputes", std::move(items), page.limit);
    return out;
}

json::object DisputeService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    loadForParty(tx, id, a);
    requireScope(a, "disputes:read");
    json::object out;
    out["dispute"] = disputeJson(tx, id);
    out["messages"] = entries(tx, id, "message");
    return out;
}

} // namespace taskdesk::domain
