#pragma once

#include "Platform.h"

namespace taskdesk::jobs {

// Periodic platform work: auto-acceptance after review windows, payout holds
// becoming available, and expiry of idempotency records. Each step is its own
// transaction and safe to run from several processes at once.
class BackgroundJobs
{
public:
    explicit BackgroundJobs(domain::Platform& p) : m_p(p) {}
    struct Result
    {
        int autoAccepted = 0;
        int released = 0;
        int expiredKeys = 0;
    };
    Result runOnce();

private:
    domain::Platform& m_p;
};

} // namespace taskdesk::jobs
