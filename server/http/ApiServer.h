#pragma once

#include "RateLimiter.h"
#include "Request.h"
#include "Response.h"
#include "Router.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace taskdesk::domain {
struct Platform;
class AccountService;
class TaskService;
class BidService;
class ContractService;
class WalletService;
class NotificationService;
class ApiKeyService;
class DelegationService;
} // namespace taskdesk::domain

namespace taskdesk::http {

// The platform's HTTP face: the route table, authentication, rate limits,
// idempotency keys, one transaction per request, and the mapping of domain
// errors to statuses. Transport-agnostic: it maps a Request to a Response.
class EventHub;
class Metrics;

class ApiServer
{
public:
    ApiServer(domain::Platform& platform, bool rateLimits);
    ~ApiServer();
    Response handle(Request& req);
    const Router& router() const { return m_router; }
    // Stops the events long poll: waiters are dropped unanswered (before the transport stops).
    void shutdownEvents();
    // Drops cached public responses (after writes that bypass handle(), such as background jobs).
    // Also wakes long polls, since such writes may have notified someone.
    void invalidateCaches();

private:
    void registerRoutes();
    // Feature areas register their own routes (one file each: ApiRoutes*.cpp).
    void registerConversationRoutes();
    void registerFileRoutes();
    void registerOperationsRoutes();
    void registerWebhookRoutes();
    void registerEventRoutes();
    void registerReviewRoutes();
    void registerVerificationRoutes();
    void registerCredentialRoutes();
    void registerProtectedRoutes();
    void registerMarketplaceRoutes();
    Response execute(const Route& route, Request& req);
    domain::Platform& m_p;
    RateLimiter m_limiter;
    // Public browse responses, keyed by request target. An entry is served only
    // while no write has committed in this process since it was made, and for
    // at most a second, which bounds how stale a write from another process
    // (several servers on one PostgreSQL) can look.
    struct CachedResponse
    {
        std::uint64_t generation;
        std::chrono::steady_clock::time_point made;
        Response response;
    };
    std::atomic<std::uint64_t> m_writeGeneration{0};
    std::shared_mutex m_cacheMutex;
    std::unordered_map<std::string, CachedResponse> m_cache;
    Router m_router;
    std::shared_ptr<Metrics> m_metrics; // request counters for /metrics; set up with the operations routes
    std::unique_ptr<domain::AccountService> m_accounts;
    std::unique_ptr<domain::TaskService> m_tasks;
    std::unique_ptr<domain::BidService> m_bids;
    std::unique_ptr<domain::ContractService> m_contracts;
    std::unique_ptr<domain::WalletService> m_wallet;
    std::unique_ptr<domain::NotificationService> m_notifications;
    std::unique_ptr<domain::ApiKeyService> m_apiKeys;         // HMAC keys (execute verifies signatures)
    std::unique_ptr<domain::DelegationService> m_delegations; // execute counts delegated use
    std::unique_ptr<EventHub> m_events;
};

} // namespace taskdesk::http
