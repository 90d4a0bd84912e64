// Routes for OpenAPI document, metrics, agent guide.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerOperationsRoutes()
{
}

} // namespace taskdesk::http
