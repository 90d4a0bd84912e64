#include "PlatformServer.h"

#include "AccountService.h"
#include "ApiServer.h"
#include "BackgroundJobs.h"
#include "Database.h"
#include "HttpServer.h"
#include "ServerSecrets.h"
#include "WebhookDispatcher.h"
#include "WebhookService.h"

#include <QLoggingCategory>
#include <algorithm>
#include <atomic>

Q_LOGGING_CATEGORY(lcServer, "taskdesk.server", QtInfoMsg)

namespace taskdesk {

namespace {
// Behind a trusted proxy the client is the rightmost X-Forwarded-For entry that is not
// itself a trusted proxy; anyone else's X-Forwarded-For is ignored (it is the client's to forge).
void applyForwardedFor(http::Request& req, const std::vector<std::string>& trusted)
{
    auto isTrusted = [&](const std::string& a) {
        return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
    };
    if (trusted.empty() || !isTrusted(req.remoteAddress))
        return;
    const auto xff = req.header("x-forwarded-for");
    if (!xff)
        return;
    std::string list = *xff;
    while (!list.empty()) {
        const auto comma = list.rfind(',');
        std::string entry = comma == std::string::npos ? list : list.substr(comma + 1);
        list = comma == std::string::npos ? std::string() : list.substr(0, comma);
        const auto b = entry.find_first_not_of(" \t");
        const auto e = entry.find_last_not_of(" \t");
        entry = b == std::string::npos ? std::string() : entry.substr(b, e - b + 1);
        if (entry.empty() || entry.size() > 64)
            return;
        if (!isTrusted(entry)) {
            req.remoteAddress = entry;
            return;
        }
    }
}
} // namespace

struct PlatformServer::Impl
{
    PlatformServerConfig config;
    store::Database db;
    domain::Clock clock;
    domain::Platform platform;
    http::ApiServer api;
    jobs::BackgroundJobs jobs;
    std::unique_ptr<http::HttpServer> http;
    std::unique_ptr<jobs::WebhookDispatcher> webhooks;
    std::atomic<bool> running{false};

    explicit Impl(PlatformServerConfig c)
        : config(std::move(c)), db(config.database), platform{db, clock, config.settings, nullptr},
          api(platform, config.rateLimits), jobs(platform)
    {}

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
    if (!d->platform.secrets) {
        std::string keyPath = d->config.settings.serverKeyPath;
        if (keyPath.empty() && !d->config.settings.dataDir.empty())
            keyPath = d->config.settings.dataDir + "/server.key";
        if (keyPath.empty())
            throw std::runtime_error("no server key: set a data folder or a server key file");
        std::string why;
        d->platform.secrets = domain::ServerSecrets::load(keyPath, &why);
        if (!d->platform.secrets)
            throw std::runtime_error("cannot use the server key " + keyPath + ": " + why);
    }
    d->db.migrate();
    domain::WebhookService::sealStoredSecrets(d->platform);
    http::HttpServerConfig hc;
    hc.host = d->config.listenHost;
    hc.port = d->config.listenPort;
    hc.threads = d->config.threads;
    d->http = std::make_unique<http::HttpServer>(
        hc,
        [this](http::Request& req) {
            applyForwardedFor(req, d->config.trustedProxies);
            return d->api.handle(req);
        },
        [](const std::string& method, const std::string& target) {
            return method == "POST" && target.rfind("/api/agent/files", 0) == 0;
        });
    d->http->start();
    d->running = true;
    d->scheduleJobs();
    d->webhooks = std::make_unique<jobs::WebhookDispatcher>(d->platform,
                                                            jobs::WebhookDispatcherConfig::fromEnvironment());
    d->webhooks->start();
    qCInfo(lcServer).noquote() << "listening on" << QString::fromStdString(baseUrl()) << "database"
                               << QString::fromStdString(d->db.displayName());
}

void PlatformServer::stop()
{
    d->running = false;
    if (d->webhooks)
        d->webhooks->stop();
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

std::string PlatformServer::localOperatorSignIn(const std::string& tokenName)
{
    domain::AccountService accounts(platform());
    store::Transaction tx(platform().db, store::Transaction::Mode::Write);
    auto answer = accounts.localOperatorSignIn(tx, tokenName);
    tx.commit();
    return boost::json::serialize(answer);
}

} // namespace taskdesk
