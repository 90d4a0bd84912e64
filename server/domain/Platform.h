#pragma once

#include "Clock.h"
#include "Database.h"

namespace taskdesk::domain {

struct PlatformSettings
{
    int feePercent = 5;
    int payoutHoldHours = 24;
    std::int64_t registrationGrantCents = 1000 * 100;
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
