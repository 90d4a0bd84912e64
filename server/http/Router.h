#pragma once

#include "Request.h"
#include "Response.h"

#include <boost/json.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace taskdesk::domain {
struct Actor;
}
namespace taskdesk::store {
class Transaction;
}

namespace taskdesk::http {

// What a handler gets: the request, who is calling, the query as strings, and
// the body parsed on first use (so that a malformed body is reported only
// after the object the route names was found visible).
class RouteContext
{
public:
    RouteContext(Request& req, const domain::Actor* actor);
    Request& request;
    const domain::Actor* actor;
    boost::json::object query;
    int status = 200;
    // Set by a handler whose answer comes later (a long poll): the transport
    // keeps the connection open; see Response::deferred.
    std::function<void(Response::Completion)> deferred;
    // Scratch space filled by a route's prepare step, before the transaction.
    std::string preparedText;
    std::shared_ptr<void> prepared;

    const boost::json::object& body();
    // When set, body() does not throw on a malformed body: it records the error in bodyError and
    // returns an empty object, so that the route's 404 and 403 still come first (the order of
    // checks); ApiServer then answers with bodyError in place of any later outcome.
    bool deferBodyErrors = false;
    std::exception_ptr bodyError;
    const domain::Actor& requireActor() const;
    const std::string& param(const std::string& name) const { return request.param(name); }

private:
    std::optional<boost::json::object> m_body;
};

enum class AuthMode
{
    None,
    Optional,
    Required
};

struct Route
{
    std::string method;
    std::string pattern; // "/api/agent/tasks/:id"
    AuthMode auth = AuthMode::Required;
    bool write = false;
    std::string rateClass = "default"; // default | register | login | bids
    int status = 200;
    std::string scope; // the scope the route needs, for documentation
    // Public, caller-independent reads whose responses may be served from the
    // per-process cache (see ApiServer).
    bool publicCache = false;
    // The response carries a secret shown once (a token value). Such responses
    // are never stored for Idempotency-Key replay: the store would keep the
    // secret in clear, and a replay would show it twice.
    bool returnsSecret = false;
    // The body is not JSON (a file upload) and the route reads it itself. Every other
    // route with a non-empty body must be sent a JSON object, whether or not it reads
    // one, so that a malformed request is refused the same way everywhere.
    bool rawBody = false;
    std::string summary;
    std::function<void(RouteContext&)> prepare; // optional, runs outside the transaction
    std::function<boost::json::value(RouteContext&, store::Transaction&)> handler;
    std::vector<std::string> segments;

    // The fields every route file sets; the flags above keep their defaults.
    static Route make(std::string method, std::string pattern, AuthMode auth, bool write, int status,
                      std::string scope, std::string summary,
                      std::function<boost::json::value(RouteContext&, store::Transaction&)> handler)
    {
        Route r;
        r.method = std::move(method);
        r.pattern = std::move(pattern);
        r.auth = auth;
        r.write = write;
        r.status = status;
        r.scope = std::move(scope);
        r.summary = std::move(summary);
        r.handler = std::move(handler);
        return r;
    }
};

class Router
{
public:
    void add(Route route);
    enum class Match
    {
        Found,
        WrongMethod,
        None
    };
    // On Found, fills req.params and returns the route.
    const Route* match(Request& req, Match& result) const;
    const std::vector<Route>& routes() const { return m_routes; }
    void markReturnsSecret(const std::string& method, const std::string& pattern)
    {
        for (auto& r : m_routes)
            if (r.method == method && r.pattern == pattern)
                r.returnsSecret = true;
    }
    void markPublicCache(const std::string& method, const std::string& pattern)
    {
        for (auto& r : m_routes)
            if (r.method == method && r.pattern == pattern)
                r.publicCache = true;
    }

private:
    std::vector<Route> m_routes;
};

} // namespace taskdesk::http
