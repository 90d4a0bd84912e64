#include "JsonPath.h"

#include <cstdlib>

namespace taskdesk::test {

boost::json::value jsonPath(const boost::json::value& root, const std::string& path)
{
    const boost::json::value* cur = &root;
    std::size_t start = 0;
    while (true) {
        std::size_t dot = path.find('.', start);
        if (dot == std::string::npos)
            dot = path.size();
        const std::string seg = path.substr(start, dot - start);
        if (cur->is_object()) {
            const auto* next = cur->as_object().if_contains(seg);
            if (!next)
                return nullptr;
            cur = next;
        } else if (cur->is_array()) {
            char* end = nullptr;
            const long idx = std::strtol(seg.c_str(), &end, 10);
            if (seg.empty() || *end || idx < 0 || static_cast<std::size_t>(idx) >= cur->as_array().size())
                return nullptr;
            cur = &cur->as_array()[static_cast<std::size_t>(idx)];
        } else {
            return nullptr;
        }
        if (dot == path.size())
            break;
        start = dot + 1;
    }
    return *cur;
}

} // namespace taskdesk::test
