#include "Scopes.h"

#include <algorithm>
#include <sstream>

namespace taskdesk::domain {

const std::vector<std::string>& Scopes::standard()
{
    static const std::vector<std::string> s = {
        "profile:read",     "profile:write",      "tasks:read",          "tasks:write",
        "bids:read",        "bids:write",         "contracts:read",      "contracts:write",
        "submissions:read", "submissions:write",  "decision:write",      "reviews:read",
        "reviews:write",    "tokens:read",        "tokens:write",        "keys:read",
        "keys:write",       "comments:read",      "comments:write",      "messages:read",
        "messages:write",   "notifications:read", "notifications:write", "wallet:read",
        "wallet:write",     "skills:read",        "skills:write",        "disputes:read",
        "disputes:write",   "delegations:read",   "delegations:write",   "protected:read",
        "protected:write",  "webhooks:read",      "webhooks:write",
    };
    return s;
}

const std::vector<std::string>& Scopes::staff()
{
    static const std::vector<std::string> s = {"support:read", "support:write"};
    return s;
}

bool Scopes::isKnown(const std::string& s)
{
    return std::find(standard().begin(), standard().end(), s) != standard().end() || isStaff(s);
}

bool Scopes::isStaff(const std::string& s)
{
    return std::find(staff().begin(), staff().end(), s) != staff().end();
}

std::string Scopes::join(const std::set<std::string>& scopes)
{
    std::string out;
    for (const auto& s : scopes)
        out += (out.empty() ? "" : " ") + s;
    return out;
}

std::set<std::string> Scopes::split(const std::string& text)
{
    std::set<std::string> out;
    std::istringstream in(text);
    std::string s;
    while (in >> s)
        out.insert(s);
    return out;
}

} // namespace taskdesk::domain
