#include "ReviewJobs.h"

#include "ApiClient.h"

namespace taskdesk::models {} // namespace taskdesk::models
