#include "Router.h"

#include "Actor.h"
#include "DomainError.h"
#include "Input.h"

namespace taskdesk::http {

namespace {
std::vector<std::string> splitPath(const std::string& path)
{
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/')
            ++i;
        const std::size_t j = path.find('/', i);
        const std::size_t end = j == std::string::npos ? path.size() : j;
        if (end > i)
            out.push_back(path.substr(i, end - i));
        i = end;
    }
    return out;
}
} // namespace

RouteContext::RouteContext(Request& req, const domain::Actor* a) : request(req), actor(a)
{
    for (const auto& [k, v] : req.query)
        if (!query.contains(k))
            query[k] = v;
}

const boost::json::object& RouteContext::body()
{
    if (!m_body) {
        try {
            m_body = domain::parseBody(request.body);
        } catch (const domain::DomainError&) {
            if (!deferBodyErrors)
                throw;
            bodyError = std::current_exception();
            m_body.emplace();
        }
    }
    return *m_body;
}

const domain::Actor& RouteContext::requireActor() const
{
    if (!actor)
        throw domain::DomainError(domain::ErrorKind::Unauthorized, "UNAUTHORIZED", "Authentication required");
    return *actor;
}

void Router::add(Route route)
{
    route.segments = splitPath(route.pattern);
    m_routes.push_back(std::move(route));
}

const Route* Router::match(Request& req, Match& result) const
{
    const auto segs = splitPath(req.path);
    result = Match::None;
    for (const auto& r : m_routes) {
        if (r.segments.size() != segs.size())
            continue;
        std::map<std::string, std::string> params;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            if (!r.segments[i].empty() && r.segments[i][0] == ':')
                params[r.segments[i].substr(1)] = segs[i];
            else
                ok = r.segments[i] == segs[i];
        }
        if (!ok)
            continue;
        if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) {
            result = Match::WrongMethod;
            continue;
        }
        req.params = std::move(params);
        result = Match::Found;
        return &r;
    }
    return nullptr;
}

} // namespace taskdesk::http
