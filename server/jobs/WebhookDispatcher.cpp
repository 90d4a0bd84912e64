#include "WebhookDispatcher.h"

#include "Database.h"
#include "Digest.h"
#include "Ids.h"
#include "Random.h"
#include "WebhookService.h"

#include <QLoggingCategory>
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>
#include <tuple>

Q_LOGGING_CATEGORY(lcHooks, "taskdesk.server.webhooks", QtInfoMsg)

namespace taskdesk::jobs {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using net::ip::tcp;
using store::sqlInt;
using store::sqlNull;
using store::sqlText;
using namespace std::chrono_literals;

namespace {

using Ms = std::chrono::milliseconds;

struct PostResult
{
    int status = 0;    // HTTP status, 0 when none arrived
    std::string error; // transport error, empty when a status arrived
    bool aborted = false;
};

template <class Stream>
net::awaitable<void> roundTrip(Stream& stream, http::request<http::string_body>& req, PostResult& res,
                               std::string& phase)
{
    phase = "send";
    co_await http::async_write(stream, req, net::use_awaitable);
    phase = "read response";
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.header_limit(16 * 1024);
    co_await http::async_read_header(stream, buffer, parser, net::use_awaitable);
    res.status = parser.get().result_int();
}

net::awaitable<void> exchange(const domain::WebhookTarget& t, http::request<http::string_body>& req,
                              std::chrono::steady_clock::time_point deadline, ssl::context& tls,
                              PostResult& res, std::string& phase)
{
    auto ex = co_await net::this_coro::executor;
    std::vector<tcp::endpoint> endpoints;
    for (const auto& a : t.addresses)
        endpoints.emplace_back(net::ip::make_address(a), t.port);
    beast::tcp_stream stream(ex);
    stream.expires_at(deadline);
    phase = "connect";
    co_await stream.async_connect(endpoints, net::use_awaitable);
    if (t.scheme != "https") {
        co_await roundTrip(stream, req, res, phase);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> secure(std::move(stream), tls);
    beast::get_lowest_layer(secure).expires_at(deadline);
    boost::system::error_code literal;
    net::ip::make_address(t.host, literal);
    if (literal) // not an address literal: send the name (SNI)
        SSL_set_tlsext_host_name(secure.native_handle(), t.host.c_str());
    secure.set_verify_callback(ssl::host_name_verification(t.host));
    phase = "tls handshake";
    co_await secure.async_handshake(ssl::stream_base::client, net::use_awaitable);
    co_await roundTrip(secure, req, res, phase);
}

std::string describe(const boost::system::error_code& ec, const std::string& phase, Ms timeout)
{
    if (ec == beast::error::timeout || ec == net::error::timed_out)
        return "timed out after " + std::to_string(timeout.count()) + " ms (" + phase + ")";
    return phase + ": " + ec.message();
}

domain::TimePoint parseTime(const std::string& iso, domain::TimePoint fallback)
{
    auto t = domain::Clock::parseIso(iso);
    return t ? *t : fallback;
}

} // namespace

// ---------------------------------------------------------------------------------------------

struct WebhookDispatcher::Tls
{
    ssl::context context{ssl::context::tls_client};
    Tls()
    {
        // Receivers are verified against the system's CA store, name included.
        context.set_default_verify_paths();
        context.set_verify_mode(ssl::verify_peer);
        context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                            ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    }
};

// One HTTP(S) POST at a time on its own io_context; abort() (any thread) cuts it short.
class WebhookDispatcher::Poster
{
public:
    explicit Poster(ssl::context& tls) : m_tls(tls) {}

    PostResult post(const domain::WebhookTarget& t, http::request<http::string_body>& req, Ms timeout)
    {
        PostResult res;
        std::string phase = "connect";
        bool done = false;
        net::io_context ioc(1);
        {
            std::lock_guard lock(m_mutex);
            if (m_aborted) {
                res.aborted = true;
                return res;
            }
            m_ioc = &ioc;
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        net::co_spawn(ioc, exchange(t, req, deadline, m_tls, res, phase), [&](std::exception_ptr e) {
            done = true;
            if (!e)
                return;
            try {
                std::rethrow_exception(e);
            } catch (const boost::system::system_error& se) {
                res.error = describe(se.code(), phase, timeout);
            } catch (const std::exception& x) {
                res.error = phase + ": " + x.what();
            }
        });
        ioc.run_for(timeout + 2s);
        {
            std::lock_guard lock(m_mutex);
            m_ioc = nullptr;
            res.aborted = m_aborted && !done;
        }
        if (!done && res.error.empty())
            res.error = "timed out after " + std::to_string(timeout.count()) + " ms (" + phase + ")";
        if (!done)
            res.status = 0;
        return res;
    }

    void abort()
    {
        std::lock_guard lock(m_mutex);
        m_aborted = true;
        if (m_ioc)
            m_ioc->stop();
    }

    bool aborted() const
    {
        std::lock_guard lock(m_mutex);
        return m_aborted;
    }

private:
    ssl::context& m_tls;
    mutable std::mutex m_mutex;
    net::io_context* m_ioc = nullptr;
    bool m_aborted = false;
};

struct WebhookDispatcher::Claimed
{
    std::string id, webhookId, notificationId, event, payload, createdAt, token;
    int attempts = 0; // attempts made before this one (an interrupted one included)
    bool hookFound = false;
    bool active = true;
    std::string url, secret;
};

// ---------------------------------------------------------------------------------------------

WebhookDispatcherConfig WebhookDispatcherConfig::fromEnvironment()
{
    WebhookDispatcherConfig c;
    if (const char* s = std::getenv("TASKDESK_WEBHOOK_RETRY_SCALE"); s && *s) {
        char* end = nullptr;
        const double v = std::strtod(s, &end);
        if (end && *end == '\0' && v > 0 && v <= 1000)
            c.retryScale = v;
        else
            qCWarning(lcHooks) << "ignoring TASKDESK_WEBHOOK_RETRY_SCALE" << s
                               << "(want a number in (0, 1000])";
    }
    return c;
}

std::optional<Ms> WebhookDispatcher::retryDelay(int failedAttempts, Ms age, double scale)
{
    static constexpr long long kSteps[] = {10, 30, 120, 600, 1800, 3600}; // seconds
    const long long seconds = failedAttempts <= 0   ? 0
                              : failedAttempts <= 6 ? kSteps[failedAttempts - 1]
                                                    : 3600;
    const auto delay = Ms(static_cast<long long>(static_cast<double>(seconds) * 1000.0 * scale));
    const auto horizon = Ms(static_cast<long long>(24.0 * 3600.0 * 1000.0 * scale));
    if (age + delay > horizon)
        return std::nullopt;
    return delay;
}

WebhookDispatcher::WebhookDispatcher(domain::Platform& platform, WebhookDispatcherConfig config)
    : m_p(platform), m_config(config)
{
    if (m_config.workers == 0)
        m_config.workers = 1;
    if (m_config.batch < 1)
        m_config.batch = 1;
    if (m_config.lease.count() <= 0)
        m_config.lease = m_config.batch * (m_config.requestTimeout + 5s) + 30s;
}

WebhookDispatcher::~WebhookDispatcher()
{
    stop();
}

void WebhookDispatcher::start()
{
    if (!m_threads.empty())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = false;
    }
    m_tls = std::make_unique<Tls>();
    m_wakerId = domain::WebhookService::addWaker(m_p.db, [this] { wake(); });
    for (unsigned i = 0; i < m_config.workers; ++i)
        m_posters.push_back(std::make_unique<Poster>(m_tls->context));
    for (unsigned i = 0; i < m_config.workers; ++i)
        m_threads.emplace_back([this, i] { run(i); });
    qCDebug(lcHooks) << "webhook dispatcher started:" << m_config.workers << "workers, retry scale"
                     << m_config.retryScale;
}

void WebhookDispatcher::stop()
{
    if (m_wakerId) {
        domain::WebhookService::removeWaker(m_wakerId);
        m_wakerId = 0;
    }
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    for (auto& p : m_posters)
        p->abort();
    for (auto& t : m_threads)
        if (t.joinable())
            t.join();
    m_threads.clear();
    m_posters.clear();
}

void WebhookDispatcher::wake()
{
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
    }
    m_cv.notify_one();
}

WebhookDispatcher::Stats WebhookDispatcher::stats() const
{
    Stats s;
    s.attempts = m_attempts.load();
    s.delivered = m_delivered.load();
    s.failedAttempts = m_failedAttempts.load();
    s.gaveUp = m_gaveUp.load();
    return s;
}

void WebhookDispatcher::run(unsigned worker)
{
    Poster& poster = *m_posters[worker];
    for (;;) {
        std::uint64_t seen;
        {
            std::lock_guard lock(m_mutex);
            if (m_stop)
                return;
            seen = m_generation;
        }
        std::vector<Claimed> rows;
        Ms wait = m_config.maxIdle;
        try {
            rows = claim(crypto::Random::hex(12));
            if (rows.empty())
                wait = untilNextDue();
        } catch (const std::exception& e) {
            qCWarning(lcHooks) << "claiming webhook deliveries failed:" << e.what();
            rows.clear();
        }
        if (rows.empty()) {
            std::unique_lock lock(m_mutex);
            m_cv.wait_for(lock, wait, [&] { return m_stop || m_generation != seen; });
            continue;
        }
        if (static_cast<int>(rows.size()) == m_config.batch)
            m_cv.notify_one(); // a full batch: there may be more, let another worker help
        for (std::size_t i = 0; i < rows.size(); ++i) {
            bool stopping;
            {
                std::lock_guard lock(m_mutex);
                stopping = m_stop;
            }
            if (stopping || poster.aborted()) {
                release(rows, i);
                return;
            }
            deliver(poster, rows[i]);
        }
    }
}

std::vector<WebhookDispatcher::Claimed> WebhookDispatcher::claim(const std::string& token)
{
    const auto now = m_p.clock.now();
    const std::string nowIso = domain::Clock::toIso(now);
    const std::string leaseEnd = domain::Clock::toIso(now + m_config.lease);
    const bool pg = m_p.db.backend() == store::Backend::Postgres;
    // The candidate rows are due pending ones and sending ones whose lease ran out.
    const char* sql =
        pg ? "UPDATE webhook_deliveries SET reclaimed = CASE WHEN status = 'sending' THEN 1 ELSE 0 END,"
             " status = 'sending', lock_token = ?, due_at = ?, updated_at = ?"
             " WHERE id IN (SELECT id FROM webhook_deliveries WHERE status IN ('pending', 'sending')"
             " AND due_at <= ? ORDER BY due_at LIMIT ? FOR UPDATE SKIP LOCKED)"
             " RETURNING id, webhook_id, notification_id, event, payload, attempts, reclaimed, created_at"
           : "UPDATE webhook_deliveries SET reclaimed = CASE WHEN status = 'sending' THEN 1 ELSE 0 END,"
             " status = 'sending', lock_token = ?, due_at = ?, updated_at = ?"
             " WHERE id IN (SELECT id FROM webhook_deliveries WHERE status IN ('pending', 'sending')"
             " AND due_at <= ? ORDER BY due_at LIMIT ?)"
             " RETURNING id, webhook_id, notification_id, event, payload, attempts, reclaimed, created_at";
    for (int attempt = 0;; ++attempt) {
        try {
            store::Transaction tx(m_p.db, store::Transaction::Mode::Write);
            std::vector<Claimed> rows;
            std::vector<std::string> reclaimed;
            {
                auto r = tx.query(sql, {sqlText(token), sqlText(leaseEnd), sqlText(nowIso), sqlText(nowIso),
                                        sqlInt(m_config.batch)});
                while (r.next()) {
                    Claimed c;
                    c.id = r.str(0);
                    c.webhookId = r.str(1);
                    c.notificationId = r.str(2);
                    c.event = r.str(3);
                    c.payload = r.str(4);
                    c.attempts = static_cast<int>(r.i64(5));
                    if (r.i64(6) != 0)
                        reclaimed.push_back(c.id);
                    c.createdAt = r.str(7);
                    c.token = token;
                    rows.push_back(std::move(c));
                }
            }
            if (rows.empty()) {
                tx.rollback();
                return rows;
            }
            // A lease that ran out: the attempt under it never recorded an outcome.
            for (auto& c : rows) {
                if (std::find(reclaimed.begin(), reclaimed.end(), c.id) == reclaimed.end())
                    continue;
                ++c.attempts;
                tx.exec("UPDATE webhook_deliveries SET attempts = ?, last_error = ? WHERE id = ?",
                        {sqlInt(c.attempts), sqlText("interrupted"), sqlText(c.id)});
                tx.exec("INSERT INTO webhook_attempts(id, delivery_id, webhook_id, attempt, status_code, "
                        "error, duration_ms,"
                        " succeeded, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?)",
                        {sqlText(domain::newId("wha_")), sqlText(c.id), sqlText(c.webhookId),
                         sqlInt(c.attempts), sqlNull(),
                         sqlText("interrupted: the server stopped before this attempt's outcome was recorded"
                                 " (lease expired); retried"),
                         sqlText(nowIso)});
            }
            std::map<std::string, std::tuple<std::string, std::string, bool>> hooks;
            for (const auto& c : rows)
                hooks.emplace(c.webhookId, std::tuple<std::string, std::string, bool>{});
            std::set<std::string> found;
            for (auto& [id, h] : hooks) {
                auto r = tx.query("SELECT url, secret, active FROM webhooks WHERE id = ?", {sqlText(id)});
                if (r.next()) {
                    // Secrets are sealed at rest; one that does not open (another server key) is
                    // never used to sign: the delivery waits as if the hook were paused.
                    const auto secret = domain::WebhookService::openSecret(m_p, id, r.str(1));
                    h = {r.str(0), secret.value_or(std::string()), r.i64(2) != 0 && secret.has_value()};
                    found.insert(id);
                }
            }
            for (auto& c : rows) {
                c.hookFound = found.count(c.webhookId) > 0;
                if (c.hookFound)
                    std::tie(c.url, c.secret, c.active) = hooks[c.webhookId];
            }
            tx.commit();
            return rows;
        } catch (const store::StoreError& e) {
            if (e.kind() != store::StoreError::Kind::Retryable || attempt >= 5)
                throw;
            std::this_thread::sleep_for(Ms(10 * (attempt + 1)));
        }
    }
}

Ms WebhookDispatcher::untilNextDue()
{
    std::optional<std::string> next;
    {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
        next = tx.scalarText(
            "SELECT MIN(due_at) FROM webhook_deliveries WHERE status IN ('pending', 'sending')");
        tx.rollback();
    }
    if (!next)
        return m_config.maxIdle;
    const auto now = m_p.clock.now();
    const auto due = parseTime(*next, now + m_config.maxIdle);
    auto wait = std::chrono::duration_cast<Ms>(due - now) + 2ms; // ISO times are whole milliseconds
    // Due already but not claimable by us (another process holds it): look again soon, not at once.
    return std::clamp(wait, Ms(20), m_config.maxIdle);
}

void WebhookDispatcher::release(const std::vector<Claimed>& rows, std::size_t from)
{
    if (from >= rows.size())
        return;
    try {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Write);
        const std::string now = m_p.clock.nowIso();
        for (std::size_t i = from; i < rows.size(); ++i)
            tx.exec("UPDATE webhook_deliveries SET status = 'pending', lock_token = NULL, reclaimed = 0, "
                    "due_at = ?,"
                    " updated_at = ? WHERE id = ? AND lock_token = ?",
                    {sqlText(now), sqlText(now), sqlText(rows[i].id), sqlText(rows[i].token)});
        tx.commit();
    } catch (const std::exception& e) {
        // The leases run out and another claim picks the rows up.
        qCWarning(lcHooks) << "releasing claimed webhook deliveries failed:" << e.what();
    }
}

void WebhookDispatcher::deliver(Poster& poster, Claimed& c)
{
    if (!c.hookFound)
        return; // the webhook was deleted (its rows with it)
    const auto started = std::chrono::steady_clock::now();
    PostResult res;
    if (!c.active) {
        res.error = "webhook is paused";
    } else {
        const auto target = domain::WebhookService::checkTarget(c.url, m_p.settings.allowPrivateWebhooks);
        if (!target.ok) {
            res.error = "refused: " + c.url + " " + target.reason;
        } else {
            http::request<http::string_body> req{http::verb::post, target.target, 11};
            std::string host =
                target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
            if (target.port != (target.scheme == "https" ? 443 : 80))
                host += ":" + std::to_string(target.port);
            req.set(http::field::host, host);
            req.set(http::field::user_agent, "TaskDesk-Webhooks/1");
            req.set(http::field::content_type, "application/json");
            req.set(http::field::connection, "close");
            req.set("X-TaskDesk-Event", c.event);
            req.set("X-TaskDesk-Delivery", c.id);
            req.set("X-TaskDesk-Attempt", std::to_string(c.attempts + 1));
            req.set("X-TaskDesk-Signature", "sha256=" + crypto::Digest::hmacSha256Hex(c.secret, c.payload));
            req.body() = c.payload;
            req.prepare_payload();
            res = poster.post(target, req, m_config.requestTimeout);
            if (res.aborted) {
                // Shutting down mid-request: the row goes back, due now, and this try is not counted.
                release({c}, 0);
                return;
            }
        }
    }
    const auto durationMs =
        std::chrono::duration_cast<Ms>(std::chrono::steady_clock::now() - started).count();
    const bool ok = res.status >= 200 && res.status < 300;
    if (res.error.empty() && !ok)
        res.error = "HTTP " + std::to_string(res.status);
    const int attempt = c.attempts + 1;
    const bool paused = !c.active;
    ++m_attempts;

    for (int tries = 0;; ++tries) {
        try {
            store::Transaction tx(m_p.db, store::Transaction::Mode::Write);
            const auto now = m_p.clock.now();
            const std::string nowIso = domain::Clock::toIso(now);
            int changed = 0;
            std::string outcome;
            if (ok) {
                changed = tx.exec(
                    "UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, lock_token = NULL,"
                    " last_status_code = ?, last_error = NULL, finished_at = ?, updated_at = ?"
                    " WHERE id = ? AND lock_token = ?",
                    {sqlInt(attempt), sqlInt(res.status), sqlText(nowIso), sqlText(nowIso), sqlText(c.id),
                     sqlText(c.token)});
                outcome = "delivered";
            } else {
                const auto age = std::chrono::duration_cast<Ms>(now - parseTime(c.createdAt, now));
                const auto delay = paused ? std::nullopt : retryDelay(attempt, age, m_config.retryScale);
                const QVariant code = res.status ? sqlInt(res.status) : sqlNull();
                if (delay) {
                    changed = tx.exec(
                        "UPDATE webhook_deliveries SET status = 'pending', attempts = ?, lock_token = NULL,"
                        " reclaimed = 0, due_at = ?, last_status_code = ?, last_error = ?, updated_at = ?"
                        " WHERE id = ? AND lock_token = ?",
                        {sqlInt(attempt), sqlText(domain::Clock::toIso(now + *delay)), code,
                         sqlText(res.error), sqlText(nowIso), sqlText(c.id), sqlText(c.token)});
                    outcome = "retry";
                } else {
                    changed = tx.exec(
                        "UPDATE webhook_deliveries SET status = 'failed', attempts = ?, lock_token = NULL,"
                        " last_status_code = ?, last_error = ?, finished_at = ?, updated_at = ?"
                        " WHERE id = ? AND lock_token = ?",
                        {sqlInt(attempt), code, sqlText(res.error), sqlText(nowIso), sqlText(nowIso),
                         sqlText(c.id), sqlText(c.token)});
                    outcome = "failed";
                }
            }
            if (changed == 1 && !paused) {
                tx.exec("INSERT INTO webhook_attempts(id, delivery_id, webhook_id, attempt, status_code, "
                        "error, duration_ms,"
                        " succeeded, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {sqlText(domain::newId("wha_")), sqlText(c.id), sqlText(c.webhookId), sqlInt(attempt),
                         res.status ? sqlInt(res.status) : sqlNull(), ok ? sqlNull() : sqlText(res.error),
                         sqlInt(durationMs), sqlInt(ok ? 1 : 0), sqlText(nowIso)});
            }
            tx.commit();
            if (changed == 1) {
                if (ok)
                    ++m_delivered;
                else
                    ++m_failedAttempts;
                if (outcome == "failed") {
                    ++m_gaveUp;
                    qCInfo(lcHooks).noquote()
                        << "webhook delivery" << QString::fromStdString(c.id) << "gave up after" << attempt
                        << "attempts:" << QString::fromStdString(res.error);
                }
            }
            return;
        } catch (const store::StoreError& e) {
            if (e.kind() != store::StoreError::Kind::Retryable || tries >= 5) {
                // The lease runs out and the row is tried again.
                qCWarning(lcHooks) << "recording a webhook attempt failed:" << e.what();
                return;
            }
            std::this_thread::sleep_for(Ms(10 * (tries + 1)));
        } catch (const std::exception& e) {
            qCWarning(lcHooks) << "recording a webhook attempt failed:" << e.what();
            return;
        }
    }
}

} // namespace taskdesk::jobs
