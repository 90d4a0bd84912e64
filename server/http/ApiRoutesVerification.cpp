// Routes for trying a verification rule before posting (console extension; see docs/api-notes.md).
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerVerificationRoutes() {}

} // namespace taskdesk::http
