#include "Access.h"

#include <charconv>

namespace taskdesk::domain {

Page pageFrom(const boost::json::object& query)
{
    Page p;
    if (const auto* c = query.if_contains("cursor"); c && c->is_string())
        p.cursor = std::string(c->as_string());
    if (p.cursor.size() > 64)
        throw DomainError::invalid("cursor", "is not a cursor this server issued");
    for (char ch : p.cursor)
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '_' || ch == ':' || ch == '-'))
            throw DomainError::invalid("cursor", "is not a cursor this server issued");
    if (const auto* l = query.if_contains("limit"); l && l->is_string()) {
        const std::string s(l->as_string());
        int n = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (r.ec != std::errc() || r.ptr != s.data() + s.size() || n < 1 || n > 100)
            throw DomainError::invalid("limit", "must be an integer from 1 to 100");
        p.limit = n;
    }
    return p;
}

boost::json::value parseStoredJson(const std::string& text)
{
    if (text.empty())
        return nullptr;
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    return ec ? boost::json::value(nullptr) : v;
}

std::string storeJson(const boost::json::value& v)
{
    return boost::json::serialize(v);
}

std::string qualifiedColumns(const std::string& columns, const std::string& alias)
{
    std::string out;
    std::size_t start = 0;
    while (start < columns.size()) {
        std::size_t comma = columns.find(',', start);
        if (comma == std::string::npos)
            comma = columns.size();
        std::string name = columns.substr(start, comma - start);
        name.erase(0, name.find_first_not_of(' '));
        out += (out.empty() ? "" : ", ") + alias + "." + name;
        start = comma + 1;
    }
    return out;
}

} // namespace taskdesk::domain
