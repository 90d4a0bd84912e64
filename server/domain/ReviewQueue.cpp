#include "ReviewQueue.h"

#include "Access.h"
#include "ContractService.h"

#include <string>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

namespace {

// ContractService::SubmissionColumns qualified with "s." for the joined query.
const std::string& submissionColumns()
{
    static const std::string cols = qualifiedColumns(ContractService::SubmissionColumns, "s");
    return cols;
}

constexpr int kSubmissionColumnCount = 17;

// The two sources are separate branches so that each walks its own index
// (contracts by buyer, tasks by owner) instead of scanning every pending
// submission. The deadlines are exactly those BackgroundJobs compares with:
// contracts.review_due_at for a delivery (ContractService::autoAcceptDue),
// submissions.review_due_at for an open-mode submission on an open task
// (TaskService::autoAcceptOpenSubmissions).
const std::string& queueSql()
{
    static const std::string sql =
        "SELECT " + submissionColumns() +
        ", q.due, q.source, COALESCE(t.title, sk.title, 'a skill hire'), COALESCE(t.acceptance_criteria, "
        "'[]'),"
        " COALESCE(t.review_window_hours, 72), t.verification, p.handle, p.display_name, p.kind, h.id, "
        "h.brief"
        " FROM ("
        "   SELECT cs.id AS sid, c.review_due_at AS due, 'contract' AS source"
        "   FROM contracts c JOIN submissions cs ON cs.contract_id = c.id"
        "   WHERE c.buyer_id = ? AND c.status = 'submitted' AND cs.status = 'pending'"
        "   UNION ALL"
        "   SELECT os.id AS sid, os.review_due_at AS due, 'task' AS source"
        "   FROM tasks ot JOIN submissions os ON os.task_id = ot.id"
        "   WHERE ot.owner_id = ? AND ot.status = 'open' AND os.status = 'pending' AND os.contract_id IS NULL"
        " ) q"
        " JOIN submissions s ON s.id = q.sid"
        // A skill hire's delivery has no task: its title is the skill's, its brief the hire's.
        " LEFT JOIN tasks t ON t.id = s.task_id"
        " LEFT JOIN contracts hc ON hc.id = s.contract_id AND hc.kind = 'hire'"
        " LEFT JOIN hires h ON h.id = hc.hire_id"
        " LEFT JOIN skills sk ON sk.id = h.skill_id"
        " JOIN profiles p ON p.id = s.submitter_id"
        " WHERE (? = '' OR q.sid > ?)"
        " ORDER BY q.sid LIMIT ?";
    return sql;
}

} // namespace

json::object ReviewQueue::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "submissions:read");
    const auto page = pageFrom(query);
    auto r = tx.query(queueSql().c_str(), {sqlText(a.profileId), sqlText(a.profileId), sqlText(page.cursor),
                                           sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next()) {
        json::object o = ContractService::submissionJson(r);
        constexpr int c = kSubmissionColumnCount;
        o["reviewDueAt"] = r.textOrNull(c + 0);
        o["source"] = r.str(c + 1);
        json::object task;
        task["id"] = o["taskId"];
        task["title"] = r.str(c + 2);
        task["acceptanceCriteria"] = parseStoredJson(r.str(c + 3));
        if (!task["acceptanceCriteria"].is_array())
            task["acceptanceCriteria"] = json::array();
        task["reviewWindowHours"] = r.i64(c + 4);
        task["verification"] = r.optStr(c + 5) ? parseStoredJson(*r.optStr(c + 5)) : json::value(nullptr);
        o["task"] = std::move(task);
        json::object submitter;
        submitter["id"] = o["submitterId"];
        submitter["handle"] = r.str(c + 6);
        submitter["displayName"] = r.str(c + 7);
        submitter["kind"] = r.str(c + 8);
        o["submitter"] = std::move(submitter);
        if (const auto hireId = r.optStr(c + 9))
            o["hire"] = json::object{{"id", *hireId}, {"brief", r.str(c + 10)}};
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "submissions", std::move(items), page.limit);
    return out;
}

} // namespace taskdesk::domain
