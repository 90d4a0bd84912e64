#pragma once

#include "FleetMember.h"

#include <map>

namespace taskdesk::agent {

// A publisher of the fleet: posts funded tasks in all three modes (sometimes with a
// verification rule, sometimes "stubborn": every delivery is rejected until the worker
// disputes), hires bids, approves or rejects claim applications, and reviews contract
// deliveries and open-task submissions. It only ever reviews tasks it posted itself.
class FleetPublisher : public FleetMember
{
public:
    using FleetMember::FleetMember;

protected:
    void act(FleetContext& ctx) override;

private:
    struct PostedTask
    {
        int seq = 0;
        QString mode;
        bool requireApproval = false;
        bool stubborn = false;
        qint64 budgetCents = 0;
        int postedAtStep = 0;
    };

    void reviewContracts(FleetContext& ctx);
    void reviewContract(FleetContext& ctx, const QJsonObject& contract);
    void tendTask(FleetContext& ctx, const QString& taskId, const PostedTask& t, const QJsonObject& task);
    bool hire(FleetContext& ctx, const QString& taskId);
    bool decideApplications(FleetContext& ctx, const QString& taskId);
    bool reviewOpenSubmissions(FleetContext& ctx, const QString& taskId, const PostedTask& t);
    void postTask(FleetContext& ctx);
    QString rejectionReason(FleetContext& ctx, const QJsonObject& submission);

    std::map<QString, PostedTask> m_tasks; // by task id: only what this member posted
    int m_openCount = 0;
};

} // namespace taskdesk::agent
