#include "FleetStats.h"

#include <QJsonArray>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace taskdesk::agent {

namespace {

const QStringList& familyNames()
{
    static const QStringList names{
        QStringLiteral("tasks-read"), QStringLiteral("tasks-write"), QStringLiteral("bids"),
        QStringLiteral("contracts"),  QStringLiteral("submissions"), QStringLiteral("messages"),
        QStringLiteral("wallet"),     QStringLiteral("auth"),        QStringLiteral("other")};
    return names;
}

QString cents(qint64 c)
{
    return QStringLiteral("%1%2.%3")
        .arg(c < 0 ? QStringLiteral("-") : QString())
        .arg(std::llabs(c) / 100)
        .arg(std::llabs(c) % 100, 2, 10, QLatin1Char('0'));
}

} // namespace

void FleetStats::setMembers(int publishers, int workers, int bundles)
{
    m_publishers = publishers;
    m_workers = workers;
    m_bundles = bundles;
}

QString FleetStats::family(const QByteArray& method, const QString& path)
{
    const QString p = path.section(QLatin1Char('?'), 0, 0);
    auto has = [&](const char* s) { return p.contains(QLatin1String(s)); };
    if (p.startsWith(QLatin1String("/api/agent/register")) ||
        p.startsWith(QLatin1String("/api/agent/login")) || has("/me/api-keys") || has("/me/tokens"))
        return QStringLiteral("auth");
    if (has("/messages"))
        return QStringLiteral("messages");
    if (has("/submissions") || p.startsWith(QLatin1String("/api/agent/files")))
        return QStringLiteral("submissions");
    if (has("/bids") || has("/claim") || has("/applications"))
        return QStringLiteral("bids");
    if (p.startsWith(QLatin1String("/api/agent/contracts")))
        return QStringLiteral("contracts");
    if (p.startsWith(QLatin1String("/api/agent/wallet")))
        return QStringLiteral("wallet");
    if (p.startsWith(QLatin1String("/api/tasks")) || p.startsWith(QLatin1String("/api/agent/tasks")))
        return method == "GET" ? QStringLiteral("tasks-read") : QStringLiteral("tasks-write");
    return QStringLiteral("other");
}

bool FleetStats::expectedError(int status, const QString& code)
{
    // Answers a marketplace gives in the normal course: somebody else was faster (409),
    // the money or a limit says no (402, 429), or the task wants skills this member lacks.
    return status == 409 || status == 402 || status == 429 ||
           (status == 403 && code == QLatin1String("SKILL_MISMATCH"));
}

void FleetStats::recordRequest(const QByteArray& method, const QString& path, int status, const QString& code,
                               double ms)
{
    m_families[family(method, path)].ms.push_back(ms);
    if (status == 0)
        ++m_transportErrors;
    else if (status >= 400)
        ++(expectedError(status, code) ? m_expected : m_unexpected)[status];
}

bool FleetStats::healthy() const
{
    return serverErrors() == 0 && m_transportErrors == 0;
}

qint64 FleetStats::serverErrors() const
{
    qint64 n = 0;
    for (const auto& [status, count] : m_unexpected)
        if (status >= 500)
            n += count;
    return n;
}

double FleetStats::percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const auto rank = std::size_t(std::ceil(p * double(values.size())));
    return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

QJsonObject FleetStats::json(qint64 seed) const
{
    QJsonObject o;
    o[QStringLiteral("seed")] = seed;
    o[QStringLiteral("steps")] = m_steps;
    o[QStringLiteral("elapsedSeconds")] = double(m_elapsedMs / 100) / 10.0;
    o[QStringLiteral("members")] = QJsonObject{{QStringLiteral("publishers"), m_publishers},
                                               {QStringLiteral("workers"), m_workers},
                                               {QStringLiteral("bundles"), m_bundles},
                                               {QStringLiteral("registered"), value(Registered)},
                                               {QStringLiteral("loggedIn"), value(LoggedIn)}};
    o[QStringLiteral("tasks")] =
        QJsonObject{{QStringLiteral("posted"), value(TasksBid) + value(TasksClaim) + value(TasksOpen)},
                    {QStringLiteral("bid"), value(TasksBid)},
                    {QStringLiteral("claim"), value(TasksClaim)},
                    {QStringLiteral("open"), value(TasksOpen)},
                    {QStringLiteral("cancelled"), value(TasksCancelled)}};
    o[QStringLiteral("bids")] = value(Bids);
    o[QStringLiteral("hires")] = value(Hires);
    o[QStringLiteral("claims")] = value(Claims);
    o[QStringLiteral("applications")] = value(Applications);
    o[QStringLiteral("applicationsApproved")] = value(ApplicationsApproved);
    o[QStringLiteral("submissions")] = QJsonObject{{QStringLiteral("total"), value(Submissions)},
                                                   {QStringLiteral("passed"), value(SubmissionsPassed)},
                                                   {QStringLiteral("failed"), value(SubmissionsFailed)}};
    o[QStringLiteral("accepted")] = value(Accepted);
    o[QStringLiteral("rejected")] = value(Rejected);
    o[QStringLiteral("completedContracts")] = value(ContractsCompleted);
    o[QStringLiteral("disputes")] = value(Disputes);
    o[QStringLiteral("messages")] = value(Messages);
    o[QStringLiteral("files")] = value(Files);
    o[QStringLiteral("reviews")] = value(Reviews);
    o[QStringLiteral("rateLimited")] = value(RateLimited);
    o[QStringLiteral("creditsMoved")] = cents(m_creditsMovedCents);
    QJsonObject requests;
    for (const QString& name : familyNames()) {
        const auto it = m_families.find(name);
        const std::vector<double> none;
        const auto& ms = it == m_families.end() ? none : it->second.ms;
        requests[name] = QJsonObject{{QStringLiteral("count"), qint64(ms.size())},
                                     {QStringLiteral("p50"), std::round(percentile(ms, 0.50) * 10) / 10},
                                     {QStringLiteral("p99"), std::round(percentile(ms, 0.99) * 10) / 10}};
    }
    o[QStringLiteral("requests")] = requests;
    QJsonObject expected, unexpected;
    for (const auto& [status, n] : m_expected)
        expected[QString::number(status)] = n;
    for (const auto& [status, n] : m_unexpected)
        unexpected[QString::number(status)] = n;
    o[QStringLiteral("errors")] = QJsonObject{{QStringLiteral("expected"), expected},
                                              {QStringLiteral("unexpected"), unexpected},
                                              {QStringLiteral("transport"), m_transportErrors}};
    return o;
}

QString FleetStats::text(qint64 seed) const
{
    QStringList l;
    const QJsonObject j = json(seed);
    auto n = [&](Counter c) { return QString::number(value(c)); };
    l << QStringLiteral("fleet summary (seed %1, %2 steps, %3 s)")
             .arg(seed)
             .arg(m_steps)
             .arg(j.value(QStringLiteral("elapsedSeconds")).toDouble(), 0, 'f', 1);
    l << QStringLiteral("  members:        %1 publishers, %2 workers, %3 from bundles (%4 registered, %5 "
                        "logged in)")
             .arg(m_publishers)
             .arg(m_workers)
             .arg(m_bundles)
             .arg(n(Registered), n(LoggedIn));
    l << QStringLiteral("  tasks posted:   %1 (bid %2, claim %3, open %4), %5 cancelled")
             .arg(value(TasksBid) + value(TasksClaim) + value(TasksOpen))
             .arg(n(TasksBid), n(TasksClaim), n(TasksOpen), n(TasksCancelled));
    l << QStringLiteral("  bids:           %1 (%2 hired)").arg(n(Bids), n(Hires));
    l << QStringLiteral("  claims:         %1, applications %2 (%3 approved)")
             .arg(n(Claims), n(Applications), n(ApplicationsApproved));
    l << QStringLiteral("  submissions:    %1 (verification passed %2, failed %3)")
             .arg(n(Submissions), n(SubmissionsPassed), n(SubmissionsFailed));
    l << QStringLiteral("  decisions:      %1 accepted, %2 rejected").arg(n(Accepted), n(Rejected));
    l << QStringLiteral("  completed:      %1 contracts").arg(n(ContractsCompleted));
    l << QStringLiteral("  disputes:       %1 opened").arg(n(Disputes));
    l << QStringLiteral("  messages:       %1, files %2, reviews %3").arg(n(Messages), n(Files), n(Reviews));
    l << QStringLiteral("  credits moved:  %1 CREDITS").arg(cents(m_creditsMovedCents));
    l << QStringLiteral("  rate limited:   %1 times").arg(n(RateLimited));
    l << QStringLiteral("  requests:       family          count    p50 ms    p99 ms");
    const QJsonObject req = j.value(QStringLiteral("requests")).toObject();
    for (const QString& name : familyNames()) {
        const QJsonObject f = req.value(name).toObject();
        l << QStringLiteral("                  %1 %2 %3 %4")
                 .arg(name, -12)
                 .arg(f.value(QStringLiteral("count")).toInteger(), 8)
                 .arg(f.value(QStringLiteral("p50")).toDouble(), 9, 'f', 1)
                 .arg(f.value(QStringLiteral("p99")).toDouble(), 9, 'f', 1);
    }
    auto statuses = [](const std::map<int, qint64>& m) {
        QStringList parts;
        for (const auto& [status, count] : m)
            parts << QStringLiteral("%1 x%2").arg(status).arg(count);
        return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
    };
    l << QStringLiteral("  expected errors:   %1").arg(statuses(m_expected));
    l << QStringLiteral("  unexpected errors: %1").arg(statuses(m_unexpected));
    l << QStringLiteral("  transport errors:  %1").arg(m_transportErrors);
    return l.join(QLatin1Char('\n'));
}

} // namespace taskdesk::agent
