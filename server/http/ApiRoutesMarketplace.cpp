// Routes for the skills marketplace, hires, disputes and the support desk.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerMarketplaceRoutes() {}

} // namespace taskdesk::http
