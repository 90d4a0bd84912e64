#include "BalanceHistory.h"

#include "Formatting.h"

#include <algorithm>

namespace taskdesk::models {

bool BalanceHistory::movesAvailable(const QJsonObject& t)
{
    return t.value(QLatin1String("account")).toString() == QLatin1String("available");
}

qint64 BalanceHistory::availableDelta(const QJsonObject& t)
{
    return movesAvailable(t) ? Formatting::toCents(t.value(QLatin1String("amount"))) : 0;
}

BalanceHistory::BalanceHistory(qint64 currentCents, const QJsonArray& transactions, const QDateTime& until)
{
    // Walk from now into the past: the balance before a transaction is the
    // balance after it less its change. Collected newest first, reversed at the end.
    QList<Point> back;
    qint64 balance = currentCents;
    QDateTime later;
    QDateTime oldest;
    for (const QJsonValue& v : transactions) {
        const QJsonObject t = v.toObject();
        QDateTime at = Formatting::parseTime(t.value(QLatin1String("createdAt")).toString());
        // A clock that stepped back must not fold the line over itself.
        if (!at.isValid() || (later.isValid() && at > later))
            at = later.isValid() ? later : until.toUTC();
        if (at.isValid()) {
            oldest = at;
            later = at;
        }
        if (!movesAvailable(t))
            continue;
        back.append({at, balance, t.value(QLatin1String("id")).toString()});
        balance -= availableDelta(t);
    }
    // The server's clock may run ahead of ours: the line ends at whichever is later.
    QDateTime end = until.toUTC();
    const QDateTime newest = back.isEmpty() ? QDateTime() : back.first().at;
    if (!end.isValid() || (newest.isValid() && newest > end))
        end = newest.isValid() ? newest : QDateTime::currentDateTimeUtc();
    const QDateTime start = oldest.isValid() ? oldest : end;

    m_points.reserve(back.size() + 2);
    m_points.append({start, balance, {}});
    for (auto it = back.crbegin(); it != back.crend(); ++it)
        m_points.append(*it);
    m_points.append({end, currentCents, {}});
    m_min = m_max = currentCents;
    for (const Point& p : std::as_const(m_points)) {
        m_min = std::min(m_min, p.balanceCents);
        m_max = std::max(m_max, p.balanceCents);
    }
}

} // namespace taskdesk::models
