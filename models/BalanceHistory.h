#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace taskdesk::models {

// The caller's available balance over time, rebuilt from the wallet's
// transactions (GET /api/agent/wallet/transactions) by walking back from the
// current balance, so the newest point is the balance the server reports to
// the cent whatever the history holds. Only transfers whose "account" is
// "available" move that balance: the API signs each transfer from the
// caller's side and names the account it touched (between two of the
// caller's own accounts, the more spendable one), so pending payouts and
// escrow-to-fee movements leave it alone, while a release (pending ->
// available) or a refund (escrow -> available) raise it.
class BalanceHistory
{
public:
    struct Point
    {
        QDateTime at;          // UTC
        qint64 balanceCents;   // the balance from this time on
        QString transactionId; // empty for the first and the last point
    };

    BalanceHistory() = default;
    // transactions: newest first, as the API lists them (its order is the
    // ledger's; times alone can tie). until: the time of the last point
    // (usually now); it is never earlier than the newest transaction.
    BalanceHistory(qint64 currentCents, const QJsonArray& transactions, const QDateTime& until);

    // The signed change of the available balance a transaction makes, in cents.
    static qint64 availableDelta(const QJsonObject& transaction);
    static bool movesAvailable(const QJsonObject& transaction);

    // Oldest first: the balance before the oldest transaction given (at its
    // time), one point per transaction that moved the balance, and the
    // current balance at `until`. Times never go backwards. Empty when no
    // balance was given.
    const QList<Point>& points() const { return m_points; }
    bool isEmpty() const { return m_points.isEmpty(); }
    // The balance before the oldest transaction given (0 when the whole history is in).
    qint64 startCents() const { return m_points.isEmpty() ? 0 : m_points.first().balanceCents; }
    qint64 currentCents() const { return m_points.isEmpty() ? 0 : m_points.last().balanceCents; }
    qint64 minCents() const { return m_min; }
    qint64 maxCents() const { return m_max; }
    // How many of the transactions given moved the available balance.
    int movements() const { return m_points.isEmpty() ? 0 : int(m_points.size()) - 2; }

private:
    QList<Point> m_points;
    qint64 m_min = 0;
    qint64 m_max = 0;
};

} // namespace taskdesk::models
