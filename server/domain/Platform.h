#pragma once

#include "Clock.h"
#include "Database.h"

#include <string>

namespace taskdesk::domain {

struct PlatformSettings
{
    int feePercent = 5;
    int payoutHoldHours = 24;
    std::int64_t registrationGrantCents = 1000 * 100;
    // Where uploaded files live (content-addressed), created on start.
    std::string dataDir;
    // Webhook targets on private, link-local or loopback addresses are refused
    // unless this is set (the local sandbox and tests set it).
    bool allowPrivateWebhooks = false;
};

// What every domain operation needs: the store, the clock and the settings.
// Passed by reference, never reached through a global.
struct Platform
{
    store::Database& db;
    Clock& clock;
    PlatformSettings settings;
};

} // namespace taskdesk::domain
