#pragma once

#include "Platform.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace taskdesk {

struct PlatformServerConfig
{
    std::string listenHost = "127.0.0.1";
    std::uint16_t listenPort = 0;
    std::string database; // SQLite path or postgres:// URL
    bool rateLimits = true;
    unsigned threads = 0;
    domain::PlatformSettings settings;
    std::chrono::milliseconds jobInterval{10000};
    // Peers whose X-Forwarded-For is believed (a reverse proxy such as nginx); empty: none.
    std::vector<std::string> trustedProxies;
};

// The whole platform in one object: store, API, HTTP transport and background
// jobs. The server program runs one; tests and the console's local sandbox run
// one in-process on a free port.
class PlatformServer
{
public:
    explicit PlatformServer(PlatformServerConfig config);
    ~PlatformServer();
    // Migrates the schema, binds and starts serving. Throws on failure.
    void start();
    void stop();
    std::uint16_t port() const;
    std::string baseUrl() const;
    domain::Clock& clock();
    domain::Platform& platform();
    // Runs the background jobs now (tests move the clock, then call this).
    void runJobsNow();
    // For the console's local sandbox: the operator's {profile, token,
    // tokenValue} as JSON text (see AccountService::localOperatorSignIn).
    std::string localOperatorSignIn(const std::string& tokenName);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace taskdesk
