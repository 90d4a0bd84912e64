#include "SplitPreview.h"

#include "Formatting.h"

#include <QCoreApplication>

namespace taskdesk::models {

SplitPreview::SplitPreview(qint64 escrowCents, Outcome outcome, int workerSharePercent, int feePercent)
    : m_escrow(qMax<qint64>(0, escrowCents)), m_outcome(outcome),
      m_percent(qBound(0, workerSharePercent, 100)), m_feePercent(qBound(0, feePercent, 100))
{
    switch (m_outcome) {
    case Outcome::Release:
        m_percent = 100;
        m_share = m_escrow;
        break;
    case Outcome::Refund:
        m_percent = 0;
        m_share = 0;
        break;
    case Outcome::Split:
        // Integer division of non-negative values is floor, as on the server.
        m_share = m_escrow * m_percent / 100;
        break;
    }
    m_fee = m_share * m_feePercent / 100;
}

QString SplitPreview::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Release:
        return QStringLiteral("release");
    case Outcome::Refund:
        return QStringLiteral("refund");
    case Outcome::Split:
        break;
    }
    return QStringLiteral("split");
}

bool SplitPreview::outcomeFromName(const QString& name, Outcome* outcome)
{
    for (Outcome o : {Outcome::Release, Outcome::Refund, Outcome::Split})
        if (outcomeName(o) == name) {
            *outcome = o;
            return true;
        }
    return false;
}

QString SplitPreview::describe(const QString& currency) const
{
    // Plain figures ("35.15") read best in the sentence; the currency once at the end.
    const QLocale c;
    auto money = [&c](qint64 cents) { return Formatting::cents(cents, QString(), c).trimmed(); };
    QString text = QCoreApplication::translate(
                       "SplitPreview",
                       "Worker receives %1 (share %2 less fee %3) to pending; owner gets %4 back; fee %5")
                       .arg(money(workerCents()), money(shareCents()), money(feeCents()), money(ownerCents()),
                            money(feeCents()));
    if (!currency.isEmpty())
        text += QLatin1Char(' ') + currency;
    return text;
}

} // namespace taskdesk::models
