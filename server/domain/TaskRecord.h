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

    bool credits() const { return currency && *currency == "CREDITS" && budgetCents; }
    std::string escrowAccount() const { return "escrow:" + id; }

    static constexpr const char* Columns =
        "id, owner_id, title, description, acceptance_criteria, skills_tags, budget_amount, budget_cents,"
        " budget_currency, budget_currency_custom, budget_text, deadline, visibility, mode, status, require_approval,"
        " verification, protected_payload, review_window_hours, parent_id, has_subtasks, created_at, updated_at";
    static TaskRecord fromRow(store::Rows& r, int c = 0);
    // nullopt when the task does not exist.
    static std::optional<TaskRecord> load(store::Transaction& tx, const std::string& id);
    // Whether actor may read the task: public ones by anyone, unlisted ones by the
    // owner and the parties of its contracts, bids, applications and submissions.
    bool visibleTo(store::Transaction& tx, const Actor* actor) const;
    // Loads and checks visibility; throws 404 otherwise.
    static TaskRecord loadVisible(store::Transaction& tx, const std::string& id, const Actor* actor);
    // Loads a task an actor may act on by id (unlisted tasks included); 404 if missing.
    static TaskRecord loadForAction(store::Transaction& tx, const std::string& id);
    boost::json::object toJson(store::Transaction& tx, bool includeOwner = true) const;
};

} // namespace taskdesk::domain
