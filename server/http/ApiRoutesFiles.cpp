// Routes for file upload and download.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerFileRoutes()
{
}

} // namespace taskdesk::http
