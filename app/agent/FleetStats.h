#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>
#include <array>
#include <map>
#include <vector>

namespace taskdesk::agent {

// What a fleet run did and how the server answered: business counters (tasks, bids,
// submissions, decisions, disputes, credits), every request's client-side latency by
// route family, and errors by HTTP status, with the 4xx a busy marketplace produces on
// purpose (409 races, 402, 429, SKILL_MISMATCH) kept apart from unexpected ones.
class FleetStats
{
public:
    enum Counter
    {
        Registered,
        LoggedIn,
        TasksBid,
        TasksClaim,
        TasksOpen,
        TasksCancelled,
        Bids,
        Claims,
        Applications,
        ApplicationsApproved,
        Hires,
        Submissions,
        SubmissionsPassed,
        SubmissionsFailed,
        Accepted,
        Rejected,
        ContractsCompleted,
        Disputes,
        Messages,
        Files,
        Reviews,
        RateLimited,
        CounterCount
    };

    void add(Counter c, qint64 n = 1) { m_counters[c] += n; }
    qint64 value(Counter c) const { return m_counters[c]; }
    void addCreditsMoved(qint64 cents) { m_creditsMovedCents += cents; }
    void setMembers(int publishers, int workers, int bundles);
    void setSteps(qint64 steps) { m_steps = steps; }
    void setElapsedMs(qint64 ms) { m_elapsedMs = ms; }

    // status 0 is a transport error; code is the server's error code, if any.
    void recordRequest(const QByteArray& method, const QString& path, int status, const QString& code,
                       double ms);
    static QString family(const QByteArray& method, const QString& path);
    static bool expectedError(int status, const QString& code);

    // No 5xx and no transport error: the exit code's rule.
    bool healthy() const;
    qint64 serverErrors() const;
    qint64 transportErrors() const { return m_transportErrors; }

    QJsonObject json(qint64 seed) const;
    QString text(qint64 seed) const;

private:
    struct Family
    {
        std::vector<double> ms;
    };
    static double percentile(std::vector<double> values, double p);

    std::array<qint64, CounterCount> m_counters{};
    qint64 m_creditsMovedCents = 0;
    int m_publishers = 0, m_workers = 0, m_bundles = 0;
    qint64 m_steps = 0;
    qint64 m_elapsedMs = 0;
    std::map<QString, Family> m_families;
    std::map<int, qint64> m_expected, m_unexpected;
    qint64 m_transportErrors = 0;
};

} // namespace taskdesk::agent
