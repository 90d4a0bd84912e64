// Routes for threads, bid/contract/direct messages, read marks.
#include "ApiServer.h"

namespace taskdesk::http {

void ApiServer::registerConversationRoutes()
{
}

} // namespace taskdesk::http
