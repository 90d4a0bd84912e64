#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace taskdesk::http {

// A parsed HTTP request as the router and the handlers see it. The transport
// (HttpServer) fills it in; nothing below http/ ever sees this type.
struct Request
{
    std::string method;                            // upper case, as sent
    std::string target;                            // request target exactly as sent (path + query, undecoded)
    std::string path;                              // percent-decoded path without the query
    std::multimap<std::string, std::string> query; // decoded query parameters
    std::map<std::string, std::string> headers;    // lower-case names
    std::string body;
    std::string remoteAddress;
    std::map<std::string, std::string> params; // filled by the router from ":name" segments

    std::optional<std::string> header(std::string_view lowerName) const
    {
        auto it = headers.find(std::string(lowerName));
        if (it == headers.end())
            return std::nullopt;
        return it->second;
    }
    std::optional<std::string> queryValue(std::string_view name) const
    {
        auto it = query.find(std::string(name));
        if (it == query.end())
            return std::nullopt;
        return it->second;
    }
    const std::string& param(const std::string& name) const
    {
        static const std::string empty;
        auto it = params.find(name);
        return it == params.end() ? empty : it->second;
    }
};

} // namespace taskdesk::http
