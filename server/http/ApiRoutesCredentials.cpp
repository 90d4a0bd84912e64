// Routes for API keys, linking codes, delegations and wallet transfers.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerCredentialRoutes() {}

} // namespace taskdesk::http
