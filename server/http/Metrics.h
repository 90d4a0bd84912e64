#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace taskdesk::http {

struct Route;

// Request counters and latency histograms for the Prometheus exposition.
// Every (route pattern, method) pair of the route table gets its slot up front,
// so recording a request is a lookup in an immutable map and a few relaxed
// atomic increments: no lock on the hot path. Label values are route patterns,
// never raw paths, so the series count is bounded by the route table.
class Metrics
{
public:
    // Upper bounds of the latency buckets, in seconds (+Inf is implicit).
    static constexpr std::array<double, 11> BucketBounds{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,   1,    2.5,   5};

    explicit Metrics(const std::vector<Route>& routes);
    ~Metrics();

    // route is null for requests no route matched.
    void record(const Route* route, std::string_view method, int status, std::int64_t micros) noexcept;

    // Values read at scrape time (ledger, webhook backlog, ...): name, help, type, value.
    struct Sample
    {
        std::string name;
        std::string help;
        std::string type; // gauge | counter
        double value = 0;
    };
    // The text exposition format 0.0.4.
    std::string render(const std::vector<Sample>& extra) const;
    static std::string escapeLabel(std::string_view value);

private:
    static constexpr std::array<int, 24> KnownStatuses{200, 201, 202, 204, 301, 302, 304, 400,
                                                       401, 402, 403, 404, 405, 409, 410, 413,
                                                       415, 422, 429, 431, 500, 502, 503, 504};
    struct Slot
    {
        std::string route;
        std::string method;
        std::array<std::atomic<std::uint64_t>, KnownStatuses.size()> statuses{};
        std::array<std::atomic<std::uint64_t>, BucketBounds.size() + 1>
            buckets{}; // not cumulative; last is +Inf
        std::atomic<std::uint64_t> sumMicros{0};
    };
    Slot* slotFor(const Route* route, std::string_view method) noexcept;
    Slot* addSlot(std::string route, std::string method);

    std::vector<std::unique_ptr<Slot>> m_slots;
    // pattern -> (method, slot); keys view strings the slots own. Never changes after construction.
    std::unordered_map<std::string_view, std::vector<std::pair<std::string_view, Slot*>>> m_index;
    std::unordered_map<std::string_view, Slot*> m_unmatched; // by normalised method
    Slot* m_otherUnmatched = nullptr;
    // Statuses outside KnownStatuses (rare): counted under a lock.
    mutable std::mutex m_rareMutex;
    std::map<std::pair<const Slot*, int>, std::uint64_t> m_rare;
};

} // namespace taskdesk::http
