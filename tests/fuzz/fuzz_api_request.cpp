// libFuzzer target: the fuzzer's bytes are one raw HTTP/1.1 request. They go through the
// transport's own parser set-up and limits (http::parseRequestBytes), then, when they parse,
// through the real ApiServer (routing, authentication, body validation, domain, store) on a
// seeded SQLite database, and the answer is framed as the transport would write it.
//
// Placeholders in the parsed request (target, headers, body) are replaced after parsing, so
// that Content-Length stays right: @TOKEN@ (the owner's token), @TOKEN2@ (a worker's), @STAFF@
// (a support token), @TASK@, @BID@, @CONTRACT@, ... (see FuzzWorld::seed for the full list).
//
// Aborts (so that libFuzzer keeps the input) on any answer that breaks the contract:
//  - a 5xx (bad input never yields one; the store does not go down here);
//  - an /api/ answer that is not JSON (only a file download may be something else), or an error
//    body without the contract's {error, code, retry};
//  - framing on the wire that does not match the body (Content-Length, HEAD, 204);
//  - and, through the sanitizers, any memory error or undefined behaviour.
#include "ApiServer.h"
#include "FuzzWorld.h"
#include "HttpServer.h"
#include "Router.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>

using namespace taskdesk;

namespace {

struct Harness
{
    std::string root;
    std::unique_ptr<fuzz::FuzzWorld> world;
    http::HttpServerConfig config; // the transport's defaults: 1 MiB bodies, 16 KiB headers
    http::HttpServer::LargeBodyPredicate largeBody;
    unsigned long runs = 0;
    unsigned long resetEvery = 500;
    bool verbose = false;
};

Harness* g = nullptr;

void removeRoot()
{
    if (g && !g->root.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(g->root, ec);
    }
}

// Puts the placeholders back in place of the tokens, so that nothing printed carries one (an
// error message may quote what it was sent).
std::string redact(std::string text)
{
    for (const auto& [name, value] : g->world->placeholders()) {
        if (name != "@TOKEN@" && name != "@TOKEN2@" && name != "@STAFF@")
            continue;
        for (std::size_t at = text.find(value); at != std::string::npos;
             at = text.find(value, at + name.size()))
            text.replace(at, value.size(), name);
    }
    return text;
}

[[noreturn]] void violation(const char* what, const http::Request& req, const std::string& pattern,
                            const http::Response& res, bool showBody)
{
    // The input file that libFuzzer keeps has the placeholders, not their values.
    std::fprintf(
        stderr, "\n==== taskdesk fuzz: %s\n  request: %s %s (route %s)\n  answer: %d %s, %zu bytes\n", what,
        req.method.c_str(), redact(req.path.substr(0, 200)).c_str(),
        pattern.empty() ? "none" : pattern.c_str(), res.status, res.contentType.c_str(), res.body.size());
    if (showBody)
        std::fprintf(stderr, "  body: %s\n", redact(res.body.substr(0, 600)).c_str());
    std::fflush(stderr);
    std::abort();
}

bool iequals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// Checks the bytes a connection would write, read independently of Beast: one status line,
// headers, and a body whose length Content-Length states (absent and empty for 204 and 304;
// for HEAD, the GET representation's length with no body).
const char* framingError(const std::string& wire, const http::Response& res, bool head)
{
    const auto end = wire.find("\r\n\r\n");
    if (end == std::string::npos)
        return "no end of header on the wire";
    const std::string_view header(wire.data(), end);
    const std::string_view body(wire.data() + end + 4, wire.size() - end - 4);
    const std::string statusLine = "HTTP/1.1 " + std::to_string(res.status) + " ";
    if (header.substr(0, statusLine.size()) != statusLine)
        return "status line does not carry the handler's status";
    long long contentLength = -1;
    int lengths = 0;
    std::size_t pos = header.find("\r\n");
    while (pos != std::string_view::npos) {
        const std::size_t next = header.find("\r\n", pos + 2);
        const std::string_view line =
            header.substr(pos + 2, next == std::string_view::npos ? header.npos : next - pos - 2);
        pos = next;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos)
            return "header line without a colon";
        const std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        if (iequals(name, "transfer-encoding"))
            return "Transfer-Encoding on a framed answer";
        if (iequals(name, "content-length")) {
            ++lengths;
            if (value.empty() || value.size() > 18)
                return "malformed Content-Length";
            contentLength = 0;
            for (char c : value) {
                if (c < '0' || c > '9')
                    return "malformed Content-Length";
                contentLength = contentLength * 10 + (c - '0');
            }
        }
    }
    if (lengths > 1)
        return "more than one Content-Length";
    if (res.status == 204 || res.status == 304)
        return lengths || !body.empty() ? "204/304 with a body or a Content-Length" : nullptr;
    if (lengths == 0)
        return "no Content-Length";
    if (head)
        return !body.empty() || contentLength != static_cast<long long>(res.body.size())
                   ? "HEAD answer with a body or the wrong Content-Length"
                   : nullptr;
    if (contentLength != static_cast<long long>(body.size()) || body != res.body)
        return "Content-Length does not match the body";
    return nullptr;
}

// The router ignores empty segments, so "//api//x" is under /api/ as much as "/api/x" is.
bool underApi(std::string_view path)
{
    while (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    return path == "api" || path.rfind("api/", 0) == 0;
}

void substituteRequest(http::Request& req)
{
    const auto& world = *g->world;
    world.substitute(req.target);
    world.substitute(req.path);
    world.substitute(req.body);
    for (auto& [name, value] : req.headers)
        world.substitute(value);
    if (req.target.find('@') != std::string::npos || !req.query.empty()) {
        std::multimap<std::string, std::string> query;
        for (const auto& [key, value] : req.query) {
            std::string k = key;
            std::string v = value;
            world.substitute(k);
            world.substitute(v);
            query.emplace(std::move(k), std::move(v));
        }
        req.query = std::move(query);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv);
    // Requests are logged at debug and some outcomes at info: far too much at thousands of runs
    // a second. Warnings stay (a store error is worth seeing next to a finding).
    QLoggingCategory::setFilterRules(QStringLiteral("taskdesk.*.debug=false\ntaskdesk.*.info=false"));

    g = new Harness;
    // tmpfs when there is one: SQLite runs with synchronous=FULL, and fsync on a disk would
    // dominate every write request.
    std::string base;
    if (const char* t = std::getenv("TASKDESK_FUZZ_TMP"); t && *t)
        base = t;
    else if (std::filesystem::is_directory("/dev/shm"))
        base = "/dev/shm";
    else
        base = std::filesystem::temp_directory_path().string();
    g->root = base + "/taskdesk-fuzz-" + std::to_string(::getpid());
    std::filesystem::remove_all(g->root);
    std::filesystem::create_directories(g->root);
    std::atexit(removeRoot);
    g->verbose = std::getenv("TASKDESK_FUZZ_VERBOSE") != nullptr;
    if (const char* n = std::getenv("TASKDESK_FUZZ_RESET_EVERY"); n && std::atol(n) > 0)
        g->resetEvery = static_cast<unsigned long>(std::atol(n));
    // The server's own rule (PlatformServer): only file uploads may be large.
    g->largeBody = [](const std::string& method, const std::string& target) {
        return method == "POST" && target.rfind("/api/agent/files", 0) == 0;
    };
    try {
        g->world = std::make_unique<fuzz::FuzzWorld>(g->root);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "taskdesk fuzz: cannot set up the platform: %s\n", e.what());
        removeRoot();
        std::exit(1);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (++g->runs % g->resetEvery == 0)
        g->world->reset();

    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    http::ParsedRequest parsed = http::parseRequestBytes(bytes, g->config, g->largeBody);
    if (parsed.outcome == http::ParsedRequest::Outcome::Refused) {
        if (parsed.status != 400 && parsed.status != 413 && parsed.status != 431) {
            std::fprintf(stderr, "\n==== taskdesk fuzz: the transport refused with %d\n", parsed.status);
            std::abort();
        }
        return 0;
    }
    if (parsed.outcome != http::ParsedRequest::Outcome::Parsed)
        return 0;

    http::Request& req = parsed.request;
    req.remoteAddress = "127.0.0.1";
    substituteRequest(req);

    http::Router::Match match;
    http::Request probe = req;
    const http::Route* route = g->world->api().router().match(probe, match);
    const std::string pattern = route ? route->pattern : std::string();
    if (route && pattern.rfind("/api/agent/webhooks", 0) == 0 && route->write)
        return -1; // webhook targets are resolved through DNS: no network from the fuzzer
    if (pattern == "/api/agent/events")
        req.query.erase("wait"); // a long poll would park the answer for up to 30 s

    http::Response res = g->world->api().handle(req);
    if (res.deferred) {
        // File downloads answer at once; anything still pending cannot be waited for here.
        auto answer = std::make_shared<std::optional<http::Response>>();
        auto start = std::move(res.deferred);
        res.deferred = nullptr;
        start([answer](http::Response later) { *answer = std::move(later); });
        if (!*answer)
            violation("deferred answer not given at once", req, pattern, res, false);
        res = std::move(**answer);
    }

    if (res.status >= 500)
        violation("5xx answer", req, pattern, res, true);
    const bool jsonType = res.contentType.rfind("application/json", 0) == 0;
    const bool apiPath = pattern.rfind("/api/", 0) == 0 || (!route && underApi(req.path));
    const bool fileDownload = pattern == "/api/agent/files/:id" && res.status == 200;
    if (apiPath && !jsonType && !fileDownload)
        violation("/api/ answer that is not application/json", req, pattern, res, res.status >= 400);
    if (jsonType && res.status != 204) {
        boost::system::error_code ec;
        const auto v = boost::json::parse(res.body, ec);
        if (ec)
            violation("answer body is not valid JSON", req, pattern, res, res.status >= 400);
        if (res.status >= 400) {
            const auto* o = v.if_object();
            if (!o || !o->contains("error") || !o->at("error").is_string() || !o->contains("code") ||
                !o->at("code").is_string() || !o->contains("retry") || !o->at("retry").is_bool())
                violation("error body without {error, code, retry}", req, pattern, res, true);
        }
    }

    if (g->verbose) // for checking what the seeds reach: TASKDESK_FUZZ_VERBOSE=1 ... -runs=0 <corpus>
        std::fprintf(stderr, "taskdesk fuzz: %s %s -> %d %s\n", req.method.c_str(),
                     pattern.empty() ? redact(req.path.substr(0, 80)).c_str() : pattern.c_str(), res.status,
                     res.status >= 400 ? redact(res.body.substr(0, 160)).c_str() : "");

    const std::string wire = http::serializeResponse(res, parsed);
    if (const char* e = framingError(wire, res, parsed.head))
        violation(e, req, pattern, res, res.status >= 400);
    return 0;
}
