#pragma once

#include "FleetStats.h"

#include <QString>
#include <QStringList>
#include <algorithm>
#include <map>
#include <random>

namespace taskdesk::agent {

// What the members of one fleet share: the one seeded random source every choice
// comes from, the statistics, and what the fleet itself chose (task sequence numbers,
// member order), which is what candidates are sorted by: never server ids or times,
// so that the same seed makes the same choices against any fresh server.
class FleetContext
{
public:
    explicit FleetContext(quint64 seed) : m_seed(seed), m_rng(seed) {}

    quint64 seed() const { return m_seed; }
    FleetStats& stats() { return m_stats; }

    int roll(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(m_rng); }
    bool chance(int percent) { return roll(1, 100) <= percent; }
    template <typename List> const auto& pick(const List& list)
    {
        return list.at(roll(0, int(list.size()) - 1));
    }

    int nextTaskSeq() { return m_nextSeq++; }
    void noteTask(const QString& taskId, int seq) { m_taskSeq[taskId] = seq; }
    // The fleet's own sequence number of a task; tasks of others sort after the fleet's.
    int taskSeq(const QString& taskId) const
    {
        const auto it = m_taskSeq.find(taskId);
        return it == m_taskSeq.end() ? 1 << 30 : it->second;
    }
    // "#0007" for the fleet's tasks, the id for anybody else's (for log lines).
    QString taskLabel(const QString& taskId) const
    {
        const int seq = taskSeq(taskId);
        return seq == 1 << 30 ? taskId : seqLabel(seq);
    }
    static QString seqLabel(int seq) { return QStringLiteral("#%1").arg(seq, 4, 10, QLatin1Char('0')); }
    void noteMember(const QString& profileId, int order) { m_memberOrder[profileId] = order; }
    int memberOrder(const QString& profileId) const
    {
        const auto it = m_memberOrder.find(profileId);
        return it == m_memberOrder.end() ? 1 << 30 : it->second;
    }
    bool isMember(const QString& profileId) const { return m_memberOrder.contains(profileId); }

    // The skills the fleet's workers hold (sorted): publishers tag tasks from these.
    QStringList workerSkills;

    static const QStringList& skillList()
    {
        static const QStringList skills{QStringLiteral("writing"),  QStringLiteral("data"),
                                        QStringLiteral("python"),   QStringLiteral("design"),
                                        QStringLiteral("research"), QStringLiteral("translation")};
        return skills;
    }

private:
    quint64 m_seed;
    std::mt19937_64 m_rng;
    FleetStats m_stats;
    int m_nextSeq = 1;
    std::map<QString, int> m_taskSeq;
    std::map<QString, int> m_memberOrder;
};

} // namespace taskdesk::agent
