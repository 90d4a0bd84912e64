#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace taskdesk::http {

struct Route;

// The OpenAPI 3.0.3 document of the API this server really serves, generated
// from its route table: every route with its method, summary, security and
// required scope, path parameters, and the platform's error responses.
class OpenApi
{
public:
    static boost::json::object build(const std::vector<Route>& routes);
    // "/api/agent/tasks/:id" -> "/api/agent/tasks/{id}"
    static std::string openApiPath(const std::string& pattern);
};

} // namespace taskdesk::http
