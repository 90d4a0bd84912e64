#include "SupportDesk.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "ContractService.h"
#include "DisputeService.h"
#include "DomainError.h"
#include "HireService.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "MessageService.h"
#include "Notifier.h"
#include "Reputation.h"
#include "Settlement.h"
#include "SkillService.h"
#include "TaskRecord.h"

#include <QLoggingCategory>
#include <algorithm>

Q_LOGGING_CATEGORY(lcSupport, "taskdesk.server.support", QtInfoMsg)

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

// Non-staff do not learn the desk exists (the order of checks: 404 before 403).
void requireStaff(const Actor& a, const char* scope)
{
    if (!a.isStaff())
        throw DomainError::notFound("Route");
    requireScope(a, scope);
}

struct DisputeRow
{
    std::string id, contractId, status, kind, buyer, seller, currency;
    std::optional<std::string> taskId, hireId;
    std::optional<std::int64_t> priceCents;
    bool escrowed = false;
};

DisputeRow loadDispute(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query(
        "SELECT d.id, d.contract_id, d.status, c.kind, c.buyer_id, c.seller_id, c.task_id, c.hire_id, "
        "c.escrowed, c.price_cents, COALESCE(c.currency, '') FROM disputes d JOIN contracts c ON c.id "
        "= d.contract_id WHERE d.id = ?",
        {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Dispute");
    DisputeRow d;
    d.id = r.str(0);
    d.contractId = r.str(1);
    d.status = r.str(2);
    d.kind = r.str(3);
    d.buyer = r.str(4);
    d.seller = r.str(5);
    d.taskId = r.optStr(6);
    d.hireId = r.optStr(7);
    d.escrowed = r.i64(8) != 0;
    d.priceCents = r.optI64(9);
    d.currency = r.str(10);
    return d;
}

std::string escrowAccount(const DisputeRow& d)
{
    return Ledger::escrow(d.kind == "hire" ? d.hireId.value_or("") : d.taskId.value_or(""));
}

bool hasRole(store::Transaction& tx, const std::string& profileId, const char* role)
{
    const auto roles = tx.scalarText("SELECT roles FROM profiles WHERE id = ?", {sqlText(profileId)});
    return roles && (" " + *roles + " ").find(std::string(" ") + role + " ") != std::string::npos;
}

json::array ledgerEntries(store::Transaction& tx, const std::string& account)
{
    auto r =
        tx.query("SELECT id, from_account, to_account, amount, kind, ref_type, ref_id, memo, created_at FROM "
                 "transfers WHERE from_account = ? OR to_account = ? ORDER BY id",
                 {sqlText(account), sqlText(account)});
    json::array out;
    while (r.next()) {
        json::object o;
        o["id"] = r.str(0);
        o["from"] = r.str(1);
        o["to"] = r.str(2);
        o["amount"] = money(r.i64(3));
        o["kind"] = r.str(4);
        o["refType"] = r.textOrNull(5);
        o["refId"] = r.textOrNull(6);
        o["memo"] = r.textOrNull(7);
        o["createdAt"] = r.str(8);
        out.push_back(std::move(o));
    }
    return out;
}

std::string entryBody(const json::object& body, const char* field)
{
    Input in(body);
    const std::string text = in.str(field, 1, 5000);
    in.finish();
    return text;
}

} // namespace

SupportDesk::Split SupportDesk::figures(const std::string& outcome, std::int64_t escrowed, int percent,
                                        int feePercent)
{
    Split s;
    if (outcome == "release")
        s.workerShare = escrowed;
    else if (outcome == "split")
        s.workerShare = escrowed * percent / 100;
    s.fee = s.workerShare * feePercent / 100;
    s.workerNet = s.workerShare - s.fee;
    s.refund = escrowed - s.workerShare;
    return s;
}

json::object SupportDesk::queue(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireStaff(a, "support:read");
    const std::string status = queryText(query, "status").empty() ? "open" : queryText(query, "status");
    if (status != "open" && status != "resolved" && status != "all")
        throw DomainError::invalid("status", "must be open, resolved or all");
    std::string assignee = queryText(query, "assignee");
    if (assignee == "me")
        assignee = a.profileId;
    if (assignee.size() > 64)
        throw DomainError::invalid("assignee", "must be a profile id, me or none");
    const auto page = pageFrom(query);
    // Oldest first: the queue is worked from the case that has waited longest.
    auto r =
        tx.query("SELECT id FROM disputes WHERE (? = 'all' OR status = ?) AND (? = '' OR (? = 'none' AND "
                 "assignee_id IS NULL) OR assignee_id = ?) AND (? = '' OR id > ?) ORDER BY id LIMIT ?",
                 {sqlText(status), sqlText(status), sqlText(assignee), sqlText(assignee), sqlText(assignee),
                  sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items = mapIds(r, [&](const std::string& id) { return DisputeService::disputeJson(tx, id); });
    json::object out;
    finishPage(out, "disputes", std::move(items), page.limit);
    return out;
}

json::object SupportDesk::caseFile(store::Transaction& tx, const Actor& a, const std::string& id)
{
    requireStaff(a, "support:read");
    const auto d = loadDispute(tx, id);
    json::object file;
    json::value criteria = json::array{};
    if (d.taskId) {
        if (const auto t = TaskRecord::load(tx, *d.taskId)) {
            file["subject"] = json::object{{"kind", "task"}, {"task", t->toJson(tx)}};
            criteria = parseStoredJson(t->criteria);
        }
    } else if (d.hireId) {
        auto hire = HireService::hireJson(tx, *d.hireId);
        const auto skillId = std::string(hire.at("skill").at("id").as_string());
        const auto skill = SkillRecord::load(tx, skillId);
        file["subject"] =
            json::object{{"kind", "hire"},
                         {"hire", hire},
                         {"skill", skill ? json::value(skill->toJson(tx)) : json::value(nullptr)},
                         {"brief", hire.at("brief")}};
    }
    file["acceptanceCriteria"] = criteria;
    file["contract"] = ContractService::contractJson(tx, d.contractId);
    {
        auto r = tx.query((std::string("SELECT ") + ContractService::SubmissionColumns +
                           " FROM submissions WHERE contract_id = ? ORDER BY id")
                              .c_str(),
                          {sqlText(d.contractId)});
        json::array subs, rejections;
        while (r.next()) {
            auto s = ContractService::submissionJson(r);
            if (s.at("status").as_string() == "rejected")
                rejections.push_back(json::object{{"submissionId", s.at("id")},
                                                  {"reason", s.at("reason")},
                                                  {"decidedAt", s.at("decidedAt")}});
            subs.push_back(std::move(s));
        }
        file["submissions"] = std::move(subs);
        file["rejections"] = std::move(rejections);
    }
    {
        json::object threads;
        // The contract thread, oldest first (the last 100 messages are plenty for a case).
        auto page = MessageService::threadMessages(tx, MessageService::contractThreadId(d.contractId),
                                                   json::object{{"limit", "100"}});
        json::array msgs = page.at("messages").as_array();
        std::reverse(msgs.begin(), msgs.end());
        threads["contract"] = std::move(msgs);
        threads["disputeMessages"] = DisputeService::entries(tx, id, "message");
        file["threads"] = std::move(threads);
    }
    file["notes"] = DisputeService::entries(tx, id, "note");
    const std::string escrow = escrowAccount(d);
    file["ledger"] = json::object{{"account", escrow},
                                  {"balance", money(Ledger::balance(tx, escrow))},
                                  {"entries", ledgerEntries(tx, escrow)}};
    json::object audit;
    audit["dispute"] = AuditLog::forEntity(tx, "dispute", id);
    audit["contract"] = AuditLog::forEntity(tx, "contract", d.contractId);
    audit["task"] = d.taskId ? AuditLog::forEntity(tx, "task", *d.taskId) : json::array{};
    audit["hire"] = d.hireId ? AuditLog::forEntity(tx, "hire", *d.hireId) : json::array{};
    file["audit"] = std::move(audit);
    // The fee a resolution would charge now, so the console's split preview matches the server.
    file["feePercent"] = m_p.settings.feePercent;
    json::object out;
    out["dispute"] = DisputeService::disputeJson(tx, id);
    out["caseFile"] = std::move(file);
    return out;
}

json::object SupportDesk::assign(store::Transaction& tx, const Actor& a, const std::string& id,
                                 const json::object& body)
{
    requireStaff(a, "support:write");
    const auto d = loadDispute(tx, id);
    Input in(body);
    std::string assignee;
    if (const auto me = in.optBool("me"); me && *me)
        assignee = a.profileId;
    if (auto given = in.optStr("assigneeId", 1, 64))
        assignee = *given == "me" ? a.profileId : *given;
    if (assignee.empty() && in.ok())
        in.fail("assigneeId", "is required (a support profile's id, or \"me\")");
    else if (!assignee.empty() && !hasRole(tx, assignee, "support") && !hasRole(tx, assignee, "admin"))
        in.fail("assigneeId", "is not a support profile");
    else if (assignee == d.buyer || assignee == d.seller)
        in.fail("assigneeId", "is a party to this dispute");
    in.finish();
    if (d.status != "open")
        throw DomainError::conflict("STATE_CONFLICT", "This dispute is already resolved");
    const std::string now = m_p.clock.nowIso();
    const auto before = DisputeService::disputeJson(tx, id);
    tx.exec("UPDATE disputes SET assignee_id = ?, updated_at = ? WHERE id = ?",
            {sqlText(assignee), sqlText(now), sqlText(id)});
    const auto after = DisputeService::disputeJson(tx, id);
    AuditLog::record(tx, &a, "dispute", id, "dispute.assigned", before, after, now);
    json::object out;
    out["dispute"] = after;
    return out;
}

json::object SupportDesk::addNote(store::Transaction& tx, const Actor& a, const std::string& id,
                                  const json::object& body)
{
    requireStaff(a, "support:write");
    loadDispute(tx, id);
    const std::string text = entryBody(body, "text");
    const std::string eid = newId("dnt_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO dispute_entries(id, dispute_id, author_id, kind, body, created_at) VALUES "
            "(?,?,?,'note',?,?)",
            {sqlText(eid), sqlText(id), sqlText(a.profileId), sqlText(text), sqlText(now)});
    // The audit trail names the note, not its text: the trail is readable more widely than the case.
    AuditLog::record(tx, &a, "dispute", id, "dispute.note_added", nullptr, json::object{{"noteId", eid}},
                     now);
    json::object note{{"id", eid},
                      {"kind", "note"},
                      {"author", AccountService::profileSummary(tx, a.profileId)},
                      {"body", text},
                      {"createdAt", now}};
    json::object out;
    out["note"] = std::move(note);
    return out;
}

json::object SupportDesk::postMessage(store::Transaction& tx, const Actor& a, const std::string& id,
                                      const json::object& body)
{
    requireStaff(a, "support:write");
    const auto d = loadDispute(tx, id);
    const std::string text = entryBody(body, "body");
    const std::string eid = newId("dmg_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO dispute_entries(id, dispute_id, author_id, kind, body, created_at) VALUES "
            "(?,?,?,'message',?,?)",
            {sqlText(eid), sqlText(id), sqlText(a.profileId), sqlText(text), sqlText(now)});
    for (const auto& party : {d.buyer, d.seller})
        Notifier::notify(tx, m_p.clock, party, "message.received", "dispute", id,
                         "Support wrote about your dispute: " + text.substr(0, 200));
    AuditLog::record(tx, &a, "dispute", id, "dispute.message_sent", nullptr, json::object{{"messageId", eid}},
                     now);
    json::object message{{"id", eid},
                         {"kind", "message"},
                         {"author", AccountService::profileSummary(tx, a.profileId)},
                         {"body", text},
                         {"createdAt", now}};
    json::object out;
    out["message"] = std::move(message);
    return out;
}

json::object SupportDesk::resolve(store::Transaction& tx, const Actor& a, const std::string& id,
                                  const json::object& body)
{
    requireStaff(a, "support:write");
    const auto d = loadDispute(tx, id);
    if (a.profileId == d.buyer || a.profileId == d.seller)
        throw DomainError::forbidden("Support staff cannot resolve a dispute they are a party to");
    Input in(body);
    const std::string outcome = in.requiredEnum("outcome", {"release", "refund", "split"});
    const auto percent = in.optInt("workerSharePercent", 0, 100);
    if (outcome == "split" && !percent && !in.has("workerSharePercent"))
        in.fail("workerSharePercent", "is required for a split (0-100)");
    if (outcome != "split" && in.has("workerSharePercent") && !in.isNull("workerSharePercent"))
        in.fail("workerSharePercent", "applies to a split only");
    const auto note = in.optStr("note", 0, 5000);
    in.finish();
    if (d.status != "open")
        throw DomainError::conflict("STATE_CONFLICT", "This dispute was already resolved");
    const std::string now = m_p.clock.nowIso();
    const auto before = DisputeService::disputeJson(tx, id);
    // The claim on the dispute comes first: of two resolutions racing, one moves money.
    if (tx.exec("UPDATE disputes SET status = 'resolved', updated_at = ? WHERE id = ? AND status = 'open'",
                {sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "This dispute was already resolved");
    if (tx.exec(
            "UPDATE contracts SET status = 'resolved', closed_at = ?, updated_at = ?, review_due_at = NULL "
            "WHERE id = ? AND status = 'disputed'",
            {sqlText(now), sqlText(now), sqlText(d.contractId)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "The disputed contract changed; try again");

    const std::string escrow = escrowAccount(d);
    const std::int64_t held = d.escrowed ? Ledger::balance(tx, escrow) : 0;
    const int pct = outcome == "split"     ? static_cast<int>(percent.value_or(0))
                    : outcome == "release" ? 100
                                           : 0;
    const auto f = figures(outcome, held, pct, m_p.settings.feePercent);
    // Settlement takes the same floor fee that figures() computed, so the reply states what moved.
    const std::int64_t fee = Settlement::payWorker(tx, m_p, escrow, d.seller, f.workerShare, "dispute", id);
    const std::int64_t refunded =
        held > 0 ? Settlement::refundRemaining(tx, m_p, escrow, d.buyer, "dispute", id) : 0;
    if (fee != f.fee || refunded != f.refund)
        throw std::logic_error("dispute settlement differs from its figures");

    tx.exec(
        "UPDATE submissions SET status = ?, decision_reason = ?, decided_at = ? WHERE contract_id = ? AND "
        "status = 'pending'",
        {sqlText(outcome == "release" ? "accepted" : "rejected"), sqlText("dispute resolved: " + outcome),
         sqlText(now), sqlText(d.contractId)});
    if (d.taskId)
        tx.exec("UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?",
                {sqlText(outcome == "refund" ? "cancelled" : "completed"), sqlText(now), sqlText(*d.taskId)});
    // Seed 000's tables: a release is the contract's completion; a refund goes wholly
    // against the worker; a split is neither and leaves reputations alone.
    if (outcome == "release") {
        const bool hire = d.kind == "hire";
        Reputation::award(tx, d.seller, hire ? Reputation::CompleteHire : Reputation::CompleteTaskWorker);
        Reputation::award(tx, d.buyer, hire ? Reputation::CompleteHire : Reputation::CompleteTaskOwner);
    } else if (outcome == "refund") {
        Reputation::award(tx, d.seller, Reputation::DisputeLost);
    }

    json::object resolution;
    resolution["outcome"] = outcome;
    resolution["workerSharePercent"] = outcome == "split" ? json::value(pct) : json::value(nullptr);
    resolution["escrowed"] = money(held);
    resolution["workerShare"] = money(f.workerShare);
    resolution["feePercent"] = m_p.settings.feePercent;
    resolution["fee"] = money(f.fee);
    resolution["workerNet"] = money(f.workerNet);
    resolution["refunded"] = money(f.refund);
    resolution["currency"] = d.escrowed ? std::string("CREDITS") : d.currency;
    resolution["note"] = note ? json::value(*note) : json::value(nullptr);
    resolution["resolvedBy"] = a.profileId;
    tx.exec(
        "UPDATE disputes SET outcome = ?, resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
        {sqlText(outcome), sqlText(storeJson(resolution)), sqlText(a.profileId), sqlText(now), sqlText(id)});

    std::string summary = "Dispute resolved: " + outcome;
    if (outcome == "split")
        summary += " " + std::to_string(pct) + "%";
    if (d.escrowed)
        summary += ". Worker " + moneyText(f.workerShare) + " CREDITS less a " + moneyText(f.fee) +
                   " fee = " + moneyText(f.workerNet) + " (pending for the hold); refunded to the buyer " +
                   moneyText(f.refund) + " CREDITS";
    else
        summary += " (the price is paid off-platform; no credits were escrowed)";
    if (note && !note->empty())
        summary += ". " + *note;
    for (const auto& party : {d.buyer, d.seller})
        Notifier::notify(tx, m_p.clock, party, "dispute.resolved", "dispute", id, summary);
    const auto after = DisputeService::disputeJson(tx, id);
    AuditLog::record(tx, &a, "dispute", id, "dispute.resolved", before, after, now);
    AuditLog::record(tx, &a, "contract", d.contractId, "contract.resolved",
                     json::object{{"status", "disputed"}},
                     json::object{{"status", "resolved"}, {"outcome", outcome}}, now);
    if (d.taskId)
        AuditLog::record(tx, &a, "task", *d.taskId, "task.dispute_resolved", nullptr,
                         json::object{{"outcome", outcome}, {"disputeId", id}}, now);
    qCInfo(lcSupport) << "dispute" << QString::fromStdString(id)
                      << "resolved:" << QString::fromStdString(outcome);
    json::object out;
    out["dispute"] = after;
    return out;
}

json::object SupportDesk::audit(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireStaff(a, "support:read");
    AuditLog::Filter f;
    f.entityType = queryText(query, "entityType");
    f.entityId = queryText(query, "entityId");
    f.actorId = queryText(query, "actor");
    f.delegationId = queryText(query, "delegationId");
    for (const auto* v : {&f.entityType, &f.entityId, &f.actorId, &f.delegationId})
        if (v->size() > 64)
            throw DomainError::invalid("query", "filters are at most 64 characters");
    return AuditLog::list(tx, f, query);
}

} // namespace taskdesk::domain
