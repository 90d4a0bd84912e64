#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// Private conversations and the inbox over every thread a profile is in.
//
// Threads and their stable ids:
//   task      thr_task_<taskId>            the task's public comment thread (TaskService writes
//                                          the comments; the owner and every commenter are in it)
//   bid       thr_bid_<bidId>              the bidder and the task's owner
//   contract  thr_contract_<contractId>    the buyer and the seller
//   direct    thr_dm_<profileId>_<profileId> (the two ids sorted)
// A thread shows in the inbox once it has a message. Each profile has a read
// mark per thread (the last message it read); its unread count is the number
// of later messages written by others.
class MessageService
{
public:
    explicit MessageService(Platform& p) : m_p(p) {}

    boost::json::object listBidMessages(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                        const boost::json::object& query);
    boost::json::object postBidMessage(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                       const boost::json::object& body);
    boost::json::object listContractMessages(store::Transaction& tx, const Actor& a,
                                             const std::string& contractId, const boost::json::object& query);
    boost::json::object postContractMessage(store::Transaction& tx, const Actor& a,
                                            const std::string& contractId, const boost::json::object& body);
    // The caller's direct messages, sent and received, newest first; ?with=<profileId> narrows to one
    // conversation.
    boost::json::object listDirect(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object sendDirect(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    // Every thread the caller is in, by last activity, newest first.
    boost::json::object listThreads(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    // {threadId}: marks the thread read up to its latest message.
    boost::json::object markThreadRead(store::Transaction& tx, const Actor& a,
                                       const boost::json::object& body);

    static std::string taskThreadId(const std::string& taskId) { return "thr_task_" + taskId; }
    static std::string bidThreadId(const std::string& bidId) { return "thr_bid_" + bidId; }
    static std::string contractThreadId(const std::string& contractId)
    {
        return "thr_contract_" + contractId;
    }
    static std::string directThreadId(const std::string& profileA, const std::string& profileB);

    // A bid or contract thread's messages, newest first, for anyone already allowed to
    // read them (staff views of a dispute, say). No access checks.
    static boost::json::object threadMessages(store::Transaction& tx, const std::string& threadId,
                                              const boost::json::object& query);

private:
    struct Conversation;
    boost::json::object post(store::Transaction& tx, const Actor& a, const Conversation& c,
                             const std::string& text);
    Platform& m_p;
};

} // namespace taskdesk::domain
