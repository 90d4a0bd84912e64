// taskdesk-server: serve, migrate, admin grant-role, admin verify-ledger.
#include "AccountService.h"
#include "Database.h"
#include "Ledger.h"
#include "PlatformServer.h"

#include <QCoreApplication>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

const char* kUsage =
    "usage:\n"
    "  taskdesk-server serve --listen HOST:PORT --database PATH|postgres://... [--no-rate-limits]\n"
    "                        [--fee-percent 5] [--payout-hold-hours 24] [--threads N]\n"
    "                        [--data-dir DIR] [--allow-private-webhooks]\n"
    "                        [--trusted-proxy ADDR[,ADDR...]]  (believe X-Forwarded-For from these peers)\n"
    "                        [--server-key FILE]  (default DATA-DIR/server.key; processes sharing a\n"
    "                                             database must share this file)\n"
    "                        [--public-url URL]  (the URL put in delegation bundles)\n"
    "  taskdesk-server migrate --database D\n"
    "  taskdesk-server admin grant-role --database D --handle H --role support|admin\n"
    "  taskdesk-server admin verify-ledger --database D\n";

int usage(const std::string& error)
{
    if (!error.empty())
        std::fprintf(stderr, "taskdesk-server: %s\n", error.c_str());
    std::fputs(kUsage, stderr);
    return 2;
}

struct Args
{
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::vector<std::string> flags;
};

bool parse(int argc, char** argv, Args& out, std::string& error)
{
    static const std::vector<std::string> flagNames = {"--no-rate-limits", "--allow-private-webhooks"};
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a.rfind("--", 0) != 0) {
            out.positional.push_back(a);
            continue;
        }
        if (std::find(flagNames.begin(), flagNames.end(), a) != flagNames.end()) {
            out.flags.push_back(a);
            continue;
        }
        std::string value;
        if (auto eq = a.find('='); eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            error = "missing value for " + a;
            return false;
        }
        out.options[a] = value;
    }
    return true;
}

bool toInt(const std::string& s, int min, int max, int& out)
{
    try {
        std::size_t pos = 0;
        const long v = std::stol(s, &pos);
        if (pos != s.size() || v < min || v > max)
            return false;
        out = static_cast<int>(v);
        return true;
    } catch (...) {
        return false;
    }
}

int serve(const Args& args)
{
    taskdesk::PlatformServerConfig cfg;
    const auto listen =
        args.options.count("--listen") ? args.options.at("--listen") : std::string("127.0.0.1:8080");
    const auto colon = listen.rfind(':');
    int port = 0;
    if (colon == std::string::npos || !toInt(listen.substr(colon + 1), 0, 65535, port))
        return usage("--listen must be HOST:PORT");
    cfg.listenHost = listen.substr(0, colon);
    if (cfg.listenHost.size() > 2 && cfg.listenHost.front() == '[' && cfg.listenHost.back() == ']')
        cfg.listenHost = cfg.listenHost.substr(1, cfg.listenHost.size() - 2);
    cfg.listenPort = static_cast<std::uint16_t>(port);
    if (!args.options.count("--database"))
        return usage("--database is required");
    cfg.database = args.options.at("--database");
    cfg.rateLimits = std::find(args.flags.begin(), args.flags.end(), "--no-rate-limits") == args.flags.end();
    if (args.options.count("--fee-percent") &&
        !toInt(args.options.at("--fee-percent"), 0, 50, cfg.settings.feePercent))
        return usage("--fee-percent must be 0-50");
    if (args.options.count("--payout-hold-hours") &&
        !toInt(args.options.at("--payout-hold-hours"), 0, 24 * 90, cfg.settings.payoutHoldHours))
        return usage("--payout-hold-hours must be 0-2160");
    int threads = 0;
    if (args.options.count("--threads") && !toInt(args.options.at("--threads"), 1, 256, threads))
        return usage("--threads must be 1-256");
    cfg.threads = static_cast<unsigned>(threads);
    cfg.settings.allowPrivateWebhooks =
        std::find(args.flags.begin(), args.flags.end(), "--allow-private-webhooks") != args.flags.end();
    if (args.options.count("--trusted-proxy")) {
        std::string list = args.options.at("--trusted-proxy");
        for (std::size_t start = 0; start <= list.size();) {
            const auto comma = list.find(',', start);
            const std::string a =
                list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (a.empty())
                return usage("--trusted-proxy takes addresses separated by commas");
            cfg.trustedProxies.push_back(a);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    if (args.options.count("--data-dir")) {
        cfg.settings.dataDir = args.options.at("--data-dir");
    } else if (cfg.database.rfind("postgres", 0) != 0) {
        const auto slash = cfg.database.rfind('/');
        cfg.settings.dataDir =
            (slash == std::string::npos ? std::string(".") : cfg.database.substr(0, slash)) +
            "/taskdesk-data";
    } else {
        cfg.settings.dataDir = "taskdesk-data";
    }
    if (args.options.count("--server-key"))
        cfg.settings.serverKeyPath = args.options.at("--server-key");
    if (args.options.count("--public-url")) {
        cfg.settings.publicBaseUrl = args.options.at("--public-url");
        const auto& url = cfg.settings.publicBaseUrl;
        if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
            return usage("--public-url must start with http:// or https://");
        while (!cfg.settings.publicBaseUrl.empty() && cfg.settings.publicBaseUrl.back() == '/')
            cfg.settings.publicBaseUrl.pop_back();
    }

    // Block the stop signals in every thread; the main thread waits for them.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    taskdesk::PlatformServer server(cfg);
    try {
        server.start();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "taskdesk-server: cannot start: %s\n", e.what());
        return 1;
    }
    std::printf("taskdesk-server listening on %s\n", server.baseUrl().c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    std::printf("taskdesk-server: stopping\n");
    server.stop();
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Args args;
    std::string error;
    if (!parse(argc, argv, args, error))
        return usage(error);
    if (args.positional.empty())
        return usage("");
    const std::string cmd = args.positional[0];
    try {
        if (cmd == "serve")
            return serve(args);
        if (!args.options.count("--database"))
            return usage("--database is required");
        taskdesk::store::Database db(args.options.at("--database"));
        if (cmd == "migrate") {
            const int v = db.migrate();
            std::printf("schema version %d\n", v);
            return 0;
        }
        if (cmd == "admin" && args.positional.size() >= 2 && args.positional[1] == "grant-role") {
            if (!args.options.count("--handle") || !args.options.count("--role"))
                return usage("grant-role needs --handle and --role");
            const std::string role = args.options.at("--role");
            if (role != "support" && role != "admin")
                return usage("--role must be support or admin");
            db.migrate();
            taskdesk::store::Transaction tx(db, taskdesk::store::Transaction::Mode::Write);
            if (!taskdesk::domain::AccountService::grantRole(tx, args.options.at("--handle"), role)) {
                std::fprintf(stderr, "taskdesk-server: no profile with handle %s\n",
                             args.options.at("--handle").c_str());
                return 1;
            }
            tx.commit();
            std::printf("granted %s to %s\n", role.c_str(), args.options.at("--handle").c_str());
            return 0;
        }
        if (cmd == "admin" && args.positional.size() >= 2 && args.positional[1] == "verify-ledger") {
            db.migrate();
            taskdesk::store::Transaction tx(db, taskdesk::store::Transaction::Mode::Read);
            const auto v = taskdesk::domain::Ledger::verify(tx);
            std::printf("accounts %lld\ntransfers %lld\nsum %s\nmint %s\nfees %s\nnegative accounts %lld\n"
                        "mismatched accounts %lld\n%s\n",
                        static_cast<long long>(v.accounts), static_cast<long long>(v.transfers),
                        taskdesk::domain::moneyText(v.sum).c_str(),
                        taskdesk::domain::moneyText(v.mintBalance).c_str(),
                        taskdesk::domain::moneyText(v.feesBalance).c_str(),
                        static_cast<long long>(v.negativeAccounts),
                        static_cast<long long>(v.mismatchedAccounts),
                        v.balanced ? "balanced" : "NOT BALANCED");
            return v.balanced ? 0 : 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "taskdesk-server: %s\n", e.what());
        return 1;
    }
    return usage("unknown command " + cmd);
}
