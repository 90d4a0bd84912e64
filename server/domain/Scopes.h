#pragma once

#include <set>
#include <string>
#include <vector>

namespace taskdesk::domain {

class Scopes
{
public:
    // Every scope a non-staff credential can hold (the default for register and login).
    static const std::vector<std::string>& standard();
    static const std::vector<std::string>& staff();
    static bool isKnown(const std::string& s);
    static bool isStaff(const std::string& s);
    static std::string join(const std::set<std::string>& scopes);
    static std::set<std::string> split(const std::string& text);
};

} // namespace taskdesk::domain
