// HttpServer: the Beast transport, driven over real TCP sockets by a small Boost.Asio client.
// Every server listens on 127.0.0.1 (or ::1) port 0.

#include "http/HttpServer.h"

#include <QByteArray>
#include <QTest>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using namespace std::chrono_literals;
using taskdesk::http::HttpServer;
using taskdesk::http::HttpServerConfig;
using taskdesk::http::Request;
using taskdesk::http::Response;

namespace {

QByteArray B(std::string_view s)
{
    return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
}

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 3000ms)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return pred();
}

using ClientResponse = bhttp::response<bhttp::string_body>;

// Blocking-looking client over Beast's tcp_stream: every operation runs the client's own
// io_context with a deadline, so a misbehaving server fails the test instead of hanging it.
class Client
{
public:
    explicit Client(std::uint16_t port, std::string host = "127.0.0.1") : port_(port), host_(std::move(host))
    {}

    error_code connect()
    {
        error_code result = net::error::would_block;
        stream_.expires_after(3s);
        stream_.async_connect(tcp::endpoint(net::ip::make_address(host_), port_),
                              [&](error_code ec) { result = ec; });
        run();
        return result;
    }

    error_code send(std::string_view data)
    {
        error_code result = net::error::would_block;
        stream_.expires_after(5s);
        net::async_write(stream_, net::buffer(data.data(), data.size()),
                         [&](error_code ec, std::size_t) { result = ec; });
        run();
        return result;
    }

    error_code read(ClientResponse& out, bool head = false)
    {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(64u << 20);
        parser.skip(head);
        error_code result = net::error::would_block;
        stream_.expires_after(5s);
        bhttp::async_read(stream_, buffer_, parser, [&](error_code ec, std::size_t) { result = ec; });
        run();
        if (!result)
            out = parser.release();
        return result;
    }

    // Sends one request and reads the response; the status, or -1 on a transport error.
    int roundTrip(std::string_view request, ClientResponse& out, bool head = false)
    {
        if (send(request))
            return -1;
        if (read(out, head))
            return -1;
        return static_cast<int>(out.result_int());
    }

    // True when the server closes (EOF or reset) within the timeout; data before that is ignored.
    bool closedWithin(std::chrono::milliseconds timeout)
    {
        buffer_.consume(buffer_.size());
        stream_.expires_after(timeout);
        for (;;) {
            error_code result = net::error::would_block;
            stream_.async_read_some(buffer_.prepare(65536), [&](error_code ec, std::size_t) { result = ec; });
            run();
            if (result == beast::error::timeout)
                return false;
            if (result)
                return true;
        }
    }

    void close()
    {
        error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    // Closes with RST instead of FIN.
    void abort()
    {
        error_code ec;
        stream_.socket().set_option(net::socket_base::linger(true, 0), ec);
        stream_.close();
    }

private:
    void run()
    {
        ioc_.restart();
        ioc_.run();
    }

    std::uint16_t port_;
    std::string host_;
    net::io_context ioc_;
    beast::tcp_stream stream_{ioc_};
    beast::flat_buffer buffer_;
};

std::string get(std::string_view target, std::string_view extraHeaders = {})
{
    std::string r = "GET ";
    r.append(target).append(" HTTP/1.1\r\nHost: test\r\n").append(extraHeaders).append("\r\n");
    return r;
}

std::string post(std::string_view target, std::string_view body, std::string_view extraHeaders = {})
{
    std::string r = "POST ";
    r.append(target)
        .append(" HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n")
        .append(extraHeaders)
        .append("\r\n")
        .append(body);
    return r;
}

json::object bodyJson(const ClientResponse& r)
{
    error_code ec;
    json::value v = json::parse(r.body(), ec);
    if (ec || !v.is_object())
        return {};
    return v.as_object();
}

std::string str(const json::object& o, std::string_view key)
{
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string("<missing>");
}

Response echoHandler(Request& r)
{
    if (r.path == "/throw")
        throw std::runtime_error("boom");
    if (r.path == "/throw-int")
        throw 42;
    if (r.path.rfind("/upload", 0) == 0) {
        json::object o;
        o["size"] = r.body.size();
        return Response::json(200, o);
    }
    if (r.path == "/custom") {
        Response res = Response::text(201, "made");
        res.headers.emplace_back("X-Extra", "yes");
        res.headers.emplace_back("Set-Cookie", "a=1");
        res.headers.emplace_back("Set-Cookie", "b=2");
        res.headers.emplace_back("Content-Length", "999"); // framing is the server's, must be ignored
        return res;
    }
    if (r.path == "/nocontent") {
        Response res;
        res.status = 204;
        res.body = "ignored";
        return res;
    }
    if (r.path == "/bye") {
        Response res = Response::text(200, "bye");
        res.headers.emplace_back("Connection", "close");
        return res;
    }
    json::object o;
    o["method"] = r.method;
    o["target"] = r.target;
    o["path"] = r.path;
    json::object q;
    for (const auto& [k, v] : r.query) {
        auto& arr = q[k];
        if (!arr.is_array())
            arr = json::array();
        arr.as_array().emplace_back(v);
    }
    o["query"] = std::move(q);
    o["test"] = r.header("x-test").value_or("<none>");
    o["multi"] = r.header("x-multi").value_or("<none>");
    o["body"] = r.body;
    o["remote"] = r.remoteAddress;
    return Response::json(200, o);
}

bool largeRoute(const std::string& method, const std::string& target)
{
    return method == "POST" && target.rfind("/upload-large", 0) == 0;
}

std::unique_ptr<HttpServer> makeServer(HttpServerConfig cfg = {})
{
    if (cfg.threads == 0)
        cfg.threads = 2;
    auto server = std::make_unique<HttpServer>(cfg, echoHandler, largeRoute);
    server->start();
    return server;
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private slots:
    void echoGetAndPost();
    void headRequestHasNoBody();
    void responseHeadersAndStatus();
    void keepAlive();
    void bodyTooLarge();
    void expectContinue();
    void headerTooLarge();
    void malformedRequests();
    void idleTimeoutClosesConnection();
    void connectionCap();
    void handlerThrows();
    void clientDisconnectMidBody();
    void stopIsIdempotent();
    void bindFailureThrows();
    void scheduleRunsCallback();
    void ipv6AndLocalhost();
    void deferredResponseFreesTheWorker();
};

void TestHttpServer::echoGetAndPost()
{
    auto server = makeServer();
    QVERIFY(server->port() != 0);
    QCOMPARE(B(server->host()), QByteArray("127.0.0.1"));

    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    const std::string target = "/echo/hello%20w%C3%B6rld?a=1&b=x+y%26z&a=2&flag&=empty";
    QCOMPARE(c.roundTrip(get(target, "X-Test: Foo Bar\r\nX-Multi: one\r\nx-multi: two\r\n"), res), 200);
    QCOMPARE(B(res[bhttp::field::server]), QByteArray("taskdesk"));
    QCOMPARE(B(res[bhttp::field::content_type]), QByteArray("application/json"));
    QVERIFY(!res[bhttp::field::date].empty());
    auto o = bodyJson(res);
    QCOMPARE(B(str(o, "method")), QByteArray("GET"));
    QCOMPARE(B(str(o, "target")), B(target));
    QCOMPARE(B(str(o, "path")), QByteArray("/echo/hello w\xC3\xB6rld"));
    QCOMPARE(B(str(o, "test")), QByteArray("Foo Bar"));
    QCOMPARE(B(str(o, "multi")), QByteArray("one, two"));
    QCOMPARE(B(str(o, "remote")), QByteArray("127.0.0.1"));
    QCOMPARE(B(str(o, "body")), QByteArray());
    const auto& q = o.at("query").as_object();
    QCOMPARE(q.at("a").as_array().size(), std::size_t(2));
    QCOMPARE(B(q.at("a").as_array().at(0).as_string()), QByteArray("1"));
    QCOMPARE(B(q.at("a").as_array().at(1).as_string()), QByteArray("2"));
    QCOMPARE(B(q.at("b").as_array().at(0).as_string()), QByteArray("x y&z"));
    QCOMPARE(B(q.at("flag").as_array().at(0).as_string()), QByteArray());
    QCOMPARE(B(q.at("").as_array().at(0).as_string()), QByteArray("empty"));

    // A plus in the path is literal; only the query treats it as a space.
    QCOMPARE(c.roundTrip(get("/a+b?c=d+e"), res), 200);
    o = bodyJson(res);
    QCOMPARE(B(str(o, "path")), QByteArray("/a+b"));
    QCOMPARE(B(o.at("query").as_object().at("c").as_array().at(0).as_string()), QByteArray("d e"));

    const std::string payload = "hello {\"body\": true}\n\x01 binary";
    QCOMPARE(c.roundTrip(post("/submit?x=1", payload, "X-Test: posted\r\n"), res), 200);
    o = bodyJson(res);
    QCOMPARE(B(str(o, "method")), QByteArray("POST"));
    QCOMPARE(B(str(o, "path")), QByteArray("/submit"));
    QCOMPARE(B(str(o, "test")), QByteArray("posted"));
    QCOMPARE(B(str(o, "body")), B(payload));

    // Chunked request bodies are decoded.
    const std::string chunked = "PUT /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    QCOMPARE(c.roundTrip(chunked, res), 200);
    o = bodyJson(res);
    QCOMPARE(B(str(o, "method")), QByteArray("PUT"));
    QCOMPARE(B(str(o, "body")), QByteArray("hello world"));
}

void TestHttpServer::headRequestHasNoBody()
{
    auto server = makeServer();
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/echo"), res), 200);
    const auto getLength = std::string(res[bhttp::field::content_length]);
    QVERIFY(!getLength.empty());

    QCOMPARE(c.roundTrip("HEAD /echo HTTP/1.1\r\nHost: test\r\n\r\n", res, true), 200);
    QVERIFY(res.body().empty());
    QVERIFY(std::stoul(std::string(res[bhttp::field::content_length])) > 0);
    // Had the server sent body bytes after the HEAD response, this response would be garbage.
    QCOMPARE(c.roundTrip(get("/after-head"), res), 200);
    QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/after-head"));
}

void TestHttpServer::responseHeadersAndStatus()
{
    auto server = makeServer();
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/custom"), res), 201);
    QCOMPARE(B(res.body()), QByteArray("made"));
    QCOMPARE(B(res[bhttp::field::content_length]), QByteArray("4"));
    QCOMPARE(B(res[bhttp::field::content_type]), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(B(res["X-Extra"]), QByteArray("yes"));
    QCOMPARE(res.count(bhttp::field::set_cookie), std::size_t(2));

    QCOMPARE(c.roundTrip(get("/nocontent"), res), 204);
    QVERIFY(res.body().empty());
    // The connection is still in sync after a 204.
    QCOMPARE(c.roundTrip(get("/still"), res), 200);
    QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/still"));

    // A handler asking for Connection: close gets it.
    QCOMPARE(c.roundTrip(get("/bye"), res), 200);
    QVERIFY(!res.keep_alive());
    QVERIFY(c.closedWithin(2s));
}

void TestHttpServer::keepAlive()
{
    auto server = makeServer();
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        ClientResponse res;
        QCOMPARE(c.roundTrip(get("/one"), res), 200);
        QVERIFY(res.keep_alive());
        QCOMPARE(c.roundTrip(get("/two"), res), 200);
        QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/two"));
        QCOMPARE(server->openConnections(), std::size_t(1));

        // Two pipelined requests in one write.
        QVERIFY(!c.send(get("/p1") + post("/p2", "x")));
        QVERIFY(!c.read(res));
        QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/p1"));
        QVERIFY(!c.read(res));
        QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/p2"));

        // Connection: close ends it after the response.
        QCOMPARE(c.roundTrip(get("/last", "Connection: close\r\n"), res), 200);
        QVERIFY(!res.keep_alive());
        QVERIFY(c.closedWithin(2s));
    }
    {
        // HTTP/1.0 closes by default...
        Client c(server->port());
        QVERIFY(!c.connect());
        ClientResponse res;
        QCOMPARE(c.roundTrip("GET /old HTTP/1.0\r\n\r\n", res), 200);
        QVERIFY(c.closedWithin(2s));
    }
    {
        // ...unless it asks for keep-alive, which the response then confirms explicitly.
        Client c(server->port());
        QVERIFY(!c.connect());
        ClientResponse res;
        QCOMPARE(c.roundTrip("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", res), 200);
        QVERIFY(beast::iequals(res[bhttp::field::connection], "keep-alive"));
        QCOMPARE(c.roundTrip("GET /old2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", res), 200);
        QCOMPARE(B(str(bodyJson(res), "path")), QByteArray("/old2"));
    }
    QVERIFY(waitUntil([&] { return server->openConnections() == 0; }));
}

void TestHttpServer::bodyTooLarge()
{
    HttpServerConfig cfg;
    cfg.maxLargeBodyBytes = 4u << 20;
    auto server = makeServer(cfg);
    ClientResponse res;
    {
        // Content-Length one byte over 1 MiB on an ordinary route.
        Client c(server->port());
        QVERIFY(!c.connect());
        const std::string body((1u << 20) + 1, 'a');
        c.send(post("/echo", body)); // may fail once the server has answered; the answer counts
        QVERIFY(!c.read(res));
        QCOMPARE(res.result_int(), 413u);
        auto o = bodyJson(res);
        QCOMPARE(B(str(o, "code")), QByteArray("TOO_LARGE"));
        QCOMPARE(B(str(o, "error")), QByteArray("Request body too large"));
        QVERIFY(o.at("retry").is_bool() && !o.at("retry").as_bool());
        QVERIFY(!res.keep_alive());
        QVERIFY(c.closedWithin(3s));
    }
    {
        // Exactly 1 MiB is fine.
        Client c(server->port());
        QVERIFY(!c.connect());
        QCOMPARE(c.roundTrip(post("/upload", std::string(1u << 20, 'b')), res), 200);
        QCOMPARE(bodyJson(res).at("size").to_number<std::uint64_t>(), std::uint64_t(1u << 20));
    }
    {
        // 2 MiB on the route the predicate allows.
        Client c(server->port());
        QVERIFY(!c.connect());
        QCOMPARE(c.roundTrip(post("/upload-large/file", std::string(2u << 20, 'c')), res), 200);
        QCOMPARE(bodyJson(res).at("size").to_number<std::uint64_t>(), std::uint64_t(2u << 20));
        // The predicate sees the method: a PUT to the same target gets the small limit.
        c.send(std::string("PUT /upload-large/file HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n"));
        QVERIFY(!c.read(res));
        QCOMPARE(res.result_int(), 413u);
    }
    {
        // Over the large limit: rejected from the header alone.
        Client c(server->port());
        QVERIFY(!c.connect());
        QVERIFY(!c.send("POST /upload-large/x HTTP/1.1\r\nHost: t\r\nContent-Length: 4194305\r\n\r\n"));
        QVERIFY(!c.read(res));
        QCOMPARE(res.result_int(), 413u);
    }
    {
        // Chunked bodies are limited too.
        Client c(server->port());
        QVERIFY(!c.connect());
        std::string req = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        const std::string chunk(600 * 1024, 'd');
        for (int i = 0; i < 2; ++i)
            req += "96000\r\n" + chunk + "\r\n";
        req += "0\r\n\r\n";
        c.send(req);
        QVERIFY(!c.read(res));
        QCOMPARE(res.result_int(), 413u);
        QCOMPARE(B(str(bodyJson(res), "code")), QByteArray("TOO_LARGE"));
    }
    QVERIFY(waitUntil([&] { return server->openConnections() == 0; }, 5000ms));
}

void TestHttpServer::expectContinue()
{
    auto server = makeServer();
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QVERIFY(!c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    QVERIFY(!c.read(res));
    QCOMPARE(res.result_int(), 100u);
    QVERIFY(!c.send("abcde"));
    QVERIFY(!c.read(res));
    QCOMPARE(res.result_int(), 200u);
    QCOMPARE(bodyJson(res).at("size").to_number<int>(), 5);

    // Too large with Expect: the final status comes straight away, no 100.
    Client d(server->port());
    QVERIFY(!d.connect());
    QVERIFY(!d.send(
        "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 9999999\r\nExpect: 100-continue\r\n\r\n"));
    QVERIFY(!d.read(res));
    QCOMPARE(res.result_int(), 413u);
}

void TestHttpServer::headerTooLarge()
{
    auto server = makeServer();
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    const std::string big = "X-Big: " + std::string(17 * 1024, 'h') + "\r\n";
    c.send(get("/echo", big));
    QVERIFY(!c.read(res));
    QCOMPARE(res.result_int(), 431u);
    auto o = bodyJson(res);
    QCOMPARE(B(str(o, "code")), QByteArray("HEADER_TOO_LARGE"));
    QCOMPARE(B(str(o, "error")), QByteArray("Request header too large"));
    QVERIFY(c.closedWithin(3s));

    // Just under the limit is accepted.
    Client d(server->port());
    QVERIFY(!d.connect());
    QCOMPARE(d.roundTrip(get("/echo", "X-Big: " + std::string(15 * 1024, 'h') + "\r\n"), res), 200);
}

void TestHttpServer::malformedRequests()
{
    auto server = makeServer();
    ClientResponse res;
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        QCOMPARE(c.roundTrip("this is not http at all\r\n\r\n", res), 400);
        auto o = bodyJson(res);
        QCOMPARE(B(str(o, "code")), QByteArray("BAD_REQUEST"));
        QCOMPARE(B(str(o, "error")), QByteArray("Malformed HTTP request"));
        QVERIFY(c.closedWithin(3s));
    }
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        QCOMPARE(c.roundTrip("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", res), 400);
    }
    // Invalid percent-encoding and a decoded NUL in path or query.
    for (const char* target : {"/bad%zz", "/bad%2", "/bad%", "/nul%00here", "/q?a=%G1", "/q?a%00=1"}) {
        Client c(server->port());
        QVERIFY(!c.connect());
        QCOMPARE(c.roundTrip(get(target), res), 400);
        QCOMPARE(B(str(bodyJson(res), "code")), QByteArray("BAD_REQUEST"));
    }
    // Random garbage never takes the server down.
    std::mt19937 rng(12345);
    for (int i = 0; i < 30; ++i) {
        Client c(server->port());
        QVERIFY(!c.connect());
        std::string junk(static_cast<std::size_t>(1 + rng() % 600), '\0');
        for (char& ch : junk)
            ch = static_cast<char>(rng() % 256);
        if (i % 3 == 0)
            junk = "GET /" + junk + " HTTP/1.1\r\n\r\n";
        else if (i % 3 == 1)
            junk += "\r\n\r\n";
        c.send(junk);
        if (i % 2)
            c.abort();
        else
            c.close();
    }
    Client c(server->port());
    QVERIFY(!c.connect());
    QCOMPARE(c.roundTrip(get("/alive"), res), 200);
    c.close();
    QVERIFY(waitUntil([&] { return server->openConnections() == 0; }, 5000ms));
}

void TestHttpServer::idleTimeoutClosesConnection()
{
    HttpServerConfig cfg;
    cfg.idleTimeout = std::chrono::seconds(1);
    auto server = makeServer(cfg);
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/echo"), res), 200);
    const auto start = std::chrono::steady_clock::now();
    QVERIFY(c.closedWithin(2500ms));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    QVERIFY2(elapsed >= 800ms, "closed before the idle timeout");
    QVERIFY2(elapsed <= 2000ms, "idle connection outlived the idle timeout");
    QVERIFY(waitUntil([&] { return server->openConnections() == 0; }));
}

void TestHttpServer::connectionCap()
{
    HttpServerConfig cfg;
    cfg.maxConnections = 2;
    auto server = makeServer(cfg);
    ClientResponse res;
    Client a(server->port());
    Client b(server->port());
    QVERIFY(!a.connect());
    QVERIFY(!b.connect());
    QCOMPARE(a.roundTrip(get("/a"), res), 200);
    QCOMPARE(b.roundTrip(get("/b"), res), 200);
    QCOMPARE(server->openConnections(), std::size_t(2));

    Client third(server->port());
    QVERIFY(!third.connect());
    third.send(get("/c"));
    QVERIFY(!third.read(res));
    QCOMPARE(res.result_int(), 503u);
    QCOMPARE(B(res[bhttp::field::retry_after]), QByteArray("1"));
    auto o = bodyJson(res);
    QCOMPARE(B(str(o, "code")), QByteArray("UNAVAILABLE"));
    QCOMPARE(B(str(o, "error")), QByteArray("Server busy"));
    QVERIFY(o.at("retry").as_bool());
    QVERIFY(third.closedWithin(3s));
    QCOMPARE(server->openConnections(), std::size_t(2));

    // The existing connections still work, and a slot frees up when one closes.
    QCOMPARE(a.roundTrip(get("/a2"), res), 200);
    a.close();
    QVERIFY(waitUntil([&] { return server->openConnections() == 1; }));
    Client fourth(server->port());
    QVERIFY(!fourth.connect());
    QCOMPARE(fourth.roundTrip(get("/d"), res), 200);
}

void TestHttpServer::handlerThrows()
{
    auto server = makeServer();
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/throw"), res), 500);
    auto o = bodyJson(res);
    QCOMPARE(B(str(o, "code")), QByteArray("INTERNAL_ERROR"));
    QCOMPARE(B(str(o, "error")), QByteArray("Internal error"));
    QVERIFY(o.at("retry").as_bool());
    QCOMPARE(c.roundTrip(get("/throw-int"), res), 500);
    // Same connection, and new ones, keep working.
    QCOMPARE(c.roundTrip(get("/fine"), res), 200);
    Client d(server->port());
    QVERIFY(!d.connect());
    QCOMPARE(d.roundTrip(get("/fine"), res), 200);
}

void TestHttpServer::clientDisconnectMidBody()
{
    auto server = makeServer();
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        QVERIFY(!c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789"));
        QVERIFY(waitUntil([&] { return server->openConnections() == 1; }));
        c.close();
    }
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        QVERIFY(!c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nabc"));
        QVERIFY(waitUntil([&] { return server->openConnections() == 1; }));
        c.abort();
    }
    {
        Client c(server->port());
        QVERIFY(!c.connect());
        QVERIFY(!c.send("GET /half-a-hea"));
        c.abort();
    }
    QVERIFY(waitUntil([&] { return server->openConnections() == 0; }));
    Client c(server->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/alive"), res), 200);
}

void TestHttpServer::stopIsIdempotent()
{
    auto server = makeServer();
    const auto port = server->port();
    Client c(port);
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/echo"), res), 200);
    QCOMPARE(server->openConnections(), std::size_t(1));

    const auto start = std::chrono::steady_clock::now();
    server->stop();
    QVERIFY(std::chrono::steady_clock::now() - start < 2s);
    QCOMPARE(server->openConnections(), std::size_t(0));
    QVERIFY(c.closedWithin(2s)); // the keep-alive connection was closed by stop()
    server->stop();
    QCOMPARE(server->openConnections(), std::size_t(0));

    Client late(port);
    QVERIFY(late.connect()); // nobody listens any more

    // Never started: stop() and destruction are harmless.
    HttpServer idle(HttpServerConfig{}, echoHandler);
    idle.stop();
    idle.stop();
}

void TestHttpServer::bindFailureThrows()
{
    auto first = makeServer();
    HttpServerConfig cfg;
    cfg.port = first->port();
    HttpServer second(cfg, echoHandler);
    bool threw = false;
    try {
        second.start();
    } catch (const std::runtime_error& e) {
        threw = true;
        QVERIFY2(std::string(e.what()).find(std::to_string(cfg.port)) != std::string::npos, e.what());
    }
    QVERIFY(threw);
    second.stop();

    HttpServerConfig bad;
    bad.host = "192.0.2.1"; // TEST-NET-1: parses, but no local interface has it
    HttpServer third(bad, echoHandler);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, third.start());

    // The first server is unaffected.
    Client c(first->port());
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/echo"), res), 200);
}

void TestHttpServer::scheduleRunsCallback()
{
    auto server = makeServer();
    std::atomic<int> ran{0};
    std::atomic<bool> otherThread{false};
    const auto testThread = std::this_thread::get_id();
    server->schedule(0ms, [] { throw std::runtime_error("ignored"); });
    server->schedule(30ms, [&] {
        otherThread = std::this_thread::get_id() != testThread;
        ++ran;
    });
    QVERIFY(waitUntil([&] { return ran.load() == 1; }, 2000ms));
    QVERIFY(otherThread.load());

    // Scheduled from inside a scheduled callback (background jobs re-arm themselves).
    HttpServer* raw = server.get();
    server->schedule(1ms, [&, raw] { raw->schedule(1ms, [&] { ran += 10; }); });
    QVERIFY(waitUntil([&] { return ran.load() == 11; }, 2000ms));

    // A far-away timer is cancelled by stop(), which does not wait for it.
    std::atomic<bool> late{false};
    server->schedule(60s, [&] { late = true; });
    const auto start = std::chrono::steady_clock::now();
    server->stop();
    QVERIFY(std::chrono::steady_clock::now() - start < 2s);
    QVERIFY(!late.load());
    server->schedule(1ms, [&] { late = true; }); // after stop: ignored
    std::this_thread::sleep_for(50ms);
    QVERIFY(!late.load());
}

void TestHttpServer::ipv6AndLocalhost()
{
    {
        HttpServerConfig cfg;
        cfg.host = "localhost";
        auto server = makeServer(cfg);
        QCOMPARE(B(server->host()), QByteArray("127.0.0.1"));
        Client c(server->port());
        QVERIFY(!c.connect());
        ClientResponse res;
        QCOMPARE(c.roundTrip(get("/v4"), res), 200);
    }
    HttpServerConfig cfg;
    cfg.host = "::1";
    cfg.threads = 1;
    HttpServer server(cfg, echoHandler);
    try {
        server.start();
    } catch (const std::runtime_error&) {
        QSKIP("IPv6 loopback unavailable");
    }
    QCOMPARE(B(server.host()), QByteArray("::1"));
    Client c(server.port(), "::1");
    QVERIFY(!c.connect());
    ClientResponse res;
    QCOMPARE(c.roundTrip(get("/v6"), res), 200);
    QCOMPARE(B(str(bodyJson(res), "remote")), QByteArray("::1"));
}

// A long-poll style answer: the handler returns at once with a deferred
// response, completed later from another thread. With one worker thread, a
// second request must still be served while the first waits.
void TestHttpServer::deferredResponseFreesTheWorker()
{
    std::mutex mutex;
    std::vector<Response::Completion> pending;
    HttpServerConfig cfg;
    cfg.threads = 1;
    HttpServer server(cfg, [&](Request& req) {
        Response r;
        if (req.path == "/wait") {
            r.deferred = [&](Response::Completion done) {
                std::lock_guard lock(mutex);
                pending.push_back(std::move(done));
            };
            return r;
        }
        r.body = "{\"quick\":true}";
        return r;
    });
    server.start();
    Client waiter(server.port());
    QVERIFY(!waiter.connect());
    QVERIFY(!waiter.send(get("/wait")));
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 std::lock_guard lock(mutex);
                                 return pending.size() == 1;
                             }()),
                             3000);

    Client other(server.port());
    QVERIFY(!other.connect());
    ClientResponse quick;
    QCOMPARE(other.roundTrip(get("/quick"), quick), 200);
    QCOMPARE(B(quick.body()), QByteArray("{\"quick\":true}"));

    std::thread completer([&] {
        std::this_thread::sleep_for(100ms);
        Response later;
        later.status = 200;
        later.body = "{\"events\":[]}";
        std::lock_guard lock(mutex);
        pending.front()(std::move(later));
    });
    ClientResponse res;
    QVERIFY(!waiter.read(res));
    completer.join();
    QCOMPARE(static_cast<int>(res.result_int()), 200);
    QCOMPARE(B(res.body()), QByteArray("{\"events\":[]}"));
    // The connection stays usable for the next request (keep-alive).
    QCOMPARE(waiter.roundTrip(get("/quick"), res), 200);
    {
        std::lock_guard lock(mutex);
        pending.clear();
    }
    server.stop();
}

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
