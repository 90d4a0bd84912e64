#include "ContractService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "DomainError.h"
#include "HireService.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"
#include "Settlement.h"
#include "Verification.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

struct ContractRow
{
    std::string id, taskId, bidId, kind, buyer, seller, priceText, status;
    std::optional<std::int64_t> priceCents;
    bool escrowed = false;
    std::int64_t submissions = 0, rejections = 0;
    std::optional<std::string> cancelAppliedBy;
    std::string hireId; // kind "hire": the hire whose escrow account the contract pays from
};

constexpr const char* kContractCols = "id, task_id, bid_id, kind, buyer_id, seller_id, price_text, status, "
                                      "price_cents, escrowed, submission_count,"
                                      " rejection_count, cancel_applied_by, hire_id";

std::optional<ContractRow> loadContract(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query((std::string("SELECT ") + kContractCols + " FROM contracts WHERE id = ?").c_str(),
                      {sqlText(id)});
    if (!r.next())
        return std::nullopt;
    ContractRow c;
    c.id = r.str(0);
    c.taskId = r.optStr(1).value_or("");
    c.bidId = r.optStr(2).value_or("");
    c.kind = r.str(3);
    c.buyer = r.str(4);
    c.seller = r.str(5);
    c.priceText = r.str(6);
    c.status = r.str(7);
    c.priceCents = r.optI64(8);
    c.escrowed = r.i64(9) != 0;
    c.submissions = r.i64(10);
    c.rejections = r.i64(11);
    c.cancelAppliedBy = r.optStr(12);
    c.hireId = r.optStr(13).value_or("");
    return c;
}

// Parties only; everyone else gets 404 so contracts cannot be probed.
ContractRow loadForParty(store::Transaction& tx, const std::string& id, const Actor& a)
{
    auto c = loadContract(tx, id);
    if (!c || (c->buyer != a.profileId && c->seller != a.profileId))
        throw DomainError::notFound("Contract");
    return *c;
}

constexpr int kMaxSubmissions = 3;

// A task contract pays from its task's escrow, a skill hire's from its hire's.
std::string escrowOf(const ContractRow& c)
{
    return Ledger::escrow(c.kind == "hire" ? c.hireId : c.taskId);
}

} // namespace

SubmissionPackage SubmissionPackage::parse(const json::object& body)
{
    Input in(body);
    SubmissionPackage p;
    p.deliverableUrl = in.optStr("deliverableUrl", 1, 2000);
    if (p.deliverableUrl && p.deliverableUrl->rfind("https://", 0) != 0 &&
        p.deliverableUrl->rfind("http://", 0) != 0)
        in.fail("deliverableUrl", "must be an http(s) URL");
    p.summaryText = in.optStr("summaryText", 1, 20000);
    p.notes = in.optStr("notes", 0, 20000);
    if (const auto* o = in.raw("output")) {
        p.output = *o;
        if (json::serialize(*o).size() > 256 * 1024)
            in.fail("output", "must be at most 256 KiB of JSON");
        if (o->is_string()) {
            bool ok;
            std::string reason;
            Input::checkText(std::string(o->as_string()), 0, 262144, ok, reason);
            if (!ok)
                in.fail("output", reason);
        }
    }
    if (const auto* at = in.raw("attachments"); at && !at->is_null()) {
        if (!at->is_array() || at->as_array().size() > 20) {
            in.fail("attachments", "must be an array of at most 20 attachments");
        } else {
            for (std::size_t i = 0; i < at->as_array().size(); ++i) {
                const auto& e = at->as_array()[i];
                const std::string f = "attachments[" + std::to_string(i) + "]";
                if (!e.is_object()) {
                    in.fail(f, "must be an object");
                    continue;
                }
                Input ai(e.as_object());
                json::object clean;
                const auto fileId = ai.optStr("fileId", 1, 64);
                const auto url = ai.optStr("url", 1, 2000);
                if (!fileId && !url)
                    ai.fail("fileId", "fileId or url is required");
                if (url && url->rfind("https://", 0) != 0 && url->rfind("http://", 0) != 0)
                    ai.fail("url", "must be an http(s) URL");
                const std::string name = ai.str("name", 1, 255);
                const auto mime = ai.optStr("mimeType", 1, 255);
                const auto size = ai.optInt("size", 0, std::int64_t(50) << 20);
                const auto sha = ai.optStr("sha256", 64, 64);
                if (sha && sha->find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                    ai.fail("sha256", "must be 64 hex characters");
                if (!ai.ok()) {
                    try {
                        ai.finish();
                    } catch (const DomainError& err) {
                        for (const auto& [k, v] : err.fields())
                            in.fail(f + "." + k, v);
                    }
                    continue;
                }
                if (fileId)
                    clean["fileId"] = *fileId;
                if (url)
                    clean["url"] = *url;
                clean["name"] = name;
                clean["mimeType"] = mime ? json::value(*mime) : json::value(nullptr);
                clean["size"] = size ? json::value(*size) : json::value(nullptr);
                clean["sha256"] = sha ? json::value(*sha) : json::value(nullptr);
                p.attachments.push_back(std::move(clean));
            }
        }
    }
    if (!p.deliverableUrl && !p.summaryText && p.output.is_null() && p.attachments.empty())
        in.fail("summaryText", "a submission needs a deliverableUrl, summaryText, output or attachments");
    in.finish();
    return p;
}

json::object ContractService::submissionJson(store::Rows& r, int c)
{
    json::object o;
    auto optS = [&](int i) { return r.textOrNull(c + i); };
    o["id"] = r.str(c + 0);
    o["taskId"] = optS(1); // null on a skill hire's contract
    o["contractId"] = optS(2);
    o["submitterId"] = r.str(c + 3);
    o["deliverableUrl"] = optS(4);
    o["summaryText"] = optS(5);
    o["output"] = r.optStr(c + 6) ? parseStoredJson(*r.optStr(c + 6)) : json::value(nullptr);
    o["attachments"] = parseStoredJson(r.str(c + 7));
    o["notes"] = optS(8);
    o["status"] = r.str(c + 9);
    if (r.isNull(c + 10)) {
        o["verification"] = nullptr;
    } else {
        json::object v;
        v["passed"] = r.i64(c + 10) != 0;
        v["detail"] = r.str(c + 11);
        o["verification"] = std::move(v);
    }
    o["reason"] = optS(12);
    o["rating"] = r.optI64(c + 13) ? json::value(*r.optI64(c + 13)) : json::value(nullptr);
    o["reviewDueAt"] = optS(14);
    o["createdAt"] = r.str(c + 15);
    o["decidedAt"] = optS(16);
    return o;
}

std::string ContractService::insertSubmission(store::Transaction& tx, const Platform& p, const TaskRecord& t,
                                              const std::optional<std::string>& contractId,
                                              const std::string& submitterId, const SubmissionPackage& pkg,
                                              std::optional<bool>& passed, bool& autoAccept)
{
    std::optional<std::string> detail;
    autoAccept = false;
    if (t.verification) {
        const auto rule = parseStoredJson(*t.verification);
        const auto res = runVerification(rule, pkg.output);
        passed = res.passed;
        detail = res.detail;
        if (const auto* aa = rule.as_object().if_contains("autoAccept"); aa && aa->is_bool())
            autoAccept = aa->as_bool();
    }
    const std::string id = newId("sub_");
    const auto now = p.clock.now();
    const std::string due = Clock::toIso(now + std::chrono::hours(t.reviewWindowHours));
    tx.exec(
        "INSERT INTO submissions(id, task_id, contract_id, submitter_id, deliverable_url, summary_text, "
        "output,"
        " attachments, notes, status, verification_passed, verification_detail, review_due_at, created_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,'pending',?,?,?,?)",
        {sqlText(id), t.id.empty() ? sqlNull() : sqlText(t.id), sqlOptText(contractId), sqlText(submitterId),
         sqlOptText(pkg.deliverableUrl), sqlOptText(pkg.summaryText),
         pkg.output.is_null() ? sqlNull() : sqlText(storeJson(pkg.output)),
         sqlText(storeJson(pkg.attachments)), sqlOptText(pkg.notes),
         passed ? sqlInt(*passed ? 1 : 0) : sqlNull(), sqlOptText(detail), sqlText(due),
         sqlText(Clock::toIso(now))});
    return id;
}

std::string ContractService::createContract(store::Transaction& tx, const Platform& p, const TaskRecord& t,
                                            const std::string& kind, const std::string& bidId,
                                            const std::string& sellerId,
                                            std::optional<std::int64_t> priceCents,
                                            const std::string& priceText, const json::object& payment,
                                            const std::string& status)
{
    const std::string id = newId("ctr_");
    const std::string now = p.clock.nowIso();
    const bool escrowed = t.credits() && priceCents.has_value();
    if (escrowed) {
        // The agreed price stays in escrow; anything above it goes back to the owner.
        const std::int64_t held = Ledger::balance(tx, t.escrowAccount());
        if (*priceCents > held)
            throw DomainError::conflict("STATE_CONFLICT", "The agreed price exceeds the escrowed budget");
        if (held > *priceCents)
            Ledger::transfer(tx, p.clock, t.escrowAccount(), Ledger::available(t.ownerId), held - *priceCents,
                             "refund", "task", t.id, "Escrow above the agreed price");
    }
    json::object terms;
    terms["taskTitle"] = t.title;
    terms["taskDescription"] = t.description;
    terms["acceptanceCriteria"] = parseStoredJson(t.criteria);
    terms["priceText"] = priceText;
    terms["priceAmount"] = priceCents ? money(*priceCents) : json::value(nullptr);
    terms["currency"] = t.currency ? json::value(*t.currency) : json::value(nullptr);
    terms["reviewWindowHours"] = t.reviewWindowHours;
    terms["deadline"] = t.deadline ? json::value(*t.deadline) : json::value(nullptr);
    tx.exec(
        "INSERT INTO contracts(id, task_id, bid_id, kind, buyer_id, seller_id, price_cents, price_text, "
        "currency,"
        " escrowed, status, terms, payment, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        {sqlText(id), sqlText(t.id), bidId.empty() ? sqlNull() : sqlText(bidId), sqlText(kind),
         sqlText(t.ownerId), sqlText(sellerId), priceCents ? sqlInt(*priceCents) : sqlNull(),
         sqlText(priceText), sqlOptText(t.currency), sqlInt(escrowed ? 1 : 0), sqlText(status),
         sqlText(storeJson(terms)), sqlText(storeJson(payment)), sqlText(now), sqlText(now)});
    return id;
}

json::object ContractService::contractJson(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query(
        "SELECT id, task_id, bid_id, kind, buyer_id, seller_id, price_cents, price_text, currency, escrowed,"
        " status, terms, payment, submission_count, rejection_count, cancel_applied_by, cancel_reason,"
        " review_due_at, created_at, updated_at, closed_at, hire_id FROM contracts WHERE id = ?",
        {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Contract");
    auto optS = [&](int i) { return r.textOrNull(i); };
    json::object o;
    o["id"] = r.str(0);
    o["taskId"] = optS(1);
    o["bidId"] = optS(2);
    o["kind"] = r.str(3);
    const std::string buyer = r.str(4), seller = r.str(5);
    o["priceAmount"] = r.optI64(6) ? money(*r.optI64(6)) : json::value(nullptr);
    o["priceText"] = r.str(7);
    o["currency"] = optS(8);
    o["escrowed"] = r.i64(9) != 0;
    o["status"] = r.str(10);
    o["terms"] = parseStoredJson(r.str(11));
    o["payment"] = parseStoredJson(r.str(12));
    o["submissionCount"] = r.i64(13);
    o["rejectionCount"] = r.i64(14);
    o["maxSubmissions"] = kMaxSubmissions;
    json::value cancel = nullptr;
    if (r.optStr(15)) {
        json::object c;
        c["appliedBy"] = *r.optStr(15);
        c["reason"] = optS(16);
        cancel = std::move(c);
    }
    o["cancellation"] = std::move(cancel);
    o["reviewDueAt"] = optS(17);
    o["createdAt"] = r.str(18);
    o["updatedAt"] = r.str(19);
    o["closedAt"] = optS(20);
    o["hireId"] = optS(21);
    o["buyer"] = AccountService::profileSummary(tx, buyer);
    o["seller"] = AccountService::profileSummary(tx, seller);
    return o;
}

json::object ContractService::hire(store::Transaction& tx, const Actor& a, const json::object& body)
{
    Input in(body);
    const std::string taskId = in.str("taskId", 1, 64);
    const std::string bidId = in.str("bidId", 1, 64);
    if (!in.ok())
        requireScope(a, "contracts:write"); // no object to hide without ids: 403 before 400
    in.finish();
    TaskRecord::lockForWrite(tx, taskId);
    const auto t = TaskRecord::loadVisible(tx, taskId, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner can hire");
    auto r = tx.query(
        "SELECT bidder_id, status, price_text, proposed_cents FROM bids WHERE id = ? AND task_id = ?",
        {sqlText(bidId), sqlText(taskId)});
    if (!r.next())
        throw DomainError::notFound("Bid");
    const std::string bidder = r.str(0), bidStatus = r.str(1), priceText = r.str(2);
    const auto proposed = r.optI64(3);
    requireScope(a, "contracts:write");
    Input pin(body);
    const auto payoutMethodId = pin.optStr("payoutMethodId", 1, 64);
    const auto wallet = pin.optStr("paymentWallet", 1, 200);
    const auto token = pin.optStr("preferredToken", 1, 20);
    json::object payment;
    if (payoutMethodId) {
        auto pm = tx.query(
            "SELECT denomination, network, address, memo FROM payout_methods WHERE id = ? AND profile_id = ?"
            " AND deleted_at IS NULL",
            {sqlText(*payoutMethodId), sqlText(bidder)});
        if (!pm.next()) {
            pin.fail("payoutMethodId", "is not one of the seller's payout methods");
        } else {
            payment["payoutMethodId"] = *payoutMethodId;
            payment["preferredToken"] = pm.str(0);
            payment["paymentNetwork"] = pm.textOrNull(1);
            payment["paymentWallet"] = pm.str(2);
            payment["paymentMemo"] = pm.textOrNull(3);
        }
    } else {
        if (wallet)
            payment["paymentWallet"] = *wallet;
        if (token)
            payment["preferredToken"] = *token;
    }
    pin.finish();
    if (t.mode != "bid")
        throw DomainError::conflict("WRONG_MODE", "Only bid tasks hire from bids");
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    if (bidStatus != "active")
        throw DomainError::conflict("BID_NOT_ACTIVE", "This bid is no longer active");
    std::optional<std::int64_t> price = t.credits() ? (proposed ? proposed : t.budgetCents) : std::nullopt;
    const std::string now = m_p.clock.nowIso();
    if (tx.exec("UPDATE tasks SET status = 'assigned', updated_at = ? WHERE id = ? AND status = 'open'",
                {sqlText(now), sqlText(taskId)}) != 1)
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    const std::string cid = createContract(tx, m_p, t, "bid", bidId, bidder, price, priceText, payment);
    tx.exec("UPDATE bids SET status = 'accepted', updated_at = ? WHERE id = ?",
            {sqlText(now), sqlText(bidId)});
    std::vector<std::string> losers;
    {
        auto o =
            tx.query("SELECT bidder_id FROM bids WHERE task_id = ? AND status = 'active'", {sqlText(taskId)});
        while (o.next())
            losers.push_back(o.str(0));
    }
    tx.exec("UPDATE bids SET status = 'rejected', reason = 'another bid was hired', updated_at = ? WHERE "
            "task_id = ? AND status = 'active'",
            {sqlText(now), sqlText(taskId)});
    tx.exec("UPDATE counter_offers SET status = 'withdrawn', updated_at = ? WHERE status = 'pending' AND "
            "bid_id IN"
            " (SELECT id FROM bids WHERE task_id = ?)",
            {sqlText(now), sqlText(taskId)});
    for (const auto& l : losers)
        Notifier::notify(tx, m_p.clock, l, "bid.rejected", "task", taskId,
                         "Another bid was hired for " + t.title);
    Notifier::notify(tx, m_p.clock, bidder, "bid.accepted", "contract", cid, "You were hired for " + t.title);
    AuditLog::record(
        tx, &a, "contract", cid, "contract.created", nullptr,
        json::object{{"kind", "bid"}, {"taskId", taskId}, {"bidId", bidId}, {"status", "in_progress"}}, now);
    json::object out;
    out["contract"] = contractJson(tx, cid);
    return out;
}

json::object ContractService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "contracts:read");
    auto q = [&](const char* k) { return queryText(query, k); };
    const std::string role = q("role");
    if (!role.empty() && role != "buyer" && role != "seller")
        throw DomainError::invalid("role", "must be buyer or seller");
    const std::string status = q("status");
    const auto page = pageFrom(query);
    auto r =
        tx.query("SELECT id FROM contracts WHERE ((? IN ('', 'buyer') AND buyer_id = ?) OR (? IN ('', "
                 "'seller') AND seller_id = ?))"
                 " AND (? = '' OR status = ?) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
                 {sqlText(role), sqlText(a.profileId), sqlText(role), sqlText(a.profileId), sqlText(status),
                  sqlText(status), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items = mapIds(r, [&](const std::string& id) { return contractJson(tx, id); });
    json::object out;
    finishPage(out, "contracts", std::move(items), page.limit);
    return out;
}

json::object ContractService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    loadForParty(tx, id, a);
    requireScope(a, "contracts:read");
    json::object out;
    out["contract"] = contractJson(tx, id);
    return out;
}

json::object ContractService::submit(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const json::object& body)
{
    const auto c = loadForParty(tx, id, a);
    if (c.seller != a.profileId)
        throw DomainError::forbidden("Only the seller submits deliverables");
    requireScope(a, "submissions:write");
    const auto pkg = SubmissionPackage::parse(body);
    if (c.status != "in_progress" && c.status != "rejected")
        throw DomainError::conflict("STATE_CONFLICT",
                                    "This contract is not awaiting a deliverable (status " + c.status + ")");
    if (c.submissions >= kMaxSubmissions)
        throw DomainError::conflict("MAX_DELIVERIES", "This contract already used its 3 submissions");
    const auto t =
        c.kind == "hire" ? HireService::asTask(tx, c.hireId) : TaskRecord::loadForAction(tx, c.taskId);
    std::optional<bool> passed;
    bool autoAccept = false;
    const std::string sid = insertSubmission(tx, m_p, t, id, a.profileId, pkg, passed, autoAccept);
    const std::string now = m_p.clock.nowIso();
    const std::string due = Clock::toIso(m_p.clock.now() + std::chrono::hours(t.reviewWindowHours));
    if (tx.exec("UPDATE contracts SET status = 'submitted', submission_count = submission_count + 1, "
                "review_due_at = ?,"
                " updated_at = ? WHERE id = ? AND status IN ('in_progress', 'rejected')",
                {sqlText(due), sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "The contract changed; try again");
    AuditLog::record(tx, &a, "contract", id, "contract.submitted", json::object{{"status", c.status}},
                     json::object{{"status", "submitted"}, {"submissionId", sid}}, now);
    Settlement::addReputation(tx, a.profileId, 5, 0);
    Notifier::notify(tx, m_p.clock, c.buyer, "delivery.submitted", "contract", id,
                     "A deliverable for " + t.title + " waits for your review" +
                         (passed ? (*passed ? " (verification passed)" : " (verification failed)") : ""));
    if (autoAccept && passed && *passed)
        accept(tx, id, std::nullopt, "", true);
    auto r = tx.query((std::string("SELECT ") + SubmissionColumns + " FROM submissions WHERE id = ?").c_str(),
                      {sqlText(sid)});
    r.next();
    json::object out;
    out["submission"] = submissionJson(r);
    out["contract"] = contractJson(tx, id);
    return out;
}

json::object ContractService::listSubmissions(store::Transaction& tx, const Actor& a, const std::string& id,
                                              const json::object& query)
{
    loadForParty(tx, id, a);
    requireScope(a, "submissions:read");
    const auto page = pageFrom(query);
    auto r =
        tx.query((std::string("SELECT ") + SubmissionColumns +
                  " FROM submissions WHERE contract_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?")
                     .c_str(),
                 {sqlText(id), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next())
        items.push_back(submissionJson(r));
    json::object out;
    finishPage(out, "submissions", std::move(items), page.limit);
    return out;
}

void ContractService::accept(store::Transaction& tx, const std::string& contractId,
                             std::optional<std::int64_t> rating, const std::string& review, bool automatic)
{
    const auto c = loadContract(tx, contractId).value();
    const std::string now = m_p.clock.nowIso();
    if (tx.exec(
            "UPDATE contracts SET status = 'accepted', closed_at = ?, updated_at = ?, review_due_at = NULL"
            " WHERE id = ? AND status = 'submitted'",
            {sqlText(now), sqlText(now), sqlText(contractId)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "This contract is not awaiting review");
    tx.exec("UPDATE submissions SET status = 'accepted', rating = ?, decided_at = ? WHERE contract_id = ? "
            "AND status = 'pending'",
            {rating ? sqlInt(*rating) : sqlNull(), sqlText(now), sqlText(contractId)});
    const auto t = TaskRecord::load(tx, c.taskId);
    if (t)
        tx.exec("UPDATE tasks SET status = 'completed', updated_at = ? WHERE id = ?",
                {sqlText(now), sqlText(t->id)});
    if (c.escrowed && c.priceCents && (t || c.kind == "hire")) {
        Settlement::payWorker(tx, m_p, escrowOf(c), c.seller, *c.priceCents, "contract", contractId);
        Settlement::refundRemaining(tx, m_p, escrowOf(c), c.buyer, t ? "task" : "hire", t ? t->id : c.hireId);
    }
    const std::string title = t                  ? t->title
                              : c.kind == "hire" ? HireService::asTask(tx, c.hireId).title
                                                 : std::string("your contract");
    Settlement::recordAcceptance(
        tx, m_p, {contractId, c.buyer, c.seller, title, rating, review, automatic, "contract", contractId});
    if (c.kind == "hire")
        Settlement::addReputation(tx, c.buyer, 5, 0); // seed 000: a completed hire is +15 exp for both
    if (automatic) // decide() records a buyer's acceptance with the buyer as actor
        AuditLog::record(tx, nullptr, "contract", contractId, "contract.auto_accepted",
                         json::object{{"status", c.status}}, json::object{{"status", "accepted"}}, now);
}

json::object ContractService::decide(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const json::object& body)
{
    const auto c = loadForParty(tx, id, a);
    if (c.buyer != a.profileId)
        throw DomainError::forbidden("Only the buyer decides on deliverables");
    requireScope(a, "decision:write");
    Input in(body);
    const std::string action = in.requiredEnum("action", {"accept", "reject"});
    const auto reason = in.optStr("reason", 1, 5000);
    if (action == "reject" && !reason)
        in.fail("reason", "is required when rejecting");
    const auto rating = in.optInt("rating", 1, 5);
    const auto review = in.optStr("review", 0, 5000);
    in.finish();
    if (c.status != "submitted")
        throw DomainError::conflict("STATE_CONFLICT",
                                    "This contract is not awaiting review (status " + c.status + ")");
    if (action == "accept") {
        accept(tx, id, rating, review.value_or(""), false);
        AuditLog::record(tx, &a, "contract", id, "contract.accepted", json::object{{"status", c.status}},
                         json::object{{"status", "accepted"},
                                      {"rating", rating ? json::value(*rating) : json::value(nullptr)}},
                         m_p.clock.nowIso());
    } else {
        const std::string now = m_p.clock.nowIso();
        if (tx.exec("UPDATE contracts SET status = 'rejected', rejection_count = rejection_count + 1, "
                    "review_due_at = NULL,"
                    " updated_at = ? WHERE id = ? AND status = 'submitted'",
                    {sqlText(now), sqlText(id)}) != 1)
            throw DomainError::conflict("STATE_CONFLICT", "This contract is not awaiting review");
        tx.exec("UPDATE submissions SET status = 'rejected', decision_reason = ?, decided_at = ? WHERE "
                "contract_id = ? AND status = 'pending'",
                {sqlText(*reason), sqlText(now), sqlText(id)});
        const bool last = c.submissions >= kMaxSubmissions;
        Notifier::notify(tx, m_p.clock, c.seller, "delivery.rejected", "contract", id,
                         "Your deliverable was rejected: " + *reason +
                             (last ? " (no submissions left; you may open a dispute)" : ""));
        AuditLog::record(
            tx, &a, "contract", id, "contract.rejected", json::object{{"status", c.status}},
            json::object{{"status", "rejected"}, {"reason", *reason}, {"rejectionCount", c.rejections + 1}},
            now);
    }
    json::object out;
    out["contract"] = contractJson(tx, id);
    return out;
}

json::object ContractService::addReview(store::Transaction& tx, const Actor& a, const std::string& id,
                                        const json::object& body)
{
    const auto c = loadForParty(tx, id, a);
    requireScope(a, "reviews:write");
    Input in(body);
    const auto rating = in.optInt("rating", 1, 5);
    if (!in.has("rating"))
        in.fail("rating", "is required");
    const auto text = in.optStr("text", 0, 5000);
    in.finish();
    if (c.status != "accepted" && c.status != "resolved")
        throw DomainError::conflict("STATE_CONFLICT", "Reviews open once the contract is accepted");
    if (tx.scalarInt("SELECT 1 FROM reviews WHERE contract_id = ? AND author_id = ?",
                     {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::conflict("DUPLICATE_REVIEW", "You already reviewed this contract");
    const std::string rid = newId("rev_");
    const std::string subject = a.profileId == c.buyer ? c.seller : c.buyer;
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO reviews(id, contract_id, author_id, subject_id, rating, text, created_at) VALUES "
            "(?,?,?,?,?,?,?)",
            {sqlText(rid), sqlText(id), sqlText(a.profileId), sqlText(subject), sqlInt(*rating),
             sqlOptText(text), sqlText(now)});
    Notifier::notify(tx, m_p.clock, subject, "review.received", "contract", id,
                     "You received a " + std::to_string(*rating) + "-star review");
    json::object r;
    r["id"] = rid;
    r["contractId"] = id;
    r["authorId"] = a.profileId;
    r["subjectId"] = subject;
    r["rating"] = *rating;
    r["text"] = text ? json::value(*text) : json::value(nullptr);
    r["createdAt"] = now;
    json::object out;
    out["review"] = std::move(r);
    return out;
}

json::object ContractService::listReviews(store::Transaction& tx, const Actor& a, const std::string& id)
{
    loadForParty(tx, id, a);
    requireScope(a, "reviews:read");
    auto r = tx.query("SELECT id, author_id, subject_id, rating, text, created_at FROM reviews WHERE "
                      "contract_id = ? ORDER BY id",
                      {sqlText(id)});
    json::array items;
    while (r.next()) {
        json::object o;
        o["id"] = r.str(0);
        o["contractId"] = id;
        o["authorId"] = r.str(1);
        o["subjectId"] = r.str(2);
        o["rating"] = r.i64(3);
        o["text"] = r.textOrNull(4);
        o["createdAt"] = r.str(5);
        items.push_back(std::move(o));
    }
    json::object out;
    out["reviews"] = std::move(items);
    out["nextCursor"] = nullptr;
    return out;
}

json::object ContractService::cancellation(store::Transaction& tx, const Actor& a, const std::string& id,
                                           const json::object& body)
{
    const auto c = loadForParty(tx, id, a);
    requireScope(a, "contracts:write");
    Input in(body);
    const std::string action = in.requiredEnum("action", {"apply", "confirm", "withdraw"});
    const auto reason = in.optStr("reason", 0, 2000);
    if (action == "apply" && !reason)
        in.fail("reason", "is required when applying for cancellation");
    in.finish();
    const bool running = c.status == "in_progress" || c.status == "submitted" || c.status == "rejected";
    if (!running)
        throw DomainError::conflict("STATE_CONFLICT",
                                    "Only a running contract can be cancelled (status " + c.status + ")");
    const std::string now = m_p.clock.nowIso();
    const std::string other = a.profileId == c.buyer ? c.seller : c.buyer;
    if (action == "apply") {
        if (c.cancelAppliedBy)
            throw DomainError::conflict("STATE_CONFLICT", "A cancellation request is already pending");
        // Conditional, like every step below: on PostgreSQL the other party may have acted
        // since the contract was read (both applying, a confirm against a withdraw).
        if (tx.exec(
                "UPDATE contracts SET cancel_applied_by = ?, cancel_reason = ?, updated_at = ? WHERE id = ?"
                " AND cancel_applied_by IS NULL AND status IN ('in_progress', 'submitted', 'rejected')",
                {sqlText(a.profileId), sqlOptText(reason), sqlText(now), sqlText(id)}) != 1)
            throw DomainError::conflict("STATE_CONFLICT", "A cancellation request is already pending");
        Notifier::notify(tx, m_p.clock, other, "contract.cancellation_requested", "contract", id,
                         "The other party asked to cancel the contract: " + reason.value_or(""));
    } else if (action == "withdraw") {
        if (!c.cancelAppliedBy || *c.cancelAppliedBy != a.profileId)
            throw DomainError::conflict("STATE_CONFLICT",
                                        "You have no pending cancellation request to withdraw");
        if (tx.exec("UPDATE contracts SET cancel_applied_by = NULL, cancel_reason = NULL, updated_at = ? "
                    "WHERE id = ?"
                    " AND cancel_applied_by = ? AND status IN ('in_progress', 'submitted', 'rejected')",
                    {sqlText(now), sqlText(id), sqlText(a.profileId)}) != 1)
            throw DomainError::conflict("STATE_CONFLICT",
                                        "The cancellation request was already confirmed or withdrawn");
        Notifier::notify(tx, m_p.clock, other, "contract.cancellation_withdrawn", "contract", id,
                         "The cancellation request was withdrawn");
    } else {
        if (!c.cancelAppliedBy || *c.cancelAppliedBy == a.profileId)
            throw DomainError::conflict("STATE_CONFLICT",
                                        "Only the other party can confirm a pending cancellation");
        if (tx.exec("UPDATE contracts SET status = 'cancelled', closed_at = ?, updated_at = ?, review_due_at "
                    "= NULL"
                    " WHERE id = ? AND status IN ('in_progress', 'submitted', 'rejected') AND "
                    "cancel_applied_by = ?",
                    {sqlText(now), sqlText(now), sqlText(id), sqlText(*c.cancelAppliedBy)}) != 1)
            throw DomainError::conflict("STATE_CONFLICT", "The contract changed; try again");
        tx.exec("UPDATE submissions SET status = 'rejected', decision_reason = 'contract cancelled', "
                "decided_at = ?"
                " WHERE contract_id = ? AND status = 'pending'",
                {sqlText(now), sqlText(id)});
        const auto t = TaskRecord::load(tx, c.taskId);
        if (t || c.kind == "hire") {
            if (t)
                tx.exec("UPDATE tasks SET status = 'cancelled', updated_at = ? WHERE id = ?",
                        {sqlText(now), sqlText(t->id)});
            if (c.escrowed && c.priceCents) {
                // Seed 000's penalty: an owner who walks away pays the worker half.
                if (*c.cancelAppliedBy == c.buyer) {
                    const std::int64_t half = *c.priceCents / 2;
                    Settlement::payWorker(tx, m_p, escrowOf(c), c.seller, half, "contract", id);
                }
                Settlement::refundRemaining(tx, m_p, escrowOf(c), c.buyer, "contract", id);
            }
            if (*c.cancelAppliedBy == c.buyer)
                Settlement::addReputation(tx, c.buyer, -10, -15);
            else
                Settlement::addReputation(tx, c.seller, -10, -15);
        }
        Notifier::notify(tx, m_p.clock, other, "contract.cancelled", "contract", id,
                         "The contract was cancelled by agreement");
        Notifier::notify(tx, m_p.clock, a.profileId, "contract.cancelled", "contract", id,
                         "The contract was cancelled by agreement");
    }
    AuditLog::record(tx, &a, "contract", id, "contract.cancellation_" + action,
                     json::object{{"status", c.status}},
                     json::object{{"status", action == "confirm" ? "cancelled" : c.status}}, now);
    json::object out;
    out["contract"] = contractJson(tx, id);
    return out;
}

int ContractService::autoAcceptDue(store::Transaction& tx, int maxCount)
{
    auto r = tx.query("SELECT id FROM contracts WHERE status = 'submitted' AND review_due_at <= ? ORDER BY "
                      "review_due_at LIMIT ?",
                      {sqlText(m_p.clock.nowIso()), sqlInt(maxCount)});
    std::vector<std::string> due;
    while (r.next())
        due.push_back(r.str(0));
    int n = 0;
    for (const auto& id : due) {
        accept(tx, id, std::nullopt, "", true);
        ++n;
    }
    return n;
}

} // namespace taskdesk::domain
