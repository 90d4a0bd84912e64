#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace taskdesk::domain {

// HMAC key pairs ("ak_..." + a secret shown once). The secret is sealed under the
// server key (ServerSecrets, context "api_keys.secret:<keyId>"): HMAC verification
// needs it, so it cannot be stored hashed only. Requests signed with a key are
// checked in three steps (see ApiServer::execute): verifySignature() outside any
// transaction, recordSignature() for the replay cache, authenticate() inside the
// request's transaction for the key's current state.
class ApiKeyService
{
public:
    explicit ApiKeyService(Platform& p) : m_p(p) {}

    boost::json::object create(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object revoke(store::Transaction& tx, const Actor& a, const std::string& keyId);

    // Mints a key for profileId (delegations use it); returns {apiKey, secret}.
    boost::json::object issue(store::Transaction& tx, const std::string& profileId, const std::string& name,
                              const std::set<std::string>& scopes,
                              const std::optional<std::string>& expiresAt, const std::string& delegationId);
    static boost::json::object keyJson(store::Rows& r);

    enum class Check
    {
        Ok,
        UnknownKey,   // unknown, revoked, expired, or its delegation is over
        BadTimestamp, // not unix seconds
        Stale,        // more than 300 s off, either way
        BadSignature,
        Replayed,
    };
    struct Verified
    {
        Check check = Check::UnknownKey;
        std::string profileId;
    };
    // Opens the key's secret and checks the signature over the request as sent. Uses its
    // own read transaction; never call it inside one.
    Verified verifySignature(const std::string& keyId, const std::string& timestamp,
                             const std::string& method, const std::string& target, const std::string& body,
                             const std::string& signature);
    // Remembers a verified signature until its timestamp leaves the window, in a table every
    // server process on the database shares; false when it was already seen (a replay). Its
    // own write transaction, committed before the request runs: a signed request is used up
    // whatever its outcome, so a captured request cannot be run later when it would succeed.
    bool recordSignature(const std::string& keyId, const std::string& timestamp,
                         const std::string& signature);
    // The key's current state in the request's transaction: the Actor, or nullopt when it is
    // unknown, revoked, expired or its delegation was revoked or expired.
    std::optional<Actor> authenticate(store::Transaction& tx, const std::string& keyId);
    // Records key use at most once a minute (its own small write).
    void touch(const std::string& keyId);

private:
    Platform& m_p;
    std::mutex m_purgeMutex;
    std::int64_t m_lastPurge = 0;
};

} // namespace taskdesk::domain
