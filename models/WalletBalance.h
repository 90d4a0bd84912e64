#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace taskdesk::models {

// GET /api/agent/wallet, in integer cents (the API's numbers have at most 2 decimals).
struct WalletBalance
{
    qint64 availableCents = 0;
    qint64 pendingCents = 0;
    qint64 escrowCents = 0;
    QString currency;
    QDateTime nextReleaseAt; // invalid when nothing is on hold
};

} // namespace taskdesk::models

Q_DECLARE_METATYPE(taskdesk::models::WalletBalance)
