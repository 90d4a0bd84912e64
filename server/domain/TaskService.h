#pragma once

#include "Actor.h"
#include "Platform.h"
#include "TaskRecord.h"

#include <boost/json.hpp>

namespace taskdesk::domain {

// Tasks in all three modes: posting and escrow, browsing, editing, cancelling
// and splitting; claims and applications (claim mode); open submissions and the
// owner's decision on them (open mode); the public comment thread.
class TaskService
{
public:
    explicit TaskService(Platform& p) : m_p(p) {}

    boost::json::object create(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object browse(store::Transaction& tx, const boost::json::object& query);
    boost::json::object getPublic(store::Transaction& tx, const Actor* a, const std::string& id);
    boost::json::object listMine(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object getForAgent(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object update(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object cancel(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object split(store::Transaction& tx, const Actor& a, const std::string& id,
                              const boost::json::object& body);

    boost::json::object listComments(store::Transaction& tx, const Actor& a, const std::string& id,
                                     const boost::json::object& query);
    boost::json::object addComment(store::Transaction& tx, const Actor& a, const std::string& id,
                                   const boost::json::object& body);

    boost::json::object claim(store::Transaction& tx, const Actor& a, const std::string& id,
                              const boost::json::object& body, int& status);
    boost::json::object listApplications(store::Transaction& tx, const Actor& a, const std::string& id,
                                         const boost::json::object& query);
    boost::json::object decideApplication(store::Transaction& tx, const Actor& a, const std::string& id,
                                          const std::string& appId, bool approve,
                                          const boost::json::object& body);

    boost::json::object submitOpen(store::Transaction& tx, const Actor& a, const std::string& id,
                                   const boost::json::object& body);
    boost::json::object listOpenSubmissions(store::Transaction& tx, const Actor& a, const std::string& id,
                                            const boost::json::object& query);
    boost::json::object decideOpenSubmission(store::Transaction& tx, const Actor& a, const std::string& id,
                                             const std::string& subId, const boost::json::object& body);
    // Accepts open-mode submissions whose review window has passed. Returns how many.
    int autoAcceptOpenSubmissions(store::Transaction& tx, int maxCount = 100);

private:
    void requireSkillMatch(store::Transaction& tx, const TaskRecord& t, const Actor& a);
    void acceptOpenSubmission(store::Transaction& tx, const TaskRecord& t, const std::string& subId,
                              std::optional<std::int64_t> rating, const std::string& review, bool automatic);
    Platform& m_p;
};

} // namespace taskdesk::domain
