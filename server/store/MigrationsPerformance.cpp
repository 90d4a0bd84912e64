// Indexes added after measuring the server as the task table grows (migration
// version 10); docs/performance.md, "Growth", has the figures.
#include "Migrations.h"

namespace taskdesk::store {

namespace {

// The browse page in budget order (GET /api/tasks?sort=budget) sorts by
// COALESCE(budget_cents, -1) DESC, id DESC among public tasks of one status.
// Without an index in that order both SQLite and PostgreSQL read every open
// public task and sort them for each page (EXPLAIN: "USE TEMP B-TREE FOR ORDER
// BY"), so the page cost grew with the table; with it a page is an index walk,
// as the default order already is on tasks_public_list. The expression must be
// written as the query writes it for the planners to match it.
std::vector<std::string> v10(Backend)
{
    return {
        "CREATE INDEX tasks_public_budget ON tasks(visibility, status, (COALESCE(budget_cents, -1)) DESC, id "
        "DESC)",
    };
}

} // namespace

std::vector<Migration> Migrations::performance()
{
    return {{10, "browse indexes", &v10}};
}

} // namespace taskdesk::store
