#pragma once

#include <set>
#include <string>

namespace taskdesk::domain {

// Who is acting: the profile, the credential it used, and what that credential
// may do. Domain operations take an Actor and decide object-level access.
struct Actor
{
    std::string profileId;
    std::string credentialId;   // tok_... or ak_...
    std::string credentialKind; // "token" | "api_key" | "system"
    // Set when the credential was minted by a delegation (dlg_...): its scopes,
    // spend limit and expiry bound every request made with it.
    std::string delegationId;
    std::set<std::string> scopes;
    std::set<std::string> roles; // "support", "admin"

    bool hasScope(const std::string& s) const { return scopes.count(s) > 0; }
    bool isStaff() const { return roles.count("support") || roles.count("admin"); }
    std::string credentialLabel() const { return credentialKind + ":" + credentialId; }
};

} // namespace taskdesk::domain
