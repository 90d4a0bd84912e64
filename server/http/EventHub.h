#pragma once

#include "Response.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace taskdesk::domain {
struct Platform;
}

namespace taskdesk::http {

// Long polls for GET /api/agent/events. A waiter costs a map entry and the
// idle connection; no thread is held. One thread watches the notifications
// table: every 250 ms while anyone waits, at once when this process commits a
// write (poke), so a new notification wakes its profile's waiters within a
// second whichever server process wrote it. Waiters whose time is up get an
// empty answer.
class EventHub
{
public:
    explicit EventHub(domain::Platform& platform);
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    void start();
    // Drops every waiter without answering (the transport closes them) and joins the thread.
    void shutdown();
    // A write committed in this process: look for new notifications now.
    void poke();
    void addWaiter(const std::string& profileId, const std::string& afterId, std::chrono::seconds wait,
                   Response::Completion done);
    std::size_t waiterCount() const;

    // The response body for a profile's events after afterId (oldest first, at most limit).
    static Response eventsResponse(domain::Platform& platform, const std::string& profileId,
                                   const std::string& afterId, int limit, bool& any);

private:
    struct Waiter
    {
        std::uint64_t id;
        std::string profileId;
        std::string afterId;
        std::chrono::steady_clock::time_point deadline;
        Response::Completion done;
    };
    void run();
    std::set<std::string> profilesWithNews();

    domain::Platform& m_p;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stop = false;
    bool m_poked = false;
    std::uint64_t m_nextId = 1;
    std::map<std::uint64_t, Waiter> m_waiters;
    std::multimap<std::string, std::uint64_t> m_byProfile;
    std::string m_scanCutoff; // created_at lower bound of the next scan
    std::thread m_thread;
};

} // namespace taskdesk::http
