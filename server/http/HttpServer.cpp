#include "HttpServer.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffer_traits.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace taskdesk::http {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Strand = net::strand<net::io_context::executor_type>;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr std::chrono::seconds kWriteTimeout{30};
constexpr std::chrono::seconds kLingerTimeout{2}; // draining a rejected request before closing
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
constexpr std::size_t kFirstReadSize = 8192;
constexpr std::size_t kDrainReadSize = 16384;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// ---------------------------------------------------------------------------------------------
// Small helpers

const std::string& errorBody(int status)
{
    static const std::string tooLarge =
        Response::error(413, "TOO_LARGE", "Request body too large", false).body;
    static const std::string headerTooLarge =
        Response::error(431, "HEADER_TOO_LARGE", "Request header too large", false).body;
    static const std::string badRequest =
        Response::error(400, "BAD_REQUEST", "Malformed HTTP request", false).body;
    static const std::string busy = Response::error(503, "UNAVAILABLE", "Server busy", true).body;
    static const std::string internal = Response::error(500, "INTERNAL_ERROR", "Internal error", true).body;
    switch (status) {
    case 413:
        return tooLarge;
    case 431:
        return headerTooLarge;
    case 503:
        return busy;
    case 500:
        return internal;
    default:
        return badRequest;
    }
}

// "Sun, 06 Nov 1994 08:49:37 GMT", cached per thread and second. Formatted by hand so that the
// process locale (Qt calls setlocale) cannot change the day and month names.
std::string_view httpDate()
{
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    thread_local std::time_t cachedSecond = -1;
    thread_local char buf[64];
    thread_local std::size_t len = 0;
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    if (now != cachedSecond) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        const int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                                    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
                                    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        len = n > 0 ? std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1) : 0;
        cachedSecond = now;
    }
    return {buf, len};
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decodes in into out. False on a malformed escape or a decoded NUL.
bool percentDecode(std::string_view in, std::string& out, bool plusAsSpace)
{
    out.clear();
    if (in.find('%') == std::string_view::npos && (!plusAsSpace || in.find('+') == std::string_view::npos)) {
        out.assign(in.data(), in.size());
        return true;
    }
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size())
                return false;
            const int hi = hexValue(in[i + 1]);
            const int lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            const char decoded = static_cast<char>((hi << 4) | lo);
            if (decoded == '\0')
                return false;
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plusAsSpace) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return true;
}

bool iequalsPrefix(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && beast::iequals(s.substr(0, prefix.size()), prefix);
}

// Fills the transport-independent Request. False when the target cannot be decoded.
bool buildRequest(BeastRequest& msg, Request& out)
{
    const std::string_view target = msg.target();
    std::string_view pathPart = target;
    std::string_view queryPart;
    if (const auto q = target.find('?'); q != std::string_view::npos) {
        pathPart = target.substr(0, q);
        queryPart = target.substr(q + 1);
    }
    // Absolute form (RFC 9112 3.2.2): keep only the path.
    if (iequalsPrefix(pathPart, "http://") || iequalsPrefix(pathPart, "https://")) {
        const auto authority = pathPart.find("//") + 2;
        const auto slash = pathPart.find('/', authority);
        pathPart = slash == std::string_view::npos ? std::string_view("/") : pathPart.substr(slash);
    }

    out.method.assign(msg.method_string().data(), msg.method_string().size());
    out.target.assign(target.data(), target.size());
    if (!percentDecode(pathPart, out.path, false))
        return false;

    std::string key;
    std::string value;
    while (!queryPart.empty()) {
        const auto amp = queryPart.find('&');
        const std::string_view pair = queryPart.substr(0, amp);
        queryPart = amp == std::string_view::npos ? std::string_view() : queryPart.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        if (!percentDecode(pair.substr(0, eq), key, true))
            return false;
        if (eq == std::string_view::npos)
            value.clear();
        else if (!percentDecode(pair.substr(eq + 1), value, true))
            return false;
        out.query.emplace(std::move(key), std::move(value));
    }

    for (const auto& field : msg) {
        const std::string_view n = field.name_string();
        std::string name(n.data(), n.size());
        for (char& c : name)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        const std::string_view v = field.value();
        auto [it, inserted] = out.headers.try_emplace(std::move(name), v.data(), v.size());
        if (!inserted) {
            it->second.append(", ");
            it->second.append(v.data(), v.size());
        }
    }
    out.body = std::move(msg.body());
    return true;
}

bool hasLineBreak(std::string_view s)
{
    return s.find_first_of("\r\n") != std::string_view::npos;
}

using Parser = bhttp::request_parser<bhttp::string_body>;

// A fresh parser's limits. The parser checks Content-Length against the body limit when the
// header completes; bodyLimitFor() then narrows it to the exact per-route limit.
void configureParser(Parser& parser, const HttpServerConfig& cfg, bool largeBodies)
{
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(cfg.maxHeaderBytes, UINT32_MAX)));
    std::uint64_t upper = cfg.maxBodyBytes;
    if (largeBodies)
        upper = std::max<std::uint64_t>(upper, cfg.maxLargeBodyBytes);
    parser.body_limit(upper);
}

std::uint64_t bodyLimitFor(const BeastRequest& msg, const HttpServerConfig& cfg,
                           const HttpServer::LargeBodyPredicate& allowLargeBody)
{
    std::uint64_t limit = cfg.maxBodyBytes;
    if (allowLargeBody && cfg.maxLargeBodyBytes > limit) {
        bool large = false;
        try {
            large = allowLargeBody(std::string(msg.method_string()), std::string(msg.target()));
        } catch (...) {
            large = false;
        }
        if (large)
            limit = cfg.maxLargeBodyBytes;
    }
    return limit;
}

// The canned answer to a failed read; 0 when the peer went away (or a timeout or reset ended
// it), where nothing useful can be sent.
int statusForReadError(error_code ec)
{
    if (ec.category() != bhttp::make_error_code(bhttp::error::end_of_stream).category())
        return 0;
    switch (static_cast<bhttp::error>(ec.value())) {
    case bhttp::error::end_of_stream:
    case bhttp::error::partial_message:
    case bhttp::error::short_read:
        return 0;
    case bhttp::error::header_limit:
    case bhttp::error::buffer_overflow:
        return 431;
    case bhttp::error::body_limit:
        return 413;
    default:
        return 400;
    }
}

// Frames a handler's answer. Returns whether the connection stays open, which the handler's
// own Connection header may have turned off.
bool frameResponse(BeastResponse& res, Response&& r, bool keepAlive, unsigned requestVersion, bool head)
{
    if (r.status < 200 || r.status > 999) { // 1xx cannot be a final response
        r = Response();
        r.status = 500;
        r.body = errorBody(500);
    }
    res = BeastResponse();
    res.version(11);
    res.result(static_cast<unsigned>(r.status));
    res.set(bhttp::field::server, "taskdesk");
    res.set(bhttp::field::date, httpDate());
    if (!r.contentType.empty() && !hasLineBreak(r.contentType))
        res.set(bhttp::field::content_type, r.contentType);
    for (const auto& [name, value] : r.headers) {
        if (name.empty() || hasLineBreak(name) || hasLineBreak(value))
            continue;
        if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding"))
            continue; // framing is ours
        if (beast::iequals(name, "connection")) {
            if (value.find("close") != std::string::npos)
                keepAlive = false;
            continue;
        }
        if (beast::iequals(name, "server") || beast::iequals(name, "date") ||
            beast::iequals(name, "content-type"))
            res.set(name, value);
        else
            res.insert(name, value);
    }
    if (r.status == 204 || r.status == 304) {
        res.erase(bhttp::field::content_length);
    } else {
        res.body() = std::move(r.body);
        res.prepare_payload();
        if (head)
            res.body().clear(); // keep the Content-Length of the GET representation
    }
    res.keep_alive(keepAlive);
    if (keepAlive && requestVersion == 10)
        res.set(bhttp::field::connection, "keep-alive");
    return keepAlive;
}

// A SyncReadStream over bytes already in memory, for parseRequestBytes().
class MemoryReadStream
{
public:
    explicit MemoryReadStream(std::string_view data) : m_data(data) {}

    template <class MutableBufferSequence>
    std::size_t read_some(const MutableBufferSequence& buffers, error_code& ec)
    {
        if (m_data.empty()) {
            ec = net::error::eof;
            return 0;
        }
        ec = {};
        const std::size_t n = net::buffer_copy(buffers, net::buffer(m_data.data(), m_data.size()));
        m_data.remove_prefix(n);
        return n;
    }

    template <class MutableBufferSequence> std::size_t read_some(const MutableBufferSequence& buffers)
    {
        error_code ec;
        const std::size_t n = read_some(buffers, ec);
        if (ec)
            throw boost::system::system_error(ec);
        return n;
    }

private:
    std::string_view m_data;
};

// ---------------------------------------------------------------------------------------------

class Session;

// Everything the server shares with its sessions. Outlives every handler queued on ioc
// because HttpServer::stop() joins the worker threads before it is destroyed.
struct Core
{
    Core(HttpServerConfig c, HttpServer::Handler h, HttpServer::LargeBodyPredicate p)
        : cfg(std::move(c)), handler(std::move(h)), allowLargeBody(std::move(p))
    {}

    HttpServerConfig cfg;
    HttpServer::Handler handler;
    HttpServer::LargeBodyPredicate allowLargeBody;

    std::atomic<std::size_t> open{0};
    std::atomic<bool> stopping{false};

    std::mutex registryMutex; // guards sessions and timers
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
    std::unordered_map<net::steady_timer*, std::shared_ptr<net::steady_timer>> timers;

    std::mutex lifecycleMutex; // serialises start() and stop()
    bool running = false;
    std::uint16_t boundPort = 0;
    std::string boundHost;

    // Declared after everything the queued handlers touch, so it is destroyed first.
    net::io_context ioc;
    Strand acceptStrand{net::make_strand(ioc)};
    tcp::acceptor acceptor{acceptStrand};
    net::steady_timer acceptRetry{acceptStrand};
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    std::vector<std::thread> threads;

    void doAccept();
    void onAccept(error_code ec, tcp::socket socket);
    void runWorker();
    void start();
    void stop();
    void schedule(std::chrono::milliseconds delay, std::function<void()> fn);
};

thread_local const Core* t_workerOf = nullptr;

// One connection. All its operations are chained on its own strand (the stream's executor), so
// Beast's timeout timer and stop() never race with a read or write in progress.
class Session : public std::enable_shared_from_this<Session>
{
public:
    Session(Core& core, tcp::socket&& socket, bool counted)
        : core_(core), stream_(std::move(socket)), counted_(counted)
    {
        if (counted_)
            core_.open.fetch_add(1, std::memory_order_relaxed);
        error_code ec;
        const auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) {
            auto addr = ep.address();
            if (addr.is_v6() && addr.to_v6().is_v4_mapped())
                addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
            remote_ = addr.to_string();
        }
        stream_.socket().set_option(tcp::no_delay(true), ec);
    }

    ~Session()
    {
        if (registered_) {
            std::lock_guard lock(core_.registryMutex);
            core_.sessions.erase(this);
        }
        if (counted_)
            core_.open.fetch_sub(1, std::memory_order_relaxed);
    }

    void start()
    {
        bool stopping = false;
        {
            std::lock_guard lock(core_.registryMutex);
            stopping = core_.stopping.load();
            if (!stopping) {
                core_.sessions.emplace(this, weak_from_this());
                registered_ = true;
            }
        }
        if (stopping) {
            closeNow();
            return;
        }
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->counted_)
                self->readRequest();
            else
                self->sendError(503, false);
        });
    }

    // Called from stop(): posted onto the session's strand.
    void requestClose()
    {
        net::post(stream_.get_executor(), [self = shared_from_this()] { self->closeNow(); });
    }

private:
    // --- reading ------------------------------------------------------------------------------

    void readRequest()
    {
        if (core_.stopping.load(std::memory_order_relaxed) || closed_) {
            closeNow();
            return;
        }
        parser_.emplace();
        configureParser(*parser_, core_.cfg, static_cast<bool>(core_.allowLargeBody));

        if (buffer_.size() > 0) { // pipelined bytes already here
            readHeader();
            return;
        }
        // Wait for the first byte of the next request: this is the idle phase.
        const auto idle =
            fresh_ ? std::min(core_.cfg.idleTimeout, core_.cfg.headerTimeout) : core_.cfg.idleTimeout;
        stream_.expires_after(idle);
        stream_.async_read_some(buffer_.prepare(kFirstReadSize),
                                [self = shared_from_this()](error_code ec, std::size_t n) {
                                    if (ec) {
                                        self->closeNow();
                                        return;
                                    }
                                    self->buffer_.commit(n);
                                    self->readHeader();
                                });
    }

    void readHeader()
    {
        stream_.expires_after(core_.cfg.headerTimeout);
        headerBytes_ = 0;
        readHeaderPart();
    }

    // Reads the header piece by piece and counts it whole: Beast checks header_limit only against
    // the bytes it holds at once and drops the fields it has parsed, so many small fields (or a
    // large one arriving in pieces) could otherwise add up past maxHeaderBytes.
    void readHeaderPart()
    {
        bhttp::async_read_some(stream_, buffer_, *parser_,
                               [self = shared_from_this()](error_code ec, std::size_t n) {
                                   self->headerBytes_ += n;
                                   if (!ec && self->headerBytes_ > self->core_.cfg.maxHeaderBytes) {
                                       self->sendError(431, true);
                                       return;
                                   }
                                   if (!ec && !self->parser_->is_header_done()) {
                                       self->readHeaderPart();
                                       return;
                                   }
                                   self->onHeader(ec, n);
                               });
    }

    void onHeader(error_code ec, std::size_t)
    {
        if (ec) {
            handleReadError(ec);
            return;
        }
        auto& msg = parser_->get();
        head_ = msg.method() == bhttp::verb::head;

        const std::uint64_t limit = bodyLimitFor(msg, core_.cfg, core_.allowLargeBody);
        if (const auto length = parser_->content_length(); length && *length > limit) {
            sendError(413, true);
            return;
        }
        parser_->body_limit(limit); // enforced chunk by chunk for chunked bodies

        if (parser_->is_done()) {
            handleRequest();
            return;
        }
        if (msg.version() >= 11 && beast::iequals(msg[bhttp::field::expect], "100-continue")) {
            stream_.expires_after(kWriteTimeout);
            net::async_write(stream_, net::const_buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this()](error_code ec, std::size_t) {
                                 if (ec) {
                                     self->closeNow();
                                     return;
                                 }
                                 self->readBody();
                             });
            return;
        }
        readBody();
    }

    void readBody()
    {
        stream_.expires_after(core_.cfg.bodyTimeout);
        bhttp::async_read(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::onBody, shared_from_this()));
    }

    void onBody(error_code ec, std::size_t)
    {
        if (ec) {
            handleReadError(ec);
            return;
        }
        handleRequest();
    }

    void handleReadError(error_code ec)
    {
        if (const int status = statusForReadError(ec)) {
            sendError(status, true);
            return;
        }
        closeNow();
    }

    // --- handling -----------------------------------------------------------------------------

    void handleRequest()
    {
        stream_.expires_never(); // handlers may block on the database
        BeastRequest msg = parser_->release();
        parser_.reset();
        const bool keepAlive = msg.keep_alive();
        const unsigned version = msg.version();

        Response response;
        try {
            Request request;
            request.remoteAddress = remote_;
            if (!buildRequest(msg, request)) {
                response.status = 400;
                response.body = errorBody(400);
            } else {
                response = core_.handler(request);
            }
        } catch (...) {
            response = Response();
            response.status = 500;
            response.body = errorBody(500);
        }

        if (response.deferred) {
            auto start = std::move(response.deferred);
            auto self = shared_from_this();
            try {
                start([self, keepAlive, version](Response later) {
                    net::post(self->stream_.get_executor(),
                              [self, keepAlive, version, later = std::move(later)]() mutable {
                                  self->finishResponse(std::move(later), keepAlive, version);
                              });
                });
            } catch (...) {
                Response internal;
                internal.status = 500;
                internal.body = errorBody(500);
                finishResponse(std::move(internal), keepAlive, version);
            }
            return;
        }
        finishResponse(std::move(response), keepAlive, version);
    }

    void finishResponse(Response&& response, bool keepAlive, unsigned version)
    {
        if (response.deferred) { // a completion must carry a final answer
            response = Response();
            response.status = 500;
            response.body = errorBody(500);
        }
        try {
            prepareResponse(std::move(response), keepAlive, version);
        } catch (...) {
            Response internal;
            internal.status = 500;
            internal.body = errorBody(500);
            prepareResponse(std::move(internal), keepAlive, version);
        }
        lingerAfterWrite_ = false;
        write();
    }

    void prepareResponse(Response&& r, bool keepAlive, unsigned requestVersion)
    {
        keepAlive_ = frameResponse(res_, std::move(r), keepAlive, requestVersion, head_);
    }

    // Writes one of the canned errors, then drains and closes (lingering close, so the client
    // can read the response even while it is still sending).
    void sendError(int status, bool afterRequest)
    {
        stream_.expires_never();
        if (afterRequest && parser_)
            head_ = parser_->is_header_done() && parser_->get().method() == bhttp::verb::head;
        parser_.reset();
        Response r;
        r.status = status;
        r.body = errorBody(status);
        if (status == 503)
            r.headers.emplace_back("Retry-After", "1");
        prepareResponse(std::move(r), false, 11);
        lingerAfterWrite_ = true;
        write();
    }

    // --- writing ------------------------------------------------------------------------------

    void write()
    {
        stream_.expires_after(kWriteTimeout);
        bhttp::async_write(stream_, res_, beast::bind_front_handler(&Session::onWrite, shared_from_this()));
    }

    void onWrite(error_code ec, std::size_t)
    {
        if (ec) {
            closeNow();
            return;
        }
        if (lingerAfterWrite_) {
            lingerClose();
            return;
        }
        if (!keepAlive_ || core_.stopping.load(std::memory_order_relaxed)) {
            error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
            closeNow();
            return;
        }
        res_ = BeastResponse(); // release the body now rather than on the next request
        fresh_ = false;
        head_ = false;
        readRequest();
    }

    // --- closing ------------------------------------------------------------------------------

    void lingerClose()
    {
        if (closed_ || core_.stopping.load(std::memory_order_relaxed)) {
            closeNow();
            return;
        }
        error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) {
            closeNow();
            return;
        }
        buffer_.consume(buffer_.size());
        stream_.expires_after(kLingerTimeout);
        drain();
    }

    void drain()
    {
        stream_.async_read_some(buffer_.prepare(kDrainReadSize),
                                [self = shared_from_this()](error_code ec, std::size_t) {
                                    if (ec || self->core_.stopping.load(std::memory_order_relaxed)) {
                                        self->closeNow();
                                        return;
                                    }
                                    self->drain();
                                });
    }

    void closeNow()
    {
        if (closed_)
            return;
        closed_ = true;
        error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
    }

    Core& core_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    BeastResponse res_;
    std::string remote_;
    const bool counted_;
    bool registered_ = false;
    bool fresh_ = true;
    bool head_ = false;
    bool keepAlive_ = false;
    bool lingerAfterWrite_ = false;
    bool closed_ = false;
    std::size_t headerBytes_ = 0; // of the request being read
};

// ---------------------------------------------------------------------------------------------

void Core::doAccept()
{
    acceptor.async_accept(net::make_strand(ioc),
                          [this](error_code ec, tcp::socket socket) { onAccept(ec, std::move(socket)); });
}

void Core::onAccept(error_code ec, tcp::socket socket)
{
    if (stopping.load() || !acceptor.is_open()) {
        error_code ignored;
        socket.close(ignored);
        return;
    }
    if (ec) {
        if (ec == net::error::operation_aborted)
            return;
        if (ec == net::error::connection_aborted) {
            doAccept();
            return;
        }
        // EMFILE/ENFILE/ENOBUFS and friends: back off briefly instead of spinning.
        acceptRetry.expires_after(kAcceptRetryDelay);
        acceptRetry.async_wait([this](error_code e) {
            if (!e && !stopping.load() && acceptor.is_open())
                doAccept();
        });
        return;
    }
    const bool counted = open.load(std::memory_order_relaxed) < cfg.maxConnections;
    try {
        std::make_shared<Session>(*this, std::move(socket), counted)->start();
    } catch (...) {
        // allocation failure: drop this connection, keep accepting
    }
    doAccept();
}

void Core::runWorker()
{
    t_workerOf = this;
    for (;;) {
        try {
            ioc.run();
            return;
        } catch (...) {
            // A handler threw out of the event loop; keep serving.
        }
    }
}

void Core::start()
{
    std::unique_lock lock(lifecycleMutex);
    if (running)
        return;
    if (t_workerOf == this)
        throw std::logic_error("HttpServer::start() called from one of its own worker threads");
    // Threads left over from a stop() issued on a worker thread.
    auto leftovers = std::move(threads);
    threads.clear();
    for (auto& t : leftovers)
        if (t.joinable())
            t.join();

    std::string host = cfg.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    const std::string where = cfg.host + ":" + std::to_string(cfg.port);

    error_code ec;
    net::ip::address address;
    if (host.empty()) {
        address = net::ip::address_v4::any();
    } else if (host == "localhost") {
        address = net::ip::address_v4::loopback();
    } else {
        address = net::ip::make_address(host, ec);
        if (ec) {
            tcp::resolver resolver(ioc);
            auto results = resolver.resolve(host, std::to_string(cfg.port), ec);
            if (ec || results.empty())
                throw std::runtime_error("HttpServer: cannot resolve host '" + cfg.host +
                                         "': " + (ec ? ec.message() : std::string("no address")));
            address = results.begin()->endpoint().address();
        }
    }
    const tcp::endpoint endpoint(address, cfg.port);

    auto fail = [&](const char* what) {
        error_code ignored;
        acceptor.close(ignored);
        throw std::runtime_error(std::string("HttpServer: cannot ") + what + " " + where + ": " +
                                 ec.message());
    };
    acceptor.open(endpoint.protocol(), ec);
    if (ec)
        fail("open a socket for");
    acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (ec)
        fail("set SO_REUSEADDR on");
    acceptor.bind(endpoint, ec);
    if (ec)
        fail("bind");
    acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        fail("listen on");
    const auto local = acceptor.local_endpoint(ec);
    if (ec)
        fail("read the address of");
    boundPort = local.port();
    boundHost = local.address().to_string();

    ioc.restart();
    stopping.store(false);
    work.emplace(net::make_work_guard(ioc));
    doAccept(); // no thread runs ioc yet, so touching the acceptor here is safe

    unsigned n = cfg.threads ? cfg.threads : std::thread::hardware_concurrency();
    n = std::max(1u, n);
    try {
        threads.reserve(n);
        for (unsigned i = 0; i < n; ++i)
            threads.emplace_back([this] { runWorker(); });
    } catch (const std::exception& e) {
        running = true;
        lock.unlock();
        stop();
        throw std::runtime_error(std::string("HttpServer: cannot start worker threads: ") + e.what());
    }
    running = true;
}

void Core::stop()
{
    std::unique_lock lock(lifecycleMutex);
    if (running) {
        running = false;
        // Collected under the lock, acted on (and released) outside it: dropping what may be
        // the last reference to a session runs ~Session, which takes registryMutex itself.
        std::vector<std::shared_ptr<Session>> liveSessions;
        std::vector<std::shared_ptr<net::steady_timer>> liveTimers;
        {
            std::lock_guard reg(registryMutex);
            stopping.store(true);
            liveSessions.reserve(sessions.size());
            for (auto& [ptr, weak] : sessions)
                if (auto s = weak.lock())
                    liveSessions.push_back(std::move(s));
            liveTimers.reserve(timers.size());
            for (auto& [ptr, timer] : timers)
                liveTimers.push_back(timer);
        }
        for (auto& s : liveSessions)
            s->requestClose();
        for (auto& timer : liveTimers)
            net::post(timer->get_executor(), [timer] { timer->cancel(); });
        liveSessions.clear();
        liveTimers.clear();
        net::post(acceptStrand, [this] {
            error_code ignored;
            acceptor.close(ignored);
            acceptRetry.cancel();
        });
        work.reset(); // run() returns once every connection and timer has wound down
    }
    if (t_workerOf == this)
        return; // cannot join ourselves; a later stop() or the destructor joins
    auto toJoin = std::move(threads);
    threads.clear();
    lock.unlock();
    for (auto& t : toJoin)
        if (t.joinable())
            t.join();
}

void Core::schedule(std::chrono::milliseconds delay, std::function<void()> fn)
{
    if (!fn)
        return;
    auto timer = std::make_shared<net::steady_timer>(net::make_strand(ioc));
    {
        std::lock_guard reg(registryMutex);
        if (stopping.load())
            return;
        timers.emplace(timer.get(), timer);
        // Initiated under the lock so that stop() cannot cancel before the wait exists.
        timer->expires_after(delay);
        timer->async_wait([this, timer, fn = std::move(fn)](error_code ec) {
            std::shared_ptr<net::steady_timer> registered; // released outside the lock
            {
                std::lock_guard reg(registryMutex);
                if (auto it = timers.find(timer.get()); it != timers.end()) {
                    registered = std::move(it->second);
                    timers.erase(it);
                }
            }
            if (ec || stopping.load())
                return;
            try {
                fn();
            } catch (...) {
                // background jobs report their own failures
            }
        });
    }
}

} // namespace

// -------------------------------------------------------------------------------------------------

struct HttpServer::Impl
{
    Impl(HttpServerConfig c, Handler h, LargeBodyPredicate p) : core(std::move(c), std::move(h), std::move(p))
    {}
    Core core;
};

HttpServer::HttpServer(HttpServerConfig config, Handler handler, LargeBodyPredicate allowLargeBody)
    : d(std::make_unique<Impl>(std::move(config), std::move(handler), std::move(allowLargeBody)))
{}

HttpServer::~HttpServer()
{
    if (t_workerOf == &d->core) {
        // Destroyed from inside one of our own handlers: the best we can do is not deadlock.
        d->core.stop();
        for (auto& t : d->core.threads)
            if (t.joinable())
                t.get_id() == std::this_thread::get_id() ? t.detach() : t.join();
    } else {
        d->core.stop();
    }
    // Timers scheduled but never run (server never started) must go before the io_context.
    decltype(d->core.timers) pending;
    {
        std::lock_guard reg(d->core.registryMutex);
        pending.swap(d->core.timers);
    }
    pending.clear();
}

void HttpServer::start()
{
    d->core.start();
}

void HttpServer::stop()
{
    d->core.stop();
}

std::uint16_t HttpServer::port() const
{
    std::lock_guard lock(d->core.lifecycleMutex);
    return d->core.boundPort ? d->core.boundPort : d->core.cfg.port;
}

std::string HttpServer::host() const
{
    std::lock_guard lock(d->core.lifecycleMutex);
    return d->core.boundHost.empty() ? d->core.cfg.host : d->core.boundHost;
}

std::size_t HttpServer::openConnections() const
{
    return d->core.open.load(std::memory_order_relaxed);
}

void HttpServer::schedule(std::chrono::milliseconds delay, std::function<void()> fn)
{
    d->core.schedule(delay, std::move(fn));
}

// The same steps as Session::readRequest() to handleRequest(), over bytes in memory: the first
// read of up to kFirstReadSize, the header read piece by piece and counted whole, the per-route
// body limit, then the body.
ParsedRequest parseRequestBytes(std::string_view bytes, const HttpServerConfig& config,
                                const HttpServer::LargeBodyPredicate& allowLargeBody)
{
    ParsedRequest out;
    MemoryReadStream stream(bytes);
    beast::flat_buffer buffer;
    Parser parser;
    configureParser(parser, config, static_cast<bool>(allowLargeBody));
    auto refuse = [&out](int status) {
        out.outcome = status ? ParsedRequest::Outcome::Refused : ParsedRequest::Outcome::Incomplete;
        out.status = status;
        return out;
    };

    error_code ec;
    const std::size_t first = stream.read_some(buffer.prepare(kFirstReadSize), ec);
    if (ec)
        return refuse(0);
    buffer.commit(first);

    std::size_t headerBytes = 0;
    for (;;) {
        const std::size_t n = bhttp::read_some(stream, buffer, parser, ec);
        headerBytes += n;
        if (!ec && headerBytes > config.maxHeaderBytes)
            return refuse(431);
        if (!ec && !parser.is_header_done())
            continue;
        break;
    }
    if (ec)
        return refuse(statusForReadError(ec));
    out.head = parser.get().method() == bhttp::verb::head;
    const std::uint64_t limit = bodyLimitFor(parser.get(), config, allowLargeBody);
    if (const auto length = parser.content_length(); length && *length > limit)
        return refuse(413);
    parser.body_limit(limit);
    if (!parser.is_done()) {
        bhttp::read(stream, buffer, parser, ec);
        if (ec)
            return refuse(statusForReadError(ec));
    }

    BeastRequest msg = parser.release();
    out.keepAlive = msg.keep_alive();
    out.version = msg.version();
    if (!buildRequest(msg, out.request))
        return refuse(400);
    out.outcome = ParsedRequest::Outcome::Parsed;
    return out;
}

// As Session::finishResponse() frames it.
std::string serializeResponse(Response response, const ParsedRequest& request)
{
    if (response.deferred) {
        response = Response();
        response.status = 500;
        response.body = errorBody(500);
    }
    BeastResponse res;
    try {
        frameResponse(res, std::move(response), request.keepAlive, request.version, request.head);
    } catch (...) {
        Response internal;
        internal.status = 500;
        internal.body = errorBody(500);
        frameResponse(res, std::move(internal), request.keepAlive, request.version, request.head);
    }
    bhttp::response_serializer<bhttp::string_body> serializer(res);
    std::string wire;
    error_code ec;
    do {
        serializer.next(ec, [&](error_code&, const auto& buffers) {
            for (const auto b : beast::buffers_range_ref(buffers))
                wire.append(static_cast<const char*>(b.data()), b.size());
            serializer.consume(beast::buffer_bytes(buffers));
        });
    } while (!ec && !serializer.is_done());
    return wire;
}

} // namespace taskdesk::http
