#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace taskdesk::http {

struct Response
{
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response json(int status, const boost::json::value& value);
    static Response text(int status, std::string body, std::string contentType = "text/plain; charset=utf-8");
    static Response error(int status, std::string_view code, std::string_view message, bool retry = false,
                          const boost::json::object* fields = nullptr);
};

} // namespace taskdesk::http
