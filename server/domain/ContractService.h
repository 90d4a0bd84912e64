#pragma once

#include "Actor.h"
#include "Platform.h"
#include "TaskRecord.h"

#include <boost/json.hpp>
#include <optional>

namespace taskdesk::domain {

// A deliverable as submitted (seed 002's delivery package, or OpenTask's
// deliverableUrl alone), validated.
struct SubmissionPackage
{
    std::optional<std::string> deliverableUrl, summaryText, notes;
    boost::json::value output; // null when absent
    boost::json::array attachments;
    static SubmissionPackage parse(const boost::json::object& body);
};

// One contract machine for hired bids, claims, open-task winners (and skill
// hires later): in_progress -> submitted -> accepted | rejected -> in_progress,
// and cancelled by mutual agreement.
class ContractService
{
public:
    explicit ContractService(Platform& p) : m_p(p) {}

    boost::json::object hire(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object submit(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object listSubmissions(store::Transaction& tx, const Actor& a, const std::string& id,
                                        const boost::json::object& query);
    boost::json::object decide(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object addReview(store::Transaction& tx, const Actor& a, const std::string& id,
                                  const boost::json::object& body);
    boost::json::object listReviews(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object cancellation(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const boost::json::object& body);
    // Accepts submitted contracts whose review window has passed. Returns how many.
    int autoAcceptDue(store::Transaction& tx, int maxCount = 100);

    // Creates a contract for a task (bid hire, claim, open winner). The task's
    // escrow must already hold the price; any surplus goes back to the owner.
    static std::string createContract(store::Transaction& tx, const Platform& p, const TaskRecord& t,
                                      const std::string& kind, const std::string& bidId,
                                      const std::string& sellerId, std::optional<std::int64_t> priceCents,
                                      const std::string& priceText, const boost::json::object& payment,
                                      const std::string& status = "in_progress");
    static boost::json::object contractJson(store::Transaction& tx, const std::string& id);
    static boost::json::object submissionJson(store::Rows& r, int c = 0);
    static constexpr const char* SubmissionColumns =
        "id, task_id, contract_id, submitter_id, deliverable_url, summary_text, output, attachments, notes, "
        "status,"
        " verification_passed, verification_detail, decision_reason, rating, review_due_at, created_at, "
        "decided_at";
    // Inserts a submission and runs the task's verification rule on it. Returns its id; passed is set.
    static std::string insertSubmission(store::Transaction& tx, const Platform& p, const TaskRecord& t,
                                        const std::optional<std::string>& contractId,
                                        const std::string& submitterId, const SubmissionPackage& pkg,
                                        std::optional<bool>& passed, bool& autoAccept);

private:
    void accept(store::Transaction& tx, const std::string& contractId, std::optional<std::int64_t> rating,
                const std::string& review, bool automatic);
    Platform& m_p;
};

} // namespace taskdesk::domain
