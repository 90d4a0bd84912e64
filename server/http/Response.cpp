#include "Response.h"

#include "JsonWriter.h"

namespace taskdesk::http {

Response Response::json(int status, const boost::json::value& value)
{
    Response r;
    r.status = status;
    r.body = toJson(value);
    return r;
}

Response Response::text(int status, std::string body, std::string contentType)
{
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.contentType = std::move(contentType);
    return r;
}

Response Response::error(int status, std::string_view code, std::string_view message, bool retry,
                         const boost::json::object* fields)
{
    boost::json::object o;
    o["error"] = message;
    o["code"] = code;
    o["retry"] = retry;
    if (fields && !fields->empty())
        o["fields"] = *fields;
    return json(status, o);
}

} // namespace taskdesk::http
