#pragma once

#include "Request.h"
#include "Response.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace taskdesk::http {

struct HttpServerConfig
{
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;                    // 0 picks a free port
    unsigned threads = 0;                      // 0: one per core
    std::size_t maxBodyBytes = 1 << 20;        // 1 MiB, else 413
    std::size_t maxLargeBodyBytes = 50u << 20; // for targets that allowLargeBody() accepts
    std::size_t maxHeaderBytes = 16 << 10;     // 16 KiB, else 431
    std::chrono::seconds idleTimeout{15};      // keep-alive idle connections closed after this
    std::chrono::seconds headerTimeout{10};    // a request's header must arrive within this
    std::chrono::seconds bodyTimeout{60};      // and its body within this
    std::size_t maxConnections = 1024;         // past this, new connections get 503 and close
};

// Boost.Beast HTTP/1.1 transport. Handlers are called on the worker threads
// and must be thread-safe; they get a plain Request and return a plain Response.
class HttpServer
{
public:
    using Handler = std::function<Response(Request&)>;
    // Decides per request target whether the larger body limit applies.
    using LargeBodyPredicate = std::function<bool(const std::string& method, const std::string& target)>;

    HttpServer(HttpServerConfig config, Handler handler, LargeBodyPredicate allowLargeBody = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts the worker threads. Throws std::runtime_error on failure.
    void start();
    // Stops accepting, closes connections, joins the threads. Idempotent.
    void stop();
    std::uint16_t port() const;
    std::string host() const;
    std::size_t openConnections() const;

    // Runs fn on the server's executor after delay (for background jobs).
    void schedule(std::chrono::milliseconds delay, std::function<void()> fn);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// One request read from bytes without a socket, through the parser set-up, limits and decoding
// a connection uses (the fuzz target in tests/fuzz drives the server through this).
struct ParsedRequest
{
    enum class Outcome
    {
        Parsed,     // request holds the request the handler would get
        Incomplete, // the bytes end before the request does: a connection would wait or close
        Refused     // a connection answers status (400, 413 or 431) without calling the handler
    };
    Outcome outcome = Outcome::Incomplete;
    int status = 0;
    Request request;
    bool keepAlive = false;
    bool head = false;
    unsigned version = 11;
};
ParsedRequest parseRequestBytes(std::string_view bytes, const HttpServerConfig& config,
                                const HttpServer::LargeBodyPredicate& allowLargeBody);
// The bytes a connection writes for a handler's response to that request (status line, headers
// and body, framed as on the wire).
std::string serializeResponse(Response response, const ParsedRequest& request);

} // namespace taskdesk::http
