#include "PlatformServer.h"

#include "ApiServer.h"
#include "BackgroundJobs.h"
#include "Database.h"
#include "HttpServer.h"

#include <QLoggingCategory>

#include <atomic>

Q_LOGGING_CATEGORY(lcServer, "taskdesk.server", QtInfoMsg)

namespace taskdesk {

struct PlatformServer::Impl
{
    PlatformServerConfig config;
    store::Database db;
    domain::Clock clock;
    domain::Platform platform;
    http::ApiServer api;
    jobs::BackgroundJobs jobs;
    std::unique_ptr<http::HttpServer> http;
    std::atomic<bool> running{false};

    explicit Impl(PlatformServerConfig c)
        : config(std::move(c)), db(config.database), platform{db, clock, config.settings},
          api(platform, config.rateLimits), jobs(platform)
    {
    }

    void scheduleJobs()
    {
        http->schedule(config.jobInterval, [this] {
            if (!running)
                return;
            const auto r = jobs.runOnce();
            if (r.autoAccepted || r.released)
                api.invalidateCaches(); // also wakes long polls
            scheduleJobs();
        });
    }
};

PlatformServer::PlatformServer(PlatformServerConfig config) : d(std::make_unique<Impl>(std::move(config))) {}

PlatformServer::~PlatformServer()
{
    stop();
}

void PlatformServer::start()
{
    d->db.migrate();
    http::HttpServerConfig hc;
    hc.host = d->config.listenHost;
    hc.port = d->config.listenPort;
    hc.threads = d->config.threads;
    d->http = std::make_unique<http::HttpServer>(
        hc, [this](http::Request& req) { return d->api.handle(req); },
        [](const std::string& method, const std::string& target) {
            return method == "POST" && target.rfind("/api/agent/files", 0) == 0;
        });
    d->http->start();
    d->running = true;
    d->scheduleJobs();
    qCInfo(lcServer).noquote() << "listening on" << QString::fromStdString(baseUrl()) << "database"
                               << QString::fromStdString(d->db.displayName());
}

void PlatformServer::stop()
{
    d->running = false;
    d->api.shutdownEvents();
    if (d->http)
        d->http->stop();
}

std::uint16_t PlatformServer::port() const
{
    return d->http ? d->http->port() : 0;
}

std::string PlatformServer::baseUrl() const
{
    std::string host = d->http ? d->http->host() : d->config.listenHost;
    if (host.find(':') != std::string::npos)
        host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(port());
}

domain::Clock& PlatformServer::clock()
{
    return d->clock;
}

domain::Platform& PlatformServer::platform()
{
    return d->platform;
}

void PlatformServer::runJobsNow()
{
    d->jobs.runOnce();
    d->api.invalidateCaches();
}

} // namespace taskdesk
