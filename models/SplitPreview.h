#pragma once

#include <QString>
#include <QtGlobal>

namespace taskdesk::models {

// What a dispute outcome moves, in cents, computed exactly as the server does
// (server/domain/Settlement: share = floor(escrow x percent / 100) for a
// split, the whole escrow for a release, nothing for a refund; the fee =
// floor(share x fee% / 100) comes off the worker's part; the rest of the
// escrow, odd cent included, goes back to the owner). Support staff see these
// figures before they confirm, so they must be the ones the ledger will show.
class SplitPreview
{
public:
    enum class Outcome
    {
        Release,
        Refund,
        Split
    };

    SplitPreview() = default;
    SplitPreview(qint64 escrowCents, Outcome outcome, int workerSharePercent, int feePercent);

    static QString outcomeName(Outcome outcome);
    static bool outcomeFromName(const QString& name, Outcome* outcome);

    Outcome outcome() const { return m_outcome; }
    int workerSharePercent() const { return m_percent; }
    int feePercent() const { return m_feePercent; }
    qint64 escrowCents() const { return m_escrow; }
    // The worker's share before the fee.
    qint64 shareCents() const { return m_share; }
    qint64 feeCents() const { return m_fee; }
    // What reaches the worker's pending balance.
    qint64 workerCents() const { return m_share - m_fee; }
    // What goes back to the owner's available balance.
    qint64 ownerCents() const { return m_escrow - m_share; }

    // One sentence for the person deciding, e.g. "Worker receives 35.15
    // (share 37.00 less fee 1.85) to pending; owner gets 63.00 back; fee 1.85".
    QString describe(const QString& currency = {}) const;

private:
    qint64 m_escrow = 0;
    Outcome m_outcome = Outcome::Split;
    int m_percent = 0;
    int m_feePercent = 0;
    qint64 m_share = 0;
    qint64 m_fee = 0;
};

} // namespace taskdesk::models
