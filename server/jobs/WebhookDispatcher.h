#pragma once

#include "Platform.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace taskdesk::jobs {

struct WebhookDispatcherConfig
{
    unsigned workers = 4;                            // delivery threads
    int batch = 4;                                   // outbox rows one claim takes
    std::chrono::milliseconds requestTimeout{10000}; // connect + TLS + request + response header
    // The longest a worker sleeps without being woken: finds rows other server processes
    // enqueued (this process's commits wake it at once) and leases that expired.
    std::chrono::milliseconds maxIdle{5000};
    // Multiplies every retry delay and the 24 h horizon (tests run the schedule in
    // milliseconds). Read from TASKDESK_WEBHOOK_RETRY_SCALE by fromEnvironment().
    double retryScale = 1.0;
    // How long a claim holds its rows; 0: batch x (requestTimeout + 5 s) + 30 s. A row whose
    // lease ran out (its process died mid-delivery) is claimed again.
    std::chrono::milliseconds lease{0};

    static WebhookDispatcherConfig fromEnvironment();
};

// Delivers the webhook outbox (see domain::WebhookService).
//
// Workers claim due rows with one conditional UPDATE that sets status 'sending',
// a fresh lock token and a lease (PostgreSQL: the ids come from a FOR UPDATE SKIP
// LOCKED subquery, so concurrent claimers in any process take disjoint rows;
// SQLite: the UPDATE runs under the database's single write lock). A row is
// POSTed with its signature, and the outcome is written only while the lock
// token still matches: 2xx delivered; otherwise pending again at the next step
// of the retry schedule, or failed once past 24 h. Each attempt adds a log row.
// A row whose lease expired (its process died after claiming it) is claimed
// again and its lost attempt logged as interrupted; delivery is therefore at
// least once, and X-TaskDesk-Delivery (the outbox row id, the same on every
// retry) lets receivers drop duplicates.
//
// Workers sleep until woken (a commit in this process enqueued rows), until the
// earliest due row, or maxIdle: no busy loop.
class WebhookDispatcher
{
public:
    WebhookDispatcher(domain::Platform& platform, WebhookDispatcherConfig config);
    ~WebhookDispatcher();
    WebhookDispatcher(const WebhookDispatcher&) = delete;
    WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

    void start();
    // Aborts deliveries in flight, hands their rows back (due now) and joins the workers.
    void stop();
    void wake();

    // The wait before the attempt after `failedAttempts` failures of a delivery created
    // `age` ago: 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, then hourly, each times scale;
    // nullopt once that attempt would fall past 24 h x scale (give up).
    static std::optional<std::chrono::milliseconds> retryDelay(int failedAttempts,
                                                               std::chrono::milliseconds age, double scale);

    struct Stats
    {
        std::uint64_t attempts = 0;
        std::uint64_t delivered = 0;
        std::uint64_t failedAttempts = 0;
        std::uint64_t gaveUp = 0;
    };
    Stats stats() const;

private:
    struct Claimed;
    class Poster;
    void run(unsigned worker);
    std::vector<Claimed> claim(const std::string& token);
    void deliver(Poster& poster, Claimed& c);
    void release(const std::vector<Claimed>& rows, std::size_t from);
    std::chrono::milliseconds untilNextDue();

    domain::Platform& m_p;
    WebhookDispatcherConfig m_config;
    std::uint64_t m_wakerId = 0;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::uint64_t m_generation = 0;
    bool m_stop = false;
    std::vector<std::thread> m_threads;
    std::vector<std::unique_ptr<Poster>> m_posters;
    std::atomic<std::uint64_t> m_attempts{0}, m_delivered{0}, m_failedAttempts{0}, m_gaveUp{0};
    struct Tls;
    std::unique_ptr<Tls> m_tls;
};

} // namespace taskdesk::jobs
