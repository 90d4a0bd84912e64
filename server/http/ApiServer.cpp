#include "ApiServer.h"

#include "AccountService.h"
#include "Actor.h"
#include "ApiKeyService.h"
#include "BidService.h"
#include "ContractService.h"
#include "Database.h"
#include "DelegationService.h"
#include "Digest.h"
#include "DomainError.h"
#include "EventHub.h"
#include "JsonWriter.h"
#include "Metrics.h"
#include "NotificationService.h"
#include "Platform.h"
#include "TaskService.h"
#include "WalletService.h"

#include <QLoggingCategory>
#include <chrono>
#include <thread>

Q_LOGGING_CATEGORY(lcApi, "taskdesk.server.api", QtInfoMsg)

namespace taskdesk::http {

namespace json = boost::json;
using domain::DomainError;
using domain::ErrorKind;
using store::sqlInt;
using store::sqlText;

namespace {

int statusFor(ErrorKind k)
{
    switch (k) {
    case ErrorKind::Validation:
        return 400;
    case ErrorKind::Unauthorized:
        return 401;
    case ErrorKind::InsufficientFunds:
        return 402;
    case ErrorKind::Forbidden:
        return 403;
    case ErrorKind::NotFound:
        return 404;
    case ErrorKind::Conflict:
        return 409;
    case ErrorKind::TooLarge:
        return 413;
    case ErrorKind::RateLimited:
        return 429;
    }
    return 500;
}

Response errorResponse(const DomainError& e)
{
    json::object fields;
    for (const auto& [k, v] : e.fields())
        fields[k] = v;
    return Response::error(statusFor(e.kind()), e.code(), e.what(), false, &fields);
}

// Outcomes worth replaying for an idempotency key: the request ran (2xx) or
// the business rules said no (402/409). Input and auth errors may be retried.
bool storable(int status)
{
    return (status >= 200 && status < 300) || status == 402 || status == 409;
}

bool validIdempotencyKey(const std::string& k)
{
    if (k.empty() || k.size() > 255)
        return false;
    for (unsigned char c : k)
        if (c < 0x21 || c > 0x7e)
            return false;
    return true;
}

struct RetryTransaction
{
};

} // namespace

ApiServer::ApiServer(domain::Platform& platform, bool rateLimits)
    : m_p(platform), m_limiter(rateLimits), m_accounts(std::make_unique<domain::AccountService>(platform)),
      m_tasks(std::make_unique<domain::TaskService>(platform)),
      m_bids(std::make_unique<domain::BidService>(platform)),
      m_contracts(std::make_unique<domain::ContractService>(platform)),
      m_wallet(std::make_unique<domain::WalletService>(platform)),
      m_notifications(std::make_unique<domain::NotificationService>(platform)),
      m_apiKeys(std::make_unique<domain::ApiKeyService>(platform)),
      m_delegations(std::make_unique<domain::DelegationService>(platform)),
      m_events(std::make_unique<EventHub>(platform))
{
    m_limiter.setLimit("register", {5, std::chrono::seconds(60)});
    m_limiter.setLimit("login", {10, std::chrono::seconds(60)});
    m_limiter.setLimit("bids", {20, std::chrono::seconds(3600)});
    m_limiter.setLimit("default", {600, std::chrono::seconds(60)});
    m_limiter.useStore(&platform.db); // limits hold across every server process on this database
    registerRoutes();
    m_events->start();
}

ApiServer::~ApiServer()
{
    m_events->shutdown();
}

void ApiServer::invalidateCaches()
{
    ++m_writeGeneration;
    m_events->poke();
}

void ApiServer::shutdownEvents()
{
    m_events->shutdown();
}

Response ApiServer::handle(Request& req)
{
    const auto started = std::chrono::steady_clock::now();
    Router::Match m;
    const Route* route = m_router.match(req, m);
    Response res;
    if (!route) {
        res = m == Router::Match::WrongMethod
                  ? Response::error(405, "METHOD_NOT_ALLOWED", "This method is not allowed on this path")
                  : Response::error(404, "NOT_FOUND", "No such endpoint");
    } else if (route->publicCache && req.method == "GET" && [&] {
                   std::shared_lock lock(m_cacheMutex);
                   auto it = m_cache.find(req.target);
                   if (it == m_cache.end() || it->second.generation != m_writeGeneration.load() ||
                       std::chrono::steady_clock::now() - it->second.made > std::chrono::seconds(1))
                       return false;
                   res = it->second.response;
                   return true;
               }()) {
        // served from the cache
    } else {
        const std::uint64_t generation = m_writeGeneration.load();
        try {
            res = execute(*route, req);
            if (route->publicCache && res.status == 200 && req.method == "GET") {
                std::unique_lock lock(m_cacheMutex);
                if (m_cache.size() >= 512)
                    m_cache.clear();
                m_cache[req.target] = CachedResponse{generation, std::chrono::steady_clock::now(), res};
            }
        } catch (const DomainError& e) {
            res = errorResponse(e);
        } catch (const store::StoreError& e) {
            qCWarning(lcApi) << "store error on" << route->pattern.c_str() << e.what();
            res = e.kind() == store::StoreError::Kind::Unavailable
                      ? Response::error(503, "UNAVAILABLE", "The database is unavailable; try again", true)
                      : Response::error(500, "INTERNAL_ERROR", "Internal error", true);
        } catch (const std::exception& e) {
            qCCritical(lcApi) << "unexpected error on" << route->pattern.c_str() << e.what();
            res = Response::error(500, "INTERNAL_ERROR", "Internal error", true);
        }
    }
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started)
            .count();
    qCDebug(lcApi).noquote() << QString::fromStdString(req.method)
                             << QString::fromStdString(route ? route->pattern : std::string("(none)"))
                             << res.status << us << "us";
    if (m_metrics)
        m_metrics->record(route, req.method, res.status, us);
    return res;
}

Response ApiServer::execute(const Route& route, Request& req)
{
    const std::string auth = req.header("authorization").value_or("");
    const auto keyHeader = req.header("x-agent-key");
    const auto timestampHeader = req.header("x-agent-timestamp");
    const auto signatureHeader = req.header("x-agent-signature");
    const bool hasHmac = keyHeader || timestampHeader || signatureHeader;
    if (!auth.empty() && hasHmac)
        return Response::error(400, "VALIDATION", "Send either a Bearer token or HMAC headers, not both");
    std::string bearer;
    if (!auth.empty()) {
        if (auth.size() < 7 || (auth.compare(0, 7, "Bearer ") != 0 && auth.compare(0, 7, "bearer ") != 0))
            return Response::error(401, "UNAUTHORIZED", "Authorization must be a Bearer token");
        bearer = auth.substr(7);
    }
    // HMAC: the signature is checked over the request exactly as sent (target undecoded),
    // before anything else runs; see ApiKeyService for the three steps.
    std::string apiKeyId;
    std::optional<std::string> hmacProfile;
    if (hasHmac) {
        if (!keyHeader || !timestampHeader || !signatureHeader)
            return Response::error(401, "UNAUTHORIZED",
                                   "A signed request needs X-Agent-Key, X-Agent-Timestamp and "
                                   "X-Agent-Signature");
        const auto v = m_apiKeys->verifySignature(*keyHeader, *timestampHeader, req.method, req.target,
                                                  req.body, *signatureHeader);
        switch (v.check) {
        case domain::ApiKeyService::Check::Ok:
            break;
        case domain::ApiKeyService::Check::UnknownKey:
            return Response::error(401, "UNAUTHORIZED", "Unknown, revoked or expired API key");
        case domain::ApiKeyService::Check::BadTimestamp:
            return Response::error(401, "UNAUTHORIZED", "X-Agent-Timestamp must be unix seconds");
        case domain::ApiKeyService::Check::Stale: {
            const auto now =
                std::chrono::duration_cast<std::chrono::seconds>(m_p.clock.now().time_since_epoch()).count();
            return Response::error(401, "STALE_TIMESTAMP",
                                   "X-Agent-Timestamp is more than 300 seconds from the server's time (" +
                                       std::to_string(now) + "); check the client's clock");
        }
        case domain::ApiKeyService::Check::BadSignature:
        case domain::ApiKeyService::Check::Replayed:
            return Response::error(401, "UNAUTHORIZED", "The signature does not match this request");
        }
        hmacProfile = v.profileId;
        apiKeyId = *keyHeader;
    }
    const bool signedIn = !bearer.empty() || !apiKeyId.empty();
    if (route.auth == AuthMode::Required && !signedIn)
        return Response::error(401, "UNAUTHORIZED", "Authentication required");
    if (route.auth == AuthMode::None || !signedIn) {
        if (auto wait = m_limiter.hit(route.rateClass, "ip:" + req.remoteAddress)) {
            auto r = Response::error(429, "RATE_LIMITED", "Too many requests", true);
            r.headers.emplace_back("Retry-After", std::to_string(*wait));
            return r;
        }
    }
    // Signed-in callers are counted per profile before the request's transaction opens, so that
    // the count can be shared through the database with the other server processes.
    bool countedByProfile = false;
    if (route.auth != AuthMode::None && signedIn && m_limiter.enabled()) {
        if (const auto profile = hmacProfile ? hmacProfile : m_limiter.profileForToken(bearer)) {
            countedByProfile = true;
            if (auto wait = m_limiter.hit(route.rateClass, *profile)) {
                auto r = Response::error(429, "RATE_LIMITED", "Too many requests", true);
                r.headers.emplace_back("Retry-After", std::to_string(*wait));
                return r;
            }
        }
    }
    // A verified signature is used up here, whatever the request's outcome, so that a captured
    // request cannot be run again later (when it might succeed). A request refused before this
    // point (bad signature, rate limit) leaves it unused.
    if (!apiKeyId.empty() && !m_apiKeys->recordSignature(apiKeyId, *timestampHeader, *signatureHeader))
        return Response::error(401, "REPLAYED", "This signature was already used; sign each request afresh");

    const auto idemHeader = req.header("idempotency-key");
    const bool idempotent = idemHeader && route.write && !route.returnsSecret;
    if (idemHeader && !validIdempotencyKey(*idemHeader))
        return Response::error(400, "VALIDATION", "Idempotency-Key must be 1-255 visible ASCII characters");

    RouteContext prepCtx(req, nullptr);
    if (route.prepare)
        route.prepare(prepCtx);

    const std::string requestHash =
        idempotent ? crypto::Digest::sha256Hex(req.method + "\n" + req.path + "\n" + req.body)
                   : std::string();
    std::string touchedToken;
    std::string usedDelegation;
    Response res;
    for (int attempt = 0;; ++attempt) {
        try {
            store::Transaction tx(m_p.db, route.write ? store::Transaction::Mode::Write
                                                      : store::Transaction::Mode::Read);
            std::optional<domain::Actor> actor;
            if (!apiKeyId.empty()) {
                actor = m_apiKeys->authenticate(tx, apiKeyId);
                if (!actor)
                    return Response::error(401, "UNAUTHORIZED", "Unknown, revoked or expired API key");
            } else if (!bearer.empty()) {
                actor = m_accounts->authenticateBearer(tx, bearer);
                if (!actor)
                    return Response::error(401, "UNAUTHORIZED", "Invalid, expired or revoked token");
                touchedToken = actor->credentialId;
            }
            if (actor) {
                usedDelegation = actor->delegationId;
                if (attempt == 0 && route.auth != AuthMode::None && !countedByProfile) {
                    if (auto wait = m_limiter.hitLocal(route.rateClass, actor->profileId)) {
                        auto r = Response::error(429, "RATE_LIMITED", "Too many requests", true);
                        r.headers.emplace_back("Retry-After", std::to_string(*wait));
                        return r;
                    }
                }
            }
            const std::string principal = actor ? actor->profileId : "ip:" + req.remoteAddress;
            if (idempotent) {
                const std::string cutoff = domain::Clock::toIso(m_p.clock.now() - std::chrono::hours(24));
                tx.exec(
                    "DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ? AND created_at < ?",
                    {sqlText(principal), sqlText(*idemHeader), sqlText(cutoff)});
                auto r = tx.query("SELECT request_hash, status, body FROM idempotency_keys WHERE principal = "
                                  "? AND idem_key = ?",
                                  {sqlText(principal), sqlText(*idemHeader)});
                if (r.next()) {
                    if (r.str(0) != requestHash)
                        return Response::error(422, "IDEMPOTENCY_MISMATCH",
                                               "This Idempotency-Key was used with a different request");
                    if (r.i64(1) == 0)
                        return Response::error(409, "IDEMPOTENCY_IN_PROGRESS",
                                               "A request with this Idempotency-Key is still running", true);
                    // The stored outcome is an answer to this credential too: one that lacks the
                    // route's scope may not have it (a minted token's value, say).
                    if (actor && !route.scope.empty() && !actor->hasScope(route.scope)) {
                        json::object fields;
                        fields["scope"] = route.scope;
                        return Response::error(403, "MISSING_SCOPE",
                                               "This credential lacks the scope " + route.scope, false,
                                               &fields);
                    }
                    Response replay;
                    replay.status = static_cast<int>(r.i64(1));
                    replay.body = r.str(2);
                    replay.headers.emplace_back("Idempotent-Replayed", "true");
                    return replay;
                }
                try {
                    // The reservation shares the transaction with the work: both
                    // commit or neither does, and a concurrent twin waits on it.
                    tx.exec("INSERT INTO idempotency_keys(principal, idem_key, request_hash, status, body, "
                            "created_at)"
                            " VALUES (?, ?, ?, 0, '', ?)",
                            {sqlText(principal), sqlText(*idemHeader), sqlText(requestHash),
                             sqlText(m_p.clock.nowIso())});
                } catch (const store::StoreError& e) {
                    if (e.kind() == store::StoreError::Kind::UniqueViolation)
                        throw RetryTransaction{};
                    throw;
                }
            }
            RouteContext ctx(req, actor ? &*actor : nullptr);
            ctx.deferBodyErrors = true;
            ctx.preparedText = prepCtx.preparedText;
            ctx.prepared = prepCtx.prepared;
            ctx.status = route.status;
            try {
                json::value out = route.handler(ctx, tx);
                // A route that ignores its body still refuses a malformed one.
                if (!route.rawBody && req.body.find_first_not_of(" \t\r\n") != std::string::npos)
                    ctx.body();
                if (ctx.bodyError)
                    std::rethrow_exception(ctx.bodyError); // the work is rolled back below
                res = Response::json(ctx.status, out);
                if (ctx.deferred)
                    res.deferred = std::move(ctx.deferred);
            } catch (const DomainError& e) {
                res = errorResponse(e);
                // A malformed body yields only to 401, 404 and 403 (the order of checks).
                if (ctx.bodyError && e.kind() != ErrorKind::Unauthorized && e.kind() != ErrorKind::NotFound &&
                    e.kind() != ErrorKind::Forbidden) {
                    try {
                        std::rethrow_exception(ctx.bodyError);
                    } catch (const DomainError& bodyError) {
                        res = errorResponse(bodyError);
                    }
                }
                tx.rollback();
                if (idempotent && storable(res.status)) {
                    // Record the business refusal so the same key replays it.
                    store::Transaction rec(m_p.db, store::Transaction::Mode::Write);
                    try {
                        rec.exec("INSERT INTO idempotency_keys(principal, idem_key, request_hash, status, "
                                 "body, created_at)"
                                 " VALUES (?, ?, ?, ?, ?, ?)",
                                 {sqlText(principal), sqlText(*idemHeader), sqlText(requestHash),
                                  sqlInt(res.status), sqlText(res.body), sqlText(m_p.clock.nowIso())});
                        rec.commit();
                    } catch (const store::StoreError& se) {
                        if (se.kind() != store::StoreError::Kind::UniqueViolation)
                            throw;
                        throw RetryTransaction{};
                    }
                }
                break;
            } catch (const store::StoreError& e) {
                if (e.kind() == store::StoreError::Kind::UniqueViolation) {
                    res = Response::error(409, "DUPLICATE", "This conflicts with an existing record");
                    tx.rollback();
                    break;
                }
                throw;
            }
            if (idempotent) {
                if (storable(res.status))
                    tx.exec(
                        "UPDATE idempotency_keys SET status = ?, body = ? WHERE principal = ? AND idem_key = "
                        "?",
                        {sqlInt(res.status), sqlText(res.body), sqlText(principal), sqlText(*idemHeader)});
                else
                    tx.exec("DELETE FROM idempotency_keys WHERE principal = ? AND idem_key = ?",
                            {sqlText(principal), sqlText(*idemHeader)});
            }
            if (route.write) {
                tx.commit();
                ++m_writeGeneration;
                m_events->poke();
            } else {
                tx.rollback();
            }
            break;
        } catch (const RetryTransaction&) {
            if (attempt >= 20)
                return Response::error(409, "IDEMPOTENCY_IN_PROGRESS",
                                       "A request with this Idempotency-Key is still running", true);
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
        } catch (const store::StoreError& e) {
            if (e.kind() != store::StoreError::Kind::Retryable || attempt >= 8)
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
        }
    }
    if (!touchedToken.empty())
        m_accounts->touchToken(touchedToken);
    if (!apiKeyId.empty())
        m_apiKeys->touch(apiKeyId);
    if (!usedDelegation.empty())
        m_delegations->recordUse(usedDelegation);
    return res;
}

} // namespace taskdesk::http
