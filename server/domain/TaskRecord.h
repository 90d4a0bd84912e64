#pragma once

#include "Actor.h"
#include "Database.h"

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace taskdesk::domain {

// A task row as the domain reads it.
struct TaskRecord
{
    std::string id, ownerId, title, description, criteria, skills;
    std::optional<std::string> budgetAmount;
    std::optional<std::int64_t> budgetCents;
    std::optional<std::string> currency, currencyCustom, budgetText, deadline;
    std::string visibility, mode, status;
    bool requireApproval = false;
    std::optional<std::string> verification, protectedPayload, parentId;
    std::int64_t reviewWindowHours = 72;
    bool hasSubtasks = false;
    std::string createdAt, updatedAt;
    // Filled by list queries that join the owner and the escrow account, so
    // that a page of tasks is one query rather than three per task.
    std::optional<boost::json::object> ownerSummary;
    std::optional<std::int64_t> escrowBalance;

    bool credits() const { return currency && *currency == "CREDITS" && budgetCents; }
    std::string escrowAccount() const { return "escrow:" + id; }

    static constexpr const char* Columns =
        "id, owner_id, title, description, acceptance_criteria, skills_tags, budget_amount, budget_cents,"
        " budget_currency, budget_currency_custom, budget_text, deadline, visibility, mode, status, "
        "require_approval,"
        " verification, protected_payload, review_window_hours, parent_id, has_subtasks, created_at, "
        "updated_at";
    static TaskRecord fromRow(store::Rows& r, int c = 0);
    // "SELECT <JoinedSelect> <JoinedFrom> WHERE ..." reads tasks as "t" with their
    // owner and escrow; rows are read with fromJoinedRow.
    static const std::string& joinedSelect();
    static constexpr const char* JoinedFrom =
        " FROM tasks t JOIN profiles p ON p.id = t.owner_id LEFT JOIN accounts a ON a.id = 'escrow:' || t.id";
    static TaskRecord fromJoinedRow(store::Rows& r);
    // nullopt when the task does not exist.
    static std::optional<TaskRecord> load(store::Transaction& tx, const std::string& id);
    // Whether actor may read the task: public ones by anyone, unlisted ones by the
    // owner and the parties of its contracts, bids, applications and submissions.
    bool visibleTo(store::Transaction& tx, const Actor* actor) const;
    // Loads and checks visibility; throws 404 otherwise.
    static TaskRecord loadVisible(store::Transaction& tx, const std::string& id, const Actor* actor);
    // Loads a task an actor may act on by id (unlisted tasks included); 404 if missing.
    static TaskRecord loadForAction(store::Transaction& tx, const std::string& id);
    // Writers that decide on a task's state lock its row before reading it. PostgreSQL runs
    // READ COMMITTED, so without the lock two writers each act on what they read (a claim at
    // the old budget while the budget is lowered, a bid landing on a task just hired or
    // cancelled). No-op on SQLite, whose writers are serialised already.
    static void lockForWrite(store::Transaction& tx, const std::string& id);
    boost::json::object toJson(store::Transaction& tx, bool includeOwner = true) const;
};

} // namespace taskdesk::domain
