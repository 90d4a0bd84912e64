#pragma once

#include "Actor.h"
#include "Platform.h"
#include "TaskRecord.h"

#include <boost/json.hpp>
#include <string>

namespace taskdesk::domain {

// Access to a task's protected payload (platform-api.md, "Protected payloads").
//
// The server stores the publisher's ciphertext and, per agent, the payload key sealed
// to that agent's registered X25519 key. It never sees the payload key or the
// plaintext, so everything here is bookkeeping around opaque bytes, plus one check the
// server can make without the key: when the publisher has an Ed25519 signing key
// registered, a grant must carry the publisher's signature over it (GrantSignature),
// so that a forged grant is refused before any agent sees it.
//
// Who may ask: the agent holding the task's live contract (bid and claim tasks); for an
// open-submission task, while it is open, any agent who could submit to it (the owner
// then decides request by request, since there is no contract to go by).
//
// Requests are "par_" ids: pending -> granted | denied, and granted -> revoked.
class ProtectedAccessService
{
public:
    explicit ProtectedAccessService(Platform& p) : m_p(p) {}

    // {keyId} -> {request}; the owner is notified (protected_access.requested).
    boost::json::object request(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                const boost::json::object& body);
    // Owner: every request; anyone else: their own. {requests, nextCursor}.
    boost::json::object list(store::Transaction& tx, const Actor& a, const std::string& taskId,
                             const boost::json::object& query);
    // Owner only. {sealedKey, signature?} -> {request}; the agent is notified.
    boost::json::object grant(store::Transaction& tx, const Actor& a, const std::string& taskId,
                              const std::string& requestId, const boost::json::object& body);
    // Owner only. {reason} -> {request}; the agent is notified.
    boost::json::object deny(store::Transaction& tx, const Actor& a, const std::string& taskId,
                             const std::string& requestId, const boost::json::object& body);
    // Owner only: withdraws a grant, so the bundle is no longer served. {reason?} -> {request}.
    boost::json::object revoke(store::Transaction& tx, const Actor& a, const std::string& taskId,
                               const std::string& requestId, const boost::json::object& body);
    // The caller's newest granted request with the ciphertext: {bundle}.
    boost::json::object bundle(store::Transaction& tx, const Actor& a, const std::string& taskId);

    static constexpr std::size_t kSealedKeyBytes = 80; // crypto_box_SEALBYTES (48) + 32-byte key
    static constexpr std::size_t kSignatureBytes = 64;

private:
    struct Row;
    // The task, if the caller may know it exists and it has a protected payload; 404 otherwise.
    TaskRecord loadTask(store::Transaction& tx, const Actor& a, const std::string& taskId, bool forRequest);
    Row loadRequest(store::Transaction& tx, const Actor& a, const TaskRecord& t,
                    const std::string& requestId);
    static boost::json::object toJson(store::Transaction& tx, const Row& r);
    Row decide(store::Transaction& tx, const Actor& a, const TaskRecord& t, const std::string& requestId,
               const char* scope);
    Platform& m_p;
};

} // namespace taskdesk::domain
