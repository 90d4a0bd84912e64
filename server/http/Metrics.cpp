#include "Metrics.h"

#include "Router.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace taskdesk::http {

namespace {

const char* const kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

std::string number(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 9.0e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string bound(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

Metrics::Metrics(const std::vector<Route>& routes)
{
    for (const auto& r : routes) {
        addSlot(r.pattern, r.method);
        if (r.method == "GET")
            addSlot(r.pattern, "HEAD"); // the router answers HEAD with the GET route
    }
    for (const char* m : kMethods) {
        Slot* s = addSlot("unmatched", m);
        m_unmatched.emplace(s->method, s);
    }
    m_otherUnmatched = addSlot("unmatched", "OTHER");
    for (const auto& s : m_slots)
        if (s->route != "unmatched")
            m_index[s->route].emplace_back(s->method, s.get());
}

Metrics::~Metrics() = default;

Metrics::Slot* Metrics::addSlot(std::string route, std::string method)
{
    for (const auto& s : m_slots)
        if (s->route == route && s->method == method)
            return s.get();
    auto s = std::make_unique<Slot>();
    s->route = std::move(route);
    s->method = std::move(method);
    m_slots.push_back(std::move(s));
    return m_slots.back().get();
}

Metrics::Slot* Metrics::slotFor(const Route* route, std::string_view method) noexcept
{
    if (route) {
        if (auto it = m_index.find(route->pattern); it != m_index.end())
            for (const auto& [m, slot] : it->second)
                if (m == method)
                    return slot;
    }
    // Unknown methods are folded so a client cannot mint label values.
    if (auto it = m_unmatched.find(method); it != m_unmatched.end())
        return it->second;
    return m_otherUnmatched;
}

void Metrics::record(const Route* route, std::string_view method, int status, std::int64_t micros) noexcept
{
    Slot* s = slotFor(route, method);
    const auto known = std::find(KnownStatuses.begin(), KnownStatuses.end(), status);
    if (known != KnownStatuses.end()) {
        s->statuses[static_cast<std::size_t>(known - KnownStatuses.begin())].fetch_add(
            1, std::memory_order_relaxed);
    } else {
        try {
            std::lock_guard lock(m_rareMutex);
            ++m_rare[{s, status}];
        } catch (...) {
            // a metric is never worth failing a request for
        }
    }
    const double seconds = static_cast<double>(std::max<std::int64_t>(micros, 0)) / 1e6;
    std::size_t b = 0;
    while (b < BucketBounds.size() && seconds > BucketBounds[b])
        ++b;
    s->buckets[b].fetch_add(1, std::memory_order_relaxed);
    s->sumMicros.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(micros, 0)),
                           std::memory_order_relaxed);
}

std::string Metrics::escapeLabel(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string Metrics::render(const std::vector<Sample>& extra) const
{
    std::string out;
    out.reserve(16384);
    out +=
        "# HELP taskdesk_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
        "# TYPE taskdesk_http_requests_total counter\n";
    std::map<std::pair<const Slot*, int>, std::uint64_t> rare;
    {
        std::lock_guard lock(m_rareMutex);
        rare = m_rare;
    }
    for (const auto& s : m_slots) {
        const std::string labels =
            "route=\"" + escapeLabel(s->route) + "\",method=\"" + escapeLabel(s->method) + "\"";
        std::map<int, std::uint64_t> counts;
        for (std::size_t i = 0; i < KnownStatuses.size(); ++i)
            if (const auto n = s->statuses[i].load(std::memory_order_relaxed))
                counts[KnownStatuses[i]] = n;
        for (auto it = rare.lower_bound({s.get(), 0}); it != rare.end() && it->first.first == s.get(); ++it)
            counts[it->first.second] = it->second;
        for (const auto& [status, n] : counts)
            out += "taskdesk_http_requests_total{" + labels + ",status=\"" + std::to_string(status) + "\"} " +
                   std::to_string(n) + "\n";
    }
    out += "# HELP taskdesk_http_request_duration_seconds Time to answer a request, by route pattern and "
           "method.\n"
           "# TYPE taskdesk_http_request_duration_seconds histogram\n";
    for (const auto& s : m_slots) {
        std::array<std::uint64_t, BucketBounds.size() + 1> b{};
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < b.size(); ++i)
            total += (b[i] = s->buckets[i].load(std::memory_order_relaxed));
        if (total == 0)
            continue;
        const std::string labels =
            "route=\"" + escapeLabel(s->route) + "\",method=\"" + escapeLabel(s->method) + "\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < BucketBounds.size(); ++i) {
            cumulative += b[i];
            out += "taskdesk_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
                   bound(BucketBounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
        }
        // _count and the +Inf bucket come from the same reads, so they always agree.
        out += "taskdesk_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
               std::to_string(total) + "\n";
        out += "taskdesk_http_request_duration_seconds_sum{" + labels + "} " +
               number(static_cast<double>(s->sumMicros.load(std::memory_order_relaxed)) / 1e6) + "\n";
        out += "taskdesk_http_request_duration_seconds_count{" + labels + "} " + std::to_string(total) + "\n";
    }
    for (const auto& e : extra) {
        out += "# HELP " + e.name + " " + e.help + "\n";
        out += "# TYPE " + e.name + " " + e.type + "\n";
        out += e.name + " " + number(e.value) + "\n";
    }
    return out;
}

} // namespace taskdesk::http
