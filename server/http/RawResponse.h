#pragma once

#include "Response.h"
#include "Router.h"

#include <boost/json/value.hpp>
#include <memory>
#include <utility>

namespace taskdesk::http {

// Route handlers return JSON; a route whose answer is not JSON (a file, the
// metrics exposition, the agent guide) hands its finished Response to the
// transport through the deferred-answer hook, which the transport completes at
// once. The handler's own return value is then ignored.
inline boost::json::value respondRaw(RouteContext& ctx, Response response)
{
    auto shared = std::make_shared<Response>(std::move(response));
    ctx.deferred = [shared](Response::Completion done) { done(std::move(*shared)); };
    return nullptr;
}

} // namespace taskdesk::http
