#include "TaskService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "ContractService.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"
#include "Settlement.h"
#include "SpendLimit.h"
#include "Verification.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sodium.h>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

const std::vector<std::string> kCurrencies = {"CREDITS", "USDC", "USDT", "ETH", "SOL",
                                              "BTC",     "BNB",  "MOLT", "USD", "OTHER"};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

json::array toArray(const std::vector<std::string>& v)
{
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

std::vector<std::string> normaliseTags(std::vector<std::string> tags)
{
    for (auto& t : tags)
        t = lower(t);
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

bool isBase64(const std::string& s, std::size_t minBytes, std::size_t maxBytes)
{
    if (s.empty() || s.size() > maxBytes * 4 / 3 + 8)
        return false;
    std::vector<unsigned char> buf(s.size());
    std::size_t len = 0;
    if (sodium_init() < 0)
        return false;
    if (sodium_base642bin(buf.data(), buf.size(), s.c_str(), s.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return len >= minBytes && len <= maxBytes;
}

struct Budget
{
    std::optional<std::string> amountText, currency, custom, text;
    std::optional<std::int64_t> cents;
};

// Reads the structured budget, or the deprecated budgetText ("500 USDC").
Budget readBudget(Input& in, bool required)
{
    Budget b;
    b.currency = in.optEnum("budgetCurrency", kCurrencies);
    b.custom = in.optStr("budgetCurrencyCustom", 1, 10);
    b.text = in.optStr("budgetText", 1, 100);
    if (in.has("budgetAmount")) {
        const bool credits = !b.currency || *b.currency == "CREDITS";
        if (!b.currency && !in.has("budgetCurrency"))
            b.currency = "CREDITS";
        if (auto a = in.optAmount("budgetAmount", credits)) {
            b.amountText = a->text;
            if (credits)
                b.cents = a->cents;
        }
    } else if (b.text && !b.currency) {
        // Legacy: parse "<number> <CURRENCY>" when possible.
        const std::string& t = *b.text;
        const auto sp = t.find(' ');
        const std::string num = t.substr(0, sp);
        const std::string cur = sp == std::string::npos ? "CREDITS" : t.substr(sp + 1);
        double d = 0;
        auto r = std::from_chars(num.data(), num.data() + num.size(), d);
        if (r.ec == std::errc() && r.ptr == num.data() + num.size() &&
            std::find(kCurrencies.begin(), kCurrencies.end(), cur) != kCurrencies.end() && cur != "OTHER") {
            std::string reason;
            if (auto a = Input::parseAmount(json::value(d), cur == "CREDITS", reason)) {
                b.currency = cur;
                b.amountText = a->text;
                if (cur == "CREDITS")
                    b.cents = a->cents;
            }
        }
    } else if (b.currency && !in.has("budgetAmount")) {
        in.fail("budgetAmount", "is required with budgetCurrency");
    }
    if (b.currency && *b.currency == "OTHER" && !b.custom)
        in.fail("budgetCurrencyCustom", "is required when budgetCurrency is OTHER");
    if (b.custom && (!b.currency || *b.currency != "OTHER"))
        in.fail("budgetCurrencyCustom", "is only allowed with budgetCurrency OTHER");
    if (required && !b.cents)
        in.fail("budgetAmount", "is required in CREDITS for claim and open tasks");
    if (!b.text && b.amountText && b.currency)
        b.text = *b.amountText + " " + (*b.currency == "OTHER" && b.custom ? *b.custom : *b.currency);
    return b;
}

void checkProtected(Input& in)
{
    const auto* v = in.raw("protected");
    if (!v || v->is_null())
        return;
    if (!v->is_object()) {
        in.fail("protected", "must be an object");
        return;
    }
    const auto& o = v->as_object();
    const auto* alg = o.if_contains("alg");
    const auto* nonce = o.if_contains("nonce");
    const auto* ct = o.if_contains("ciphertext");
    const auto* fields = o.if_contains("fields");
    if (!alg || !alg->is_string() || alg->as_string() != "xchacha20poly1305-ietf")
        in.fail("protected", "alg must be xchacha20poly1305-ietf");
    else if (!nonce || !nonce->is_string() || !isBase64(std::string(nonce->as_string()), 24, 24))
        in.fail("protected", "nonce must be 24 bytes in base64");
    else if (!ct || !ct->is_string() || !isBase64(std::string(ct->as_string()), 16, 768 * 1024))
        in.fail("protected",
                "ciphertext must be base64 (at least the 16-byte tag; the body limit bounds it)");
    else if (!fields || !fields->is_array() || fields->as_array().empty() || fields->as_array().size() > 20)
        in.fail("protected", "fields must be an array of 1 to 20 field names");
    else
        for (const auto& f : fields->as_array())
            if (!f.is_string() || f.as_string().empty() || f.as_string().size() > 64) {
                in.fail("protected", "fields must be names of 1-64 characters");
                break;
            }
    for (const auto& kv : o)
        if (kv.key() != "alg" && kv.key() != "nonce" && kv.key() != "ciphertext" && kv.key() != "fields") {
            in.fail("protected", "unknown member " + std::string(kv.key()));
            break;
        }
}

json::object applicationJson(store::Transaction& tx, store::Rows& r)
{
    json::object o;
    o["id"] = r.str(0);
    o["taskId"] = r.str(1);
    o["agent"] = AccountService::profileSummary(tx, r.str(2));
    o["status"] = r.str(3);
    o["message"] = r.textOrNull(4);
    o["reason"] = r.textOrNull(5);
    o["createdAt"] = r.str(6);
    o["updatedAt"] = r.str(7);
    return o;
}
constexpr const char* kAppCols = "id, task_id, agent_id, status, message, reason, created_at, updated_at";

} // namespace

json::object TaskService::create(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "tasks:write");
    Input in(body);
    const std::string title = in.str("title", 3, 120);
    const std::string description = in.str("description", 10, 20000);
    const auto criteria = in.strList("acceptanceCriteria", 50, 500);
    const auto tags = normaliseTags(in.strList("skillsTags", 20, 40));
    const std::string mode = in.optEnum("mode", {"bid", "claim", "open"}).value_or("bid");
    const auto budget = readBudget(in, mode != "bid");
    const auto deadline = in.optTime("deadline");
    if (deadline && *deadline <= m_p.clock.nowIso())
        in.fail("deadline", "must be in the future");
    const std::string visibility = in.optEnum("visibility", {"public", "unlisted"}).value_or("public");
    const auto reviewWindow = in.optInt("reviewWindowHours", 1, 720).value_or(72);
    const bool requireApproval = in.optBool("requireApproval").value_or(false);
    if (requireApproval && mode != "claim")
        in.fail("requireApproval", "applies to claim tasks only");
    std::optional<std::string> verification;
    if (const auto* v = in.raw("verification"); v && !v->is_null()) {
        const std::string reason = checkVerificationRule(*v);
        if (!reason.empty())
            in.fail("verification", reason);
        else
            verification = storeJson(*v);
    }
    checkProtected(in);
    in.finish();

    const std::string id = newId("tsk_");
    const std::string now = m_p.clock.nowIso();
    std::string search = lower(title + "\n" + description);
    tx.exec(
        "INSERT INTO tasks(id, owner_id, title, description, acceptance_criteria, skills_tags, budget_amount,"
        " budget_cents, budget_currency, budget_currency_custom, budget_text, deadline, visibility, mode, "
        "status,"
        " require_approval, verification, protected_payload, review_window_hours, search_text, created_at, "
        "updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?,?,?,?)",
        {sqlText(id),
         sqlText(a.profileId),
         sqlText(title),
         sqlText(description),
         sqlText(storeJson(toArray(criteria))),
         sqlText(storeJson(toArray(tags))),
         sqlOptText(budget.amountText),
         budget.cents ? sqlInt(*budget.cents) : sqlNull(),
         sqlOptText(budget.currency),
         sqlOptText(budget.custom),
         sqlOptText(budget.text),
         sqlOptText(deadline),
         sqlText(visibility),
         sqlText(mode),
         sqlInt(requireApproval ? 1 : 0),
         sqlOptText(verification),
         in.has("protected") ? sqlText(storeJson(*in.raw("protected"))) : sqlNull(),
         sqlInt(reviewWindow),
         sqlText(search),
         sqlText(now),
         sqlText(now)});
    for (const auto& t : tags)
        tx.exec("INSERT INTO task_skills(task_id, skill) VALUES (?, ?)", {sqlText(id), sqlText(t)});
    if (budget.cents) {
        // A delegated credential's commitment counts against its spend limit (402 SPEND_LIMIT).
        SpendLimit::commit(tx, a, *budget.cents, now);
        Ledger::ensureAccount(tx, m_p.clock, Ledger::escrow(id), "escrow", a.profileId);
        Ledger::transfer(tx, m_p.clock, Ledger::available(a.profileId), Ledger::escrow(id), *budget.cents,
                         "escrow", "task", id, "Budget escrowed");
    }
    Settlement::addReputation(tx, a.profileId, 5, 0);
    json::object out;
    out["task"] = TaskRecord::loadForAction(tx, id).toJson(tx);
    AuditLog::record(tx, &a, "task", id, "task.created", nullptr, out["task"], now);
    return out;
}

json::object TaskService::browse(store::Transaction& tx, const json::object& query)
{
    auto q = [&](const char* k) { return queryText(query, k); };
    const std::string status = q("status").empty() ? "open" : q("status");
    if (status != "open" && status != "assigned" && status != "completed" && status != "cancelled" &&
        status != "all")
        throw DomainError::invalid("status", "must be one of: open, assigned, completed, cancelled, all");
    const std::string mode = q("mode");
    if (!mode.empty() && mode != "bid" && mode != "claim" && mode != "open")
        throw DomainError::invalid("mode", "must be one of: bid, claim, open");
    const std::string sort = q("sort").empty() ? "new" : q("sort");
    if (sort != "new" && sort != "budget")
        throw DomainError::invalid("sort", "must be new or budget");
    std::string text = lower(q("query"));
    if (Input::codePoints(text) > 200)
        throw DomainError::invalid("query", "must be at most 200 characters");
    for (unsigned char c : text)
        if (c < 0x20)
            throw DomainError::invalid("query", "must not contain control characters");
    const std::string skill = lower(q("skill"));
    const auto page = pageFrom(query);

    std::string sql =
        "SELECT " + TaskRecord::joinedSelect() + TaskRecord::JoinedFrom + " WHERE t.visibility = 'public'";
    store::SqlArgs args;
    if (status != "all") {
        sql += " AND t.status = ?";
        args.push_back(sqlText(status));
    }
    if (!mode.empty()) {
        sql += " AND t.mode = ?";
        args.push_back(sqlText(mode));
    }
    if (!skill.empty()) {
        sql += " AND EXISTS (SELECT 1 FROM task_skills s WHERE s.task_id = t.id AND s.skill = ?)";
        args.push_back(sqlText(skill));
    }
    if (!text.empty()) {
        std::string like;
        for (char c : text) {
            if (c == '%' || c == '_' || c == '\\')
                like.push_back('\\');
            like.push_back(c);
        }
        sql += " AND t.search_text LIKE ? ESCAPE '\\'";
        args.push_back(sqlText("%" + like + "%"));
    }
    if (sort == "budget") {
        // Cursor "<cents>:<id>" continues the (budget desc, id desc) order.
        if (!page.cursor.empty()) {
            const auto colon = page.cursor.find(':');
            std::int64_t cents = 0;
            if (colon == std::string::npos ||
                std::from_chars(page.cursor.data(), page.cursor.data() + colon, cents).ec != std::errc())
                throw DomainError::invalid("cursor", "is not a cursor this server issued");
            const std::string cid = page.cursor.substr(colon + 1);
            sql +=
                " AND (COALESCE(t.budget_cents, -1) < ? OR (COALESCE(t.budget_cents, -1) = ? AND t.id < ?))";
            args.push_back(sqlInt(cents));
            args.push_back(sqlInt(cents));
            args.push_back(sqlText(cid));
        }
        sql += " ORDER BY COALESCE(t.budget_cents, -1) DESC, t.id DESC LIMIT ?";
    } else {
        if (!page.cursor.empty()) {
            sql += " AND t.id < ?";
            args.push_back(sqlText(page.cursor));
        }
        sql += " ORDER BY t.id DESC LIMIT ?";
    }
    args.push_back(sqlInt(page.limit + 1));
    auto r = tx.query(sql.c_str(), args);
    std::vector<TaskRecord> rows;
    while (r.next())
        rows.push_back(TaskRecord::fromJoinedRow(r));
    json::array items;
    json::value next = nullptr;
    for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < page.limit; ++i)
        items.push_back(rows[i].toJson(tx));
    if (static_cast<int>(rows.size()) > page.limit) {
        const auto& last = rows[static_cast<std::size_t>(page.limit) - 1];
        next = sort == "budget" ? json::value(std::to_string(last.budgetCents.value_or(-1)) + ":" + last.id)
                                : json::value(last.id);
    }
    json::object out;
    out["tasks"] = std::move(items);
    out["nextCursor"] = std::move(next);
    return out;
}

json::object TaskService::getPublic(store::Transaction& tx, const Actor* a, const std::string& id)
{
    const auto t = TaskRecord::loadVisible(tx, id, a);
    json::object out;
    out["task"] = t.toJson(tx);
    return out;
}

json::object TaskService::listMine(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "tasks:read");
    const auto page = pageFrom(query);
    std::string status;
    if (const auto* s = query.if_contains("status"); s && s->is_string())
        status = std::string(s->as_string());
    auto r = tx.query((std::string("SELECT ") + TaskRecord::Columns +
                       " FROM tasks WHERE owner_id = ? AND (? = '' OR status = ?) AND (? = '' OR id < ?)"
                       " ORDER BY id DESC LIMIT ?")
                          .c_str(),
                      {sqlText(a.profileId), sqlText(status), sqlText(status), sqlText(page.cursor),
                       sqlText(page.cursor), sqlInt(page.limit + 1)});
    std::vector<TaskRecord> rows;
    while (r.next())
        rows.push_back(TaskRecord::fromRow(r));
    json::array items;
    for (auto& t : rows) {
        auto o = t.toJson(tx);
        o["bidCount"] =
            tx.scalarInt("SELECT COUNT(*) FROM bids WHERE task_id = ? AND status = 'active'", {sqlText(t.id)})
                .value_or(0);
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "tasks", std::move(items), page.limit);
    return out;
}

json::object TaskService::getForAgent(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    requireScope(a, "tasks:read");
    auto o = t.toJson(tx);
    const auto tid = sqlText(id);
    if (t.ownerId == a.profileId) {
        json::object s;
        s["active"] = tx.scalarInt("SELECT COUNT(*) FROM bids WHERE task_id = ? AND status = 'active'", {tid})
                          .value_or(0);
        s["total"] = tx.scalarInt("SELECT COUNT(*) FROM bids WHERE task_id = ?", {tid}).value_or(0);
        auto low = tx.scalarInt(
            "SELECT MIN(proposed_cents) FROM bids WHERE task_id = ? AND status = 'active'", {tid});
        s["lowestAmount"] = low ? money(*low) : json::value(nullptr);
        o["bidSummary"] = std::move(s);
        o["pendingApplications"] =
            tx.scalarInt("SELECT COUNT(*) FROM applications WHERE task_id = ? AND status = 'pending'", {tid})
                .value_or(0);
        o["pendingSubmissions"] =
            tx.scalarInt("SELECT COUNT(*) FROM submissions WHERE task_id = ? AND status = 'pending'", {tid})
                .value_or(0);
    }
    if (auto c =
            tx.scalarText("SELECT id FROM contracts WHERE task_id = ? AND (buyer_id = ? OR seller_id = ?)"
                          " ORDER BY id DESC LIMIT 1",
                          {tid, sqlText(a.profileId), sqlText(a.profileId)}))
        o["contractId"] = *c;
    json::object out;
    out["task"] = std::move(o);
    return out;
}

json::object TaskService::update(store::Transaction& tx, const Actor& a, const std::string& id,
                                 const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner may edit it");
    requireScope(a, "tasks:write");
    Input in(body);
    const auto title = in.optStr("title", 3, 120);
    const auto description = in.optStr("description", 10, 20000);
    const bool hasCriteria = in.has("acceptanceCriteria");
    const auto criteria = in.strList("acceptanceCriteria", 50, 500);
    const bool hasTags = in.has("skillsTags");
    const auto tags = normaliseTags(in.strList("skillsTags", 20, 40));
    const auto deadline = in.optTime("deadline");
    if (deadline && *deadline <= m_p.clock.nowIso())
        in.fail("deadline", "must be in the future");
    const auto visibility = in.optEnum("visibility", {"public", "unlisted"});
    const auto reviewWindow = in.optInt("reviewWindowHours", 1, 720);
    std::optional<std::string> verification;
    if (const auto* v = in.raw("verification"); v && !v->is_null()) {
        const std::string reason = checkVerificationRule(*v);
        if (!reason.empty())
            in.fail("verification", reason);
        else
            verification = storeJson(*v);
    }
    std::optional<Amount> newBudget;
    if (in.has("budgetAmount")) {
        if (!t.credits())
            in.fail("budgetAmount", "only CREDITS budgets can be changed");
        else
            newBudget = in.optAmount("budgetAmount", true);
    }
    if (in.has("budgetCurrency") || in.has("mode"))
        in.fail(in.has("mode") ? "mode" : "budgetCurrency", "cannot be changed after posting");
    in.finish();
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "Only open tasks can be edited");
    const std::string now = m_p.clock.nowIso();
    const auto tid = sqlText(id);
    if (title)
        tx.exec("UPDATE tasks SET title = ? WHERE id = ?", {sqlText(*title), tid});
    if (description)
        tx.exec("UPDATE tasks SET description = ? WHERE id = ?", {sqlText(*description), tid});
    if (title || description)
        tx.exec("UPDATE tasks SET search_text = ? WHERE id = ?",
                {sqlText(lower(title.value_or(t.title) + "\n" + description.value_or(t.description))), tid});
    if (hasCriteria)
        tx.exec("UPDATE tasks SET acceptance_criteria = ? WHERE id = ?",
                {sqlText(storeJson(toArray(criteria))), tid});
    if (hasTags) {
        tx.exec("UPDATE tasks SET skills_tags = ? WHERE id = ?", {sqlText(storeJson(toArray(tags))), tid});
        tx.exec("DELETE FROM task_skills WHERE task_id = ?", {tid});
        for (const auto& s : tags)
            tx.exec("INSERT INTO task_skills(task_id, skill) VALUES (?, ?)", {tid, sqlText(s)});
    }
    if (deadline)
        tx.exec("UPDATE tasks SET deadline = ? WHERE id = ?", {sqlText(*deadline), tid});
    if (visibility)
        tx.exec("UPDATE tasks SET visibility = ? WHERE id = ?", {sqlText(*visibility), tid});
    if (reviewWindow)
        tx.exec("UPDATE tasks SET review_window_hours = ? WHERE id = ?", {sqlInt(*reviewWindow), tid});
    if (verification)
        tx.exec("UPDATE tasks SET verification = ? WHERE id = ?", {sqlText(*verification), tid});
    if (newBudget && newBudget->cents != *t.budgetCents) {
        const std::int64_t diff = newBudget->cents - *t.budgetCents;
        if (diff > 0) {
            SpendLimit::commit(tx, a, diff, m_p.clock.nowIso());
            Ledger::transfer(tx, m_p.clock, Ledger::available(a.profileId), t.escrowAccount(), diff, "escrow",
                             "task", id, "Budget raised");
        } else {
            const std::int64_t committed = tx.scalarInt("SELECT COALESCE(SUM(budget_cents), 0) FROM tasks "
                                                        "WHERE parent_id = ? AND status <> 'cancelled'",
                                                        {tid})
                                               .value_or(0);
            const std::int64_t maxBid =
                tx.scalarInt("SELECT MAX(proposed_cents) FROM bids WHERE task_id = ? AND status = 'active'",
                             {tid})
                    .value_or(0);
            if (Ledger::balance(tx, t.escrowAccount()) + diff < 0 || newBudget->cents < maxBid ||
                committed > 0)
                throw DomainError::invalid("budgetAmount", "cannot go below active bids or subtask budgets");
            Ledger::transfer(tx, m_p.clock, t.escrowAccount(), Ledger::available(a.profileId), -diff,
                             "refund", "task", id, "Budget lowered");
        }
        tx.exec(
            "UPDATE tasks SET budget_cents = ?, budget_amount = ?, budget_text = ? WHERE id = ?",
            {sqlInt(newBudget->cents), sqlText(newBudget->text), sqlText(newBudget->text + " CREDITS"), tid});
    }
    tx.exec("UPDATE tasks SET updated_at = ? WHERE id = ?", {sqlText(now), tid});
    json::object out;
    out["task"] = TaskRecord::loadForAction(tx, id).toJson(tx);
    AuditLog::record(tx, &a, "task", id, "task.updated", t.toJson(tx), out["task"], now);
    return out;
}

json::object TaskService::cancel(store::Transaction& tx, const Actor& a, const std::string& id,
                                 const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner may cancel it");
    requireScope(a, "tasks:write");
    Input in(body);
    const auto reason = in.optStr("reason", 0, 2000);
    in.finish();
    if (t.status != "open")
        throw DomainError::conflict(
            "TASK_NOT_OPEN", "Only open tasks can be cancelled; running contracts use mutual cancellation");
    const auto tid = sqlText(id);
    // Only a running subtask blocks; completed ones stay as they are, and the parent's
    // remainder (and any open subtask's budget) must remain refundable.
    if (tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE parent_id = ? AND status = 'assigned'", {tid})
            .value_or(0) > 0)
        throw DomainError::conflict("SUBTASKS_RUNNING", "A subtask is assigned and running");
    const std::string now = m_p.clock.nowIso();
    std::vector<std::string> toCancel;
    {
        auto r = tx.query("SELECT id FROM tasks WHERE parent_id = ? AND status = 'open'", {tid});
        while (r.next())
            toCancel.push_back(r.str(0));
    }
    // Subtasks first: their escrow returns to the parent's owner directly.
    toCancel.push_back(id);
    for (const auto& cid : toCancel) {
        const auto c = sqlText(cid);
        if (tx.exec("UPDATE tasks SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'open'",
                    {sqlText(now), c}) != 1)
            throw DomainError::conflict("TASK_NOT_OPEN", "The task changed while cancelling; try again");
        {
            auto r = tx.query("SELECT bidder_id, id FROM bids WHERE task_id = ? AND status = 'active'", {c});
            std::vector<std::pair<std::string, std::string>> bidders;
            while (r.next())
                bidders.emplace_back(r.str(0), r.str(1));
            for (const auto& [bidder, bid] : bidders)
                Notifier::notify(tx, m_p.clock, bidder, "task.cancelled", "task", cid,
                                 "A task you bid on was cancelled");
        }
        tx.exec("UPDATE bids SET status = 'rejected', reason = 'task cancelled', updated_at = ? WHERE "
                "task_id = ? AND status = 'active'",
                {sqlText(now), c});
        tx.exec("UPDATE applications SET status = 'rejected', reason = 'task cancelled', updated_at = ? "
                "WHERE task_id = ? AND status = 'pending'",
                {sqlText(now), c});
        tx.exec(
            "UPDATE submissions SET status = 'rejected', decision_reason = 'task cancelled', decided_at = ?"
            " WHERE task_id = ? AND status = 'pending' AND contract_id IS NULL",
            {sqlText(now), c});
        Settlement::refundRemaining(tx, m_p, Ledger::escrow(cid), t.ownerId, "task", cid);
    }
    Settlement::addReputation(tx, a.profileId, -10, 0);
    AuditLog::record(tx, &a, "task", id, "task.cancelled", json::object{{"status", t.status}},
                     json::object{{"status", "cancelled"}}, m_p.clock.nowIso());
    (void)reason;
    json::object out;
    out["task"] = TaskRecord::loadForAction(tx, id).toJson(tx);
    return out;
}

json::object TaskService::split(store::Transaction& tx, const Actor& a, const std::string& id,
                                const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner may split it");
    requireScope(a, "tasks:write");
    const auto* subs = body.if_contains("subtasks");
    if (!subs || !subs->is_array() || subs->as_array().empty() || subs->as_array().size() > 20)
        throw DomainError::invalid("subtasks", "must be an array of 1 to 20 subtasks");
    struct Sub
    {
        std::string title, description;
        std::optional<Amount> amount;
    };
    std::vector<Sub> list;
    Input outer(body);
    for (std::size_t i = 0; i < subs->as_array().size(); ++i) {
        const auto& s = subs->as_array()[i];
        if (!s.is_object()) {
            outer.fail("subtasks[" + std::to_string(i) + "]", "must be an object");
            continue;
        }
        Input in(s.as_object());
        Sub sub;
        sub.title = in.str("title", 3, 120);
        sub.description = in.str("description", 10, 20000);
        if (t.credits())
            sub.amount = in.has("budgetAmount") ? in.optAmount("budgetAmount", true) : std::nullopt;
        if (t.credits() && !in.has("budgetAmount"))
            in.fail("budgetAmount", "is required");
        if (!in.ok()) {
            try {
                in.finish();
            } catch (const DomainError& e) {
                for (const auto& [k, v] : e.fields())
                    outer.fail("subtasks[" + std::to_string(i) + "]." + k, v);
            }
            continue;
        }
        list.push_back(std::move(sub));
    }
    outer.finish();
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "Only open tasks can be split");
    if (t.parentId)
        throw DomainError::conflict("STATE_CONFLICT", "A subtask cannot be split again");
    if (tx.scalarInt("SELECT COUNT(*) FROM bids WHERE task_id = ? AND status = 'active'", {sqlText(id)})
                .value_or(0) > 0 ||
        tx.scalarInt("SELECT COUNT(*) FROM applications WHERE task_id = ? AND status = 'pending'",
                     {sqlText(id)})
                .value_or(0) > 0 ||
        tx.scalarInt("SELECT COUNT(*) FROM submissions WHERE task_id = ? AND status = 'pending'",
                     {sqlText(id)})
                .value_or(0) > 0)
        throw DomainError::conflict("STATE_CONFLICT",
                                    "A task with active bids, applications or submissions cannot be split");
    std::int64_t total = 0;
    for (const auto& s : list)
        total += s.amount ? s.amount->cents : 0;
    if (t.credits() && total > Ledger::balance(tx, t.escrowAccount()))
        throw DomainError::invalid("subtasks",
                                   "subtask budgets add up to more than the task's remaining budget");
    const std::string now = m_p.clock.nowIso();
    json::array created;
    for (const auto& s : list) {
        const std::string sid = newId("tsk_");
        const std::string amountText = s.amount ? s.amount->text : t.budgetAmount.value_or("");
        tx.exec("INSERT INTO tasks(id, owner_id, title, description, acceptance_criteria, skills_tags, "
                "budget_amount,"
                " budget_cents, budget_currency, budget_currency_custom, budget_text, deadline, visibility, "
                "mode, status,"
                " require_approval, verification, review_window_hours, parent_id, search_text, created_at, "
                "updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,'open',?,?,?,?,?,?,?)",
                {sqlText(sid),
                 sqlText(t.ownerId),
                 sqlText(s.title),
                 sqlText(s.description),
                 sqlText(t.criteria),
                 sqlText(t.skills),
                 s.amount ? sqlText(s.amount->text) : sqlOptText(t.budgetAmount),
                 s.amount ? sqlInt(s.amount->cents) : sqlNull(),
                 sqlOptText(t.currency),
                 sqlOptText(t.currencyCustom),
                 s.amount ? sqlText(s.amount->text + " CREDITS") : sqlOptText(t.budgetText),
                 sqlOptText(t.deadline),
                 sqlText(t.visibility),
                 sqlText(t.mode),
                 sqlInt(t.requireApproval ? 1 : 0),
                 sqlOptText(t.verification),
                 sqlInt(t.reviewWindowHours),
                 sqlText(id),
                 sqlText(lower(s.title + "\n" + s.description)),
                 sqlText(now),
                 sqlText(now)});
        const auto tags = parseStoredJson(t.skills);
        if (tags.is_array())
            for (const auto& tag : tags.as_array())
                tx.exec("INSERT INTO task_skills(task_id, skill) VALUES (?, ?)",
                        {sqlText(sid), sqlText(tag.as_string())});
        if (s.amount) {
            Ledger::ensureAccount(tx, m_p.clock, Ledger::escrow(sid), "escrow", t.ownerId);
            Ledger::transfer(tx, m_p.clock, t.escrowAccount(), Ledger::escrow(sid), s.amount->cents, "escrow",
                             "task", sid, "Split from parent task");
        }
        created.push_back(TaskRecord::loadForAction(tx, sid).toJson(tx));
    }
    tx.exec("UPDATE tasks SET has_subtasks = 1, updated_at = ? WHERE id = ?", {sqlText(now), sqlText(id)});
    json::object out;
    out["task"] = TaskRecord::loadForAction(tx, id).toJson(tx);
    out["subtasks"] = std::move(created);
    return out;
}

json::object TaskService::listComments(store::Transaction& tx, const Actor& a, const std::string& id,
                                       const json::object& query)
{
    TaskRecord::loadVisible(tx, id, &a);
    requireScope(a, "comments:read");
    const auto page = pageFrom(query);
    auto r = tx.query(
        "SELECT id, author_id, body, created_at FROM comments WHERE task_id = ? AND (? = '' OR id < ?)"
        " ORDER BY id DESC LIMIT ?",
        {sqlText(id), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    std::vector<std::array<std::string, 4>> rows;
    while (r.next())
        rows.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
    json::array items;
    for (const auto& row : rows) {
        json::object o;
        o["id"] = row[0];
        o["taskId"] = id;
        o["author"] = AccountService::profileSummary(tx, row[1]);
        o["body"] = row[2];
        o["createdAt"] = row[3];
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "comments", std::move(items), page.limit);
    return out;
}

json::object TaskService::addComment(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const json::object& body)
{
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    requireScope(a, "comments:write");
    Input in(body);
    const std::string text = in.str("body", 1, 5000);
    in.finish();
    const std::string cid = newId("cmt_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO comments(id, task_id, author_id, body, created_at) VALUES (?,?,?,?,?)",
            {sqlText(cid), sqlText(id), sqlText(a.profileId), sqlText(text), sqlText(now)});
    if (t.ownerId != a.profileId)
        Notifier::notify(tx, m_p.clock, t.ownerId, "comment.created", "task", id,
                         "New comment on your task " + t.title);
    json::object c;
    c["id"] = cid;
    c["taskId"] = id;
    c["author"] = AccountService::profileSummary(tx, a.profileId);
    c["body"] = text;
    c["createdAt"] = now;
    json::object out;
    out["comment"] = std::move(c);
    return out;
}

void TaskService::requireSkillMatch(store::Transaction& tx, const TaskRecord& t, const Actor& a)
{
    const auto tags = parseStoredJson(t.skills);
    if (!tags.is_array() || tags.as_array().empty())
        return;
    const auto mine = parseStoredJson(
        tx.scalarText("SELECT skills FROM profiles WHERE id = ?", {sqlText(a.profileId)}).value_or("[]"));
    if (mine.is_array())
        for (const auto& s : mine.as_array())
            for (const auto& tag : tags.as_array())
                if (s == tag)
                    return;
    throw DomainError(ErrorKind::Forbidden, "SKILL_MISMATCH",
                      "Your profile's skills match none of this task's tags");
}

json::object TaskService::claim(store::Transaction& tx, const Actor& a, const std::string& id,
                                const json::object& body, int& status)
{
    TaskRecord::lockForWrite(tx, id);
    const auto t = TaskRecord::loadForAction(tx, id);
    requireScope(a, "bids:write");
    if (t.ownerId == a.profileId)
        throw DomainError(ErrorKind::Forbidden, "SELF_CLAIM", "You cannot claim your own task");
    requireSkillMatch(tx, t, a);
    Input in(body);
    const auto message = in.optStr("message", 0, 2000);
    in.finish();
    if (t.mode != "claim")
        throw DomainError::conflict("WRONG_MODE", "This task is not a claim task (mode " + t.mode + ")");
    if (t.hasSubtasks)
        throw DomainError::conflict("PARENT_TASK", "This task was split; claim one of its subtasks");
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    const std::string now = m_p.clock.nowIso();
    json::object out;
    if (t.requireApproval) {
        if (tx.scalarInt(
                "SELECT 1 FROM applications WHERE task_id = ? AND agent_id = ? AND status = 'pending'",
                {sqlText(id), sqlText(a.profileId)}))
            throw DomainError::conflict("DUPLICATE_APPLICATION", "You already applied for this task");
        const std::string appId = newId("app_");
        tx.exec("INSERT INTO applications(id, task_id, agent_id, status, message, created_at, updated_at)"
                " VALUES (?,?,?,'pending',?,?,?)",
                {sqlText(appId), sqlText(id), sqlText(a.profileId), sqlOptText(message), sqlText(now),
                 sqlText(now)});
        Notifier::notify(tx, m_p.clock, t.ownerId, "task.application", "task", id,
                         "A new application for " + t.title + " waits for approval");
        auto r = tx.query((std::string("SELECT ") + kAppCols + " FROM applications WHERE id = ?").c_str(),
                          {sqlText(appId)});
        r.next();
        out["application"] = applicationJson(tx, r);
        status = 201;
        return out;
    }
    // The conditional update is the race: exactly one claimant changes the row.
    if (tx.exec("UPDATE tasks SET status = 'assigned', updated_at = ? WHERE id = ? AND status = 'open'",
                {sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("TASK_NOT_OPEN", "This task was claimed by someone else");
    const std::string cid = ContractService::createContract(
        tx, m_p, t, "claim", "", a.profileId, t.budgetCents, t.budgetText.value_or(""), json::object{});
    Settlement::addReputation(tx, a.profileId, 2, 0);
    AuditLog::record(tx, &a, "task", id, "task.claimed", json::object{{"status", "open"}},
                     json::object{{"status", "assigned"}, {"contractId", cid}}, now);
    Notifier::notify(tx, m_p.clock, t.ownerId, "task.claimed", "contract", cid,
                     "Your task " + t.title + " was claimed");
    out["contract"] = ContractService::contractJson(tx, cid);
    status = 201;
    return out;
}

json::object TaskService::listApplications(store::Transaction& tx, const Actor& a, const std::string& id,
                                           const json::object& query)
{
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner sees its applications");
    requireScope(a, "bids:read");
    const auto page = pageFrom(query);
    auto r = tx.query((std::string("SELECT ") + kAppCols +
                       " FROM applications WHERE task_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?")
                          .c_str(),
                      {sqlText(id), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    std::vector<std::string> ids;
    while (r.next())
        ids.push_back(r.str(0));
    // Built once the rows are read: applicationJson runs a query of its own, which would cut a
    // row-by-row PostgreSQL result short (only the first application was listed).
    std::vector<json::object> tmp;
    for (const auto& appId : ids) {
        auto one = tx.query((std::string("SELECT ") + kAppCols + " FROM applications WHERE id = ?").c_str(),
                            {sqlText(appId)});
        if (one.next())
            tmp.push_back(applicationJson(tx, one));
    }
    for (auto& o : tmp)
        items.push_back(std::move(o));
    json::object out;
    finishPage(out, "applications", std::move(items), page.limit);
    return out;
}

json::object TaskService::decideApplication(store::Transaction& tx, const Actor& a, const std::string& id,
                                            const std::string& appId, bool approve, const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner decides applications");
    auto r = tx.query("SELECT agent_id, status FROM applications WHERE id = ? AND task_id = ?",
                      {sqlText(appId), sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Application");
    const std::string agent = r.str(0);
    const std::string appStatus = r.str(1);
    requireScope(a, "bids:write");
    Input in(body);
    const auto reason = in.optStr("reason", 0, 2000);
    in.finish();
    if (appStatus != "pending")
        throw DomainError::conflict("STATE_CONFLICT", "This application was already decided");
    const std::string now = m_p.clock.nowIso();
    json::object out;
    if (!approve) {
        tx.exec("UPDATE applications SET status = 'rejected', reason = ?, updated_at = ? WHERE id = ?",
                {sqlOptText(reason), sqlText(now), sqlText(appId)});
        Notifier::notify(tx, m_p.clock, agent, "application.rejected", "task", id,
                         "Your application for " + t.title + " was declined");
    } else {
        if (tx.exec("UPDATE tasks SET status = 'assigned', updated_at = ? WHERE id = ? AND status = 'open'",
                    {sqlText(now), sqlText(id)}) != 1)
            throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
        tx.exec("UPDATE applications SET status = 'approved', updated_at = ? WHERE id = ?",
                {sqlText(now), sqlText(appId)});
        std::vector<std::string> others;
        {
            auto o = tx.query("SELECT agent_id FROM applications WHERE task_id = ? AND status = 'pending'",
                              {sqlText(id)});
            while (o.next())
                others.push_back(o.str(0));
        }
        tx.exec("UPDATE applications SET status = 'rejected', reason = 'another application was approved', "
                "updated_at = ?"
                " WHERE task_id = ? AND status = 'pending'",
                {sqlText(now), sqlText(id)});
        for (const auto& o : others)
            Notifier::notify(tx, m_p.clock, o, "application.rejected", "task", id,
                             "Another agent was chosen for " + t.title);
        const std::string cid = ContractService::createContract(tx, m_p, t, "claim", "", agent, t.budgetCents,
                                                                t.budgetText.value_or(""), json::object{});
        Settlement::addReputation(tx, agent, 2, 0);
        AuditLog::record(tx, &a, "task", id, "task.application_approved", json::object{{"status", "open"}},
                         json::object{{"status", "assigned"}, {"contractId", cid}, {"agentId", agent}},
                         m_p.clock.nowIso());
        Notifier::notify(tx, m_p.clock, agent, "task.claimed", "contract", cid,
                         "Your application for " + t.title + " was approved");
        out["contract"] = ContractService::contractJson(tx, cid);
    }
    auto rr = tx.query((std::string("SELECT ") + kAppCols + " FROM applications WHERE id = ?").c_str(),
                       {sqlText(appId)});
    rr.next();
    out["application"] = applicationJson(tx, rr);
    return out;
}

json::object TaskService::submitOpen(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    const auto t = TaskRecord::loadForAction(tx, id);
    requireScope(a, "submissions:write");
    if (t.ownerId == a.profileId)
        throw DomainError(ErrorKind::Forbidden, "SELF_SUBMIT", "You cannot submit to your own task");
    requireSkillMatch(tx, t, a);
    const auto pkg = SubmissionPackage::parse(body);
    if (t.mode != "open")
        throw DomainError::conflict("WRONG_MODE",
                                    "This task is not an open-submission task (mode " + t.mode + ")");
    if (t.hasSubtasks)
        throw DomainError::conflict("PARENT_TASK", "This task was split; submit to one of its subtasks");
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    if (tx.scalarInt(
            "SELECT 1 FROM submissions WHERE task_id = ? AND submitter_id = ? AND status = 'pending'",
            {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::conflict("DUPLICATE_SUBMISSION",
                                    "You already have a pending submission on this task");
    std::optional<bool> passed;
    bool autoAccept = false;
    const std::string sid =
        ContractService::insertSubmission(tx, m_p, t, std::nullopt, a.profileId, pkg, passed, autoAccept);
    Settlement::addReputation(tx, a.profileId, 5, 0);
    AuditLog::record(tx, &a, "task", id, "task.submission_received", nullptr,
                     json::object{{"submissionId", sid}}, m_p.clock.nowIso());
    Notifier::notify(tx, m_p.clock, t.ownerId, "delivery.submitted", "task", id,
                     "New submission on " + t.title +
                         (passed ? (*passed ? " (verification passed)" : " (verification failed)") : ""));
    if (autoAccept && passed && *passed)
        acceptOpenSubmission(tx, t, sid, std::nullopt, "", true);
    auto r = tx.query(
        (std::string("SELECT ") + ContractService::SubmissionColumns + " FROM submissions WHERE id = ?")
            .c_str(),
        {sqlText(sid)});
    r.next();
    json::object out;
    out["submission"] = ContractService::submissionJson(r);
    return out;
}

json::object TaskService::listOpenSubmissions(store::Transaction& tx, const Actor& a, const std::string& id,
                                              const json::object& query)
{
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    requireScope(a, "submissions:read");
    const auto page = pageFrom(query);
    const bool owner = t.ownerId == a.profileId;
    auto r =
        tx.query((std::string("SELECT ") + ContractService::SubmissionColumns +
                  " FROM submissions WHERE task_id = ? AND (? = 1 OR submitter_id = ?) AND (? = '' OR id < ?)"
                  " ORDER BY id DESC LIMIT ?")
                     .c_str(),
                 {sqlText(id), sqlInt(owner ? 1 : 0), sqlText(a.profileId), sqlText(page.cursor),
                  sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next())
        items.push_back(ContractService::submissionJson(r));
    json::object out;
    finishPage(out, "submissions", std::move(items), page.limit);
    return out;
}

void TaskService::acceptOpenSubmission(store::Transaction& tx, const TaskRecord& t, const std::string& subId,
                                       std::optional<std::int64_t> rating, const std::string& review,
                                       bool automatic)
{
    const std::string now = m_p.clock.nowIso();
    if (tx.exec("UPDATE tasks SET status = 'completed', updated_at = ? WHERE id = ? AND status = 'open'",
                {sqlText(now), sqlText(t.id)}) != 1)
        throw DomainError::conflict("TASK_NOT_OPEN", "A submission was already accepted on this task");
    const std::string worker =
        tx.scalarText("SELECT submitter_id FROM submissions WHERE id = ?", {sqlText(subId)}).value();
    const std::string cid = ContractService::createContract(
        tx, m_p, t, "open", "", worker, t.budgetCents, t.budgetText.value_or(""), json::object{}, "accepted");
    tx.exec("UPDATE contracts SET submission_count = 1, closed_at = ? WHERE id = ?",
            {sqlText(now), sqlText(cid)});
    tx.exec("UPDATE submissions SET status = 'accepted', contract_id = ?, rating = ?, decided_at = ? WHERE "
            "id = ?",
            {sqlText(cid), rating ? sqlInt(*rating) : sqlNull(), sqlText(now), sqlText(subId)});
    std::vector<std::string> losers;
    {
        auto r = tx.query("SELECT submitter_id FROM submissions WHERE task_id = ? AND status = 'pending'",
                          {sqlText(t.id)});
        while (r.next())
            losers.push_back(r.str(0));
    }
    tx.exec("UPDATE submissions SET status = 'rejected', decision_reason = 'another submission was "
            "accepted', decided_at = ?"
            " WHERE task_id = ? AND status = 'pending'",
            {sqlText(now), sqlText(t.id)});
    for (const auto& l : losers)
        Notifier::notify(tx, m_p.clock, l, "delivery.rejected", "task", t.id,
                         "Another submission was accepted on " + t.title);
    if (t.budgetCents)
        Settlement::payWorker(tx, m_p, t.escrowAccount(), worker, *t.budgetCents, "contract", cid);
    Settlement::refundRemaining(tx, m_p, t.escrowAccount(), t.ownerId, "task", t.id);
    Settlement::recordAcceptance(tx, m_p,
                                 {cid, t.ownerId, worker, t.title, rating, review, automatic, "task", t.id});
}

json::object TaskService::decideOpenSubmission(store::Transaction& tx, const Actor& a, const std::string& id,
                                               const std::string& subId, const json::object& body)
{
    TaskRecord::lockForWrite(tx, id);
    const auto t = TaskRecord::loadVisible(tx, id, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner decides submissions");
    auto r = tx.query(
        "SELECT status, submitter_id FROM submissions WHERE id = ? AND task_id = ? AND contract_id IS NULL",
        {sqlText(subId), sqlText(id)});
    const bool found = r.next();
    const std::string subStatus = found ? r.str(0) : "";
    const std::string submitter = found ? r.str(1) : "";
    if (!found && !tx.scalarInt("SELECT 1 FROM submissions WHERE id = ? AND task_id = ?",
                                {sqlText(subId), sqlText(id)}))
        throw DomainError::notFound("Submission");
    requireScope(a, "decision:write");
    Input in(body);
    const std::string action = in.requiredEnum("action", {"accept", "reject"});
    const auto reason = in.optStr("reason", 1, 5000);
    if (action == "reject" && !reason)
        in.fail("reason", "is required when rejecting");
    const auto rating = in.optInt("rating", 1, 5);
    const auto review = in.optStr("review", 0, 5000);
    in.finish();
    if (subStatus != "pending")
        throw DomainError::conflict("STATE_CONFLICT", "This submission was already decided");
    const std::string now = m_p.clock.nowIso();
    if (action == "accept") {
        acceptOpenSubmission(tx, t, subId, rating, review.value_or(""), false);
    } else {
        tx.exec(
            "UPDATE submissions SET status = 'rejected', decision_reason = ?, decided_at = ? WHERE id = ?",
            {sqlText(*reason), sqlText(now), sqlText(subId)});
        Notifier::notify(tx, m_p.clock, submitter, "delivery.rejected", "task", id,
                         "Your submission on " + t.title + " was rejected: " + *reason);
    }
    AuditLog::record(tx, &a, "task", id,
                     action == "accept" ? "task.submission_accepted" : "task.submission_rejected", nullptr,
                     json::object{{"submissionId", subId},
                                  {"reason", reason ? json::value(*reason) : json::value(nullptr)}},
                     now);
    auto rr = tx.query(
        (std::string("SELECT ") + ContractService::SubmissionColumns + " FROM submissions WHERE id = ?")
            .c_str(),
        {sqlText(subId)});
    rr.next();
    json::object out;
    out["submission"] = ContractService::submissionJson(rr);
    out["task"] = TaskRecord::loadForAction(tx, id).toJson(tx);
    return out;
}

int TaskService::autoAcceptOpenSubmissions(store::Transaction& tx, int maxCount)
{
    auto r = tx.query("SELECT id, task_id FROM submissions WHERE status = 'pending' AND contract_id IS NULL"
                      " AND review_due_at <= ? ORDER BY id LIMIT ?",
                      {sqlText(m_p.clock.nowIso()), sqlInt(maxCount)});
    std::vector<std::pair<std::string, std::string>> due;
    while (r.next())
        due.emplace_back(r.str(0), r.str(1));
    int n = 0;
    for (const auto& [sub, task] : due) {
        auto t = TaskRecord::load(tx, task);
        if (!t || t->status != "open")
            continue;
        if (tx.scalarText("SELECT status FROM submissions WHERE id = ?", {sqlText(sub)}).value_or("") !=
            "pending")
            continue;
        acceptOpenSubmission(tx, *t, sub, std::nullopt, "", true);
        ++n;
    }
    return n;
}

} // namespace taskdesk::domain
