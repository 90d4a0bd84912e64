// Routes for the publisher's review queue (console extension; see docs/api-notes.md).
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerReviewRoutes() {}

} // namespace taskdesk::http
