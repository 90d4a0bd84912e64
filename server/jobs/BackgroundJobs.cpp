#include "BackgroundJobs.h"

#include "ContractService.h"
#include "Settlement.h"
#include "TaskService.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcJobs, "taskdesk.server.jobs", QtInfoMsg)

namespace taskdesk::jobs {

BackgroundJobs::Result BackgroundJobs::runOnce()
{
    Result r;
    auto step = [&](const char* name, auto fn) {
        try {
            store::Transaction tx(m_p.db, store::Transaction::Mode::Write);
            const int n = fn(tx);
            tx.commit();
            if (n > 0)
                qCInfo(lcJobs) << name << n;
            return n;
        } catch (const std::exception& e) {
            qCWarning(lcJobs) << name << "failed:" << e.what();
            return 0;
        }
    };
    domain::ContractService contracts(m_p);
    domain::TaskService tasks(m_p);
    r.autoAccepted +=
        step("auto-accepted contracts", [&](store::Transaction& tx) { return contracts.autoAcceptDue(tx); });
    r.autoAccepted += step("auto-accepted open submissions",
                           [&](store::Transaction& tx) { return tasks.autoAcceptOpenSubmissions(tx); });
    r.released = step("released payouts",
                      [&](store::Transaction& tx) { return domain::Settlement::releaseDuePayouts(tx, m_p); });
    r.expiredKeys = step("expired idempotency keys", [&](store::Transaction& tx) {
        const std::string cutoff = domain::Clock::toIso(m_p.clock.now() - std::chrono::hours(24));
        return tx.exec("DELETE FROM idempotency_keys WHERE created_at < ?", {store::sqlText(cutoff)});
    });
    return r;
}

} // namespace taskdesk::jobs
