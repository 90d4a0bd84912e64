#pragma once

#include <boost/json/value.hpp>
#include <functional>
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

    // For answers that come later (long polls). When set, the transport keeps
    // the connection open and calls `deferred` with a completion function; the
    // handler's owner calls that exactly once, from any thread, with the real
    // response. A worker thread is never held while the answer is pending.
    using Completion = std::function<void(Response)>;
    std::function<void(Completion)> deferred;

    static Response json(int status, const boost::json::value& value);
    static Response text(int status, std::string body, std::string contentType = "text/plain; charset=utf-8");
    static Response error(int status, std::string_view code, std::string_view message, bool retry = false,
                          const boost::json::object* fields = nullptr);
};

} // namespace taskdesk::http
