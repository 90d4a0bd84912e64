// Routes for protected payloads: access requests, grants and bundles.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerProtectedRoutes() {}

} // namespace taskdesk::http
