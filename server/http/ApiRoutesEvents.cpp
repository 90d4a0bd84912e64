// Routes for the events long poll.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerEventRoutes()
{
}

} // namespace taskdesk::http
