#include "TaskRecord.h"

#include "Access.h"
#include "AccountService.h"
#include "DomainError.h"
#include "Ledger.h"

#include <cstdlib>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlText;

TaskRecord TaskRecord::fromRow(store::Rows& r, int c)
{
    TaskRecord t;
    t.id = r.str(c + 0);
    t.ownerId = r.str(c + 1);
    t.title = r.str(c + 2);
    t.description = r.str(c + 3);
    t.criteria = r.str(c + 4);
    t.skills = r.str(c + 5);
    t.budgetAmount = r.optStr(c + 6);
    t.budgetCents = r.optI64(c + 7);
    t.currency = r.optStr(c + 8);
    t.currencyCustom = r.optStr(c + 9);
    t.budgetText = r.optStr(c + 10);
    t.deadline = r.optStr(c + 11);
    t.visibility = r.str(c + 12);
    t.mode = r.str(c + 13);
    t.status = r.str(c + 14);
    t.requireApproval = r.i64(c + 15) != 0;
    t.verification = r.optStr(c + 16);
    t.protectedPayload = r.optStr(c + 17);
    t.reviewWindowHours = r.i64(c + 18);
    t.parentId = r.optStr(c + 19);
    t.hasSubtasks = r.i64(c + 20) != 0;
    t.createdAt = r.str(c + 21);
    t.updatedAt = r.str(c + 22);
    return t;
}

const std::string& TaskRecord::joinedSelect()
{
    static const std::string cols =
        qualifiedColumns(Columns, "t") + ", p.handle, p.display_name, p.kind, a.balance";
    return cols;
}

TaskRecord TaskRecord::fromJoinedRow(store::Rows& r)
{
    TaskRecord t = fromRow(r, 0);
    json::object owner;
    owner["id"] = t.ownerId;
    owner["handle"] = r.str(23);
    owner["displayName"] = r.str(24);
    owner["kind"] = r.str(25);
    t.ownerSummary = std::move(owner);
    t.escrowBalance = r.optI64(26).value_or(0);
    return t;
}

std::optional<TaskRecord> TaskRecord::load(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query((std::string("SELECT ") + Columns + " FROM tasks WHERE id = ?").c_str(), {sqlText(id)});
    if (!r.next())
        return std::nullopt;
    return fromRow(r);
}

bool TaskRecord::visibleTo(store::Transaction& tx, const Actor* actor) const
{
    if (visibility == "public")
        return true;
    if (!actor)
        return false;
    if (actor->profileId == ownerId || actor->isStaff())
        return true;
    const auto p = sqlText(actor->profileId);
    const auto t = sqlText(id);
    return tx.scalarInt("SELECT 1 FROM contracts WHERE task_id = ? AND seller_id = ?", {t, p}) ||
           tx.scalarInt("SELECT 1 FROM bids WHERE task_id = ? AND bidder_id = ?", {t, p}) ||
           tx.scalarInt("SELECT 1 FROM applications WHERE task_id = ? AND agent_id = ?", {t, p}) ||
           tx.scalarInt("SELECT 1 FROM submissions WHERE task_id = ? AND submitter_id = ?", {t, p});
}

TaskRecord TaskRecord::loadVisible(store::Transaction& tx, const std::string& id, const Actor* actor)
{
    auto t = load(tx, id);
    if (!t || !t->visibleTo(tx, actor))
        throw DomainError::notFound("Task");
    return *t;
}

void TaskRecord::lockForWrite(store::Transaction& tx, const std::string& id)
{
    if (tx.backend() == store::Backend::Postgres)
        tx.scalarText("SELECT id FROM tasks WHERE id = ? FOR UPDATE",
                      {sqlText(id)}); // the row is read: the lock is held
}

TaskRecord TaskRecord::loadForAction(store::Transaction& tx, const std::string& id)
{
    auto t = load(tx, id);
    if (!t)
        throw DomainError::notFound("Task");
    return *t;
}

json::object TaskRecord::toJson(store::Transaction& tx, bool includeOwner) const
{
    json::object o;
    o["id"] = id;
    o["title"] = title;
    o["description"] = description;
    o["acceptanceCriteria"] = parseStoredJson(criteria);
    o["skillsTags"] = parseStoredJson(skills);
    if (budgetCents)
        o["budgetAmount"] = money(*budgetCents);
    else if (budgetAmount)
        o["budgetAmount"] = std::strtod(budgetAmount->c_str(), nullptr);
    else
        o["budgetAmount"] = nullptr;
    o["budgetCurrency"] = currency ? json::value(*currency) : json::value(nullptr);
    if (currencyCustom)
        o["budgetCurrencyCustom"] = *currencyCustom;
    o["budgetText"] = budgetText ? json::value(*budgetText) : json::value(nullptr);
    o["deadline"] = deadline ? json::value(*deadline) : json::value(nullptr);
    o["visibility"] = visibility;
    o["mode"] = mode;
    o["status"] = status;
    o["requireApproval"] = requireApproval;
    o["verification"] = verification ? parseStoredJson(*verification) : json::value(nullptr);
    o["protected"] = protectedPayload ? parseStoredJson(*protectedPayload) : json::value(nullptr);
    o["reviewWindowHours"] = reviewWindowHours;
    o["parentId"] = parentId ? json::value(*parentId) : json::value(nullptr);
    o["hasSubtasks"] = hasSubtasks;
    if (credits())
        o["escrowAmount"] = money(escrowBalance ? *escrowBalance : Ledger::balance(tx, escrowAccount()));
    if (includeOwner)
        o["owner"] = ownerSummary ? *ownerSummary : AccountService::profileSummary(tx, ownerId);
    o["createdAt"] = createdAt;
    o["updatedAt"] = updatedAt;
    return o;
}

} // namespace taskdesk::domain
