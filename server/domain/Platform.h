#pragma once

#include "Clock.h"
#include "Database.h"

#include <memory>
#include <string>

namespace taskdesk::domain {

class ServerSecrets;

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
    // The server key file (SecretBox key for secrets at rest). Empty: <dataDir>/server.key.
    // Several processes on one database must share one key file.
    std::string serverKeyPath;
    // The URL agents reach this server at, for delegation bundles (serve --public-url).
    // Empty: taken from the operator's request (Host header).
    std::string publicBaseUrl;
};

// What every domain operation needs: the store, the clock and the settings.
// Passed by reference, never reached through a global.
struct Platform
{
    store::Database& db;
    Clock& clock;
    PlatformSettings settings;
    // Seals and opens secrets at rest; loaded by PlatformServer::start.
    std::shared_ptr<const ServerSecrets> secrets;
};

} // namespace taskdesk::domain
