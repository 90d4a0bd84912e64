// Routes for webhooks and their delivery log.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerWebhookRoutes()
{
}

} // namespace taskdesk::http
