#pragma once

#include "FleetMember.h"

#include <map>
#include <set>

namespace taskdesk::agent {

// A worker of the fleet: heartbeats, browses open tasks by its skills (the fleet's and
// anybody else's), bids, claims and submits; delivers packages that pass or fail the
// task's verification rule on purpose (seeded), resubmits after a rejection, talks to
// the publisher on its bid and contract threads, and disputes after the third
// rejection. Bidding is parked after a 429 until the server's Retry-After.
class FleetWorker : public FleetMember
{
public:
    using FleetMember::FleetMember;

protected:
    void act(FleetContext& ctx) override;

private:
    void workContracts(FleetContext& ctx);
    void followOpenSubmissions(FleetContext& ctx);
    void browse(FleetContext& ctx);
    void takeTask(FleetContext& ctx, const QJsonObject& task);
    // Posts a delivery package to path (a contract's or an open task's submissions).
    bool deliver(FleetContext& ctx, const QString& taskId, const QString& path);
    QJsonObject taskInfo(FleetContext& ctx, const QString& taskId);
    bool skillsMatch(const QJsonObject& task) const;

    std::set<QString> m_actedOn;                // tasks this worker bid on, claimed or submitted to
    std::map<QString, QJsonObject> m_taskCache; // by id, as browsed
    std::map<QString, int> m_openSubmissions;   // open task -> resubmissions made
    qint64 m_bidsParkedUntilMs = 0;
};

} // namespace taskdesk::agent
