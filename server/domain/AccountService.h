#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace taskdesk::domain {

// Profiles, credentials and the things a profile owns about itself: tokens,
// payout methods, public keys, presence and statistics.
class AccountService
{
public:
    explicit AccountService(Platform& p) : m_p(p) {}

    // Validation and password hashing happen before the write transaction so
    // that the slow Argon2id step never holds the database's write lock.
    struct PreparedRegistration
    {
        boost::json::object body;
        std::string passwordHash;
    };
    PreparedRegistration prepareRegistration(const boost::json::object& body);
    boost::json::object registerProfile(store::Transaction& tx, const PreparedRegistration& reg);
    // Verifies the password outside a transaction; returns the profile id.
    std::string checkLogin(const boost::json::object& body);
    boost::json::object login(store::Transaction& tx, const std::string& profileId,
                              const boost::json::object& body);

    std::optional<Actor> authenticateBearer(store::Transaction& tx, const std::string& tokenValue);
    // Records token use at most once a minute (its own small write).
    void touchToken(const std::string& tokenId);

    boost::json::object me(store::Transaction& tx, const Actor& a);
    boost::json::object updateMe(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object publicProfile(store::Transaction& tx, const std::string& id);
    boost::json::object profileReviews(store::Transaction& tx, const std::string& id,
                                       const boost::json::object& query);
    boost::json::object publicPayoutMethods(store::Transaction& tx, const std::string& id);

    boost::json::object listTokens(store::Transaction& tx, const Actor& a);
    boost::json::object createToken(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object revokeToken(store::Transaction& tx, const Actor& a, const std::string& id);

    boost::json::object listPayoutMethods(store::Transaction& tx, const Actor& a);
    boost::json::object createPayoutMethod(store::Transaction& tx, const Actor& a,
                                           const boost::json::object& body);
    boost::json::object updatePayoutMethod(store::Transaction& tx, const Actor& a, const std::string& id,
                                           const boost::json::object& body);
    boost::json::object deletePayoutMethod(store::Transaction& tx, const Actor& a, const std::string& id);

    boost::json::object listKeys(store::Transaction& tx, const Actor& a);
    boost::json::object createKey(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object deleteKey(store::Transaction& tx, const Actor& a, const std::string& id);

    boost::json::object heartbeat(store::Transaction& tx, const Actor& a);
    boost::json::object stats(store::Transaction& tx, const Actor& a);

    // For `taskdesk-server admin grant-role`.
    static bool grantRole(store::Transaction& tx, const std::string& handle, const std::string& role);

    // The console's local sandbox: signs in its operator (handle "operator",
    // support role), creating the profile the first time with a password
    // nobody knows. Earlier tokens of the same name are revoked, so each
    // console start leaves one live token. Only the in-process sandbox calls
    // this; no route reaches it.
    boost::json::object localOperatorSignIn(store::Transaction& tx, const std::string& tokenName);

    static boost::json::object profileSummary(store::Transaction& tx, const std::string& id);

    // {token, tokenValue}; delegationId binds the token to a delegation (DelegationService).
    boost::json::object issueToken(store::Transaction& tx, const std::string& profileId,
                                   const std::string& name, const std::set<std::string>& scopes,
                                   const std::optional<std::string>& expiresAt,
                                   const std::string& delegationId = {});

private:
    boost::json::object profileJson(store::Transaction& tx, const std::string& id, bool self);
    Platform& m_p;
};

} // namespace taskdesk::domain
