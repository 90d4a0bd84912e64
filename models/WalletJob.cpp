#include "WalletJob.h"

#include "Formatting.h"

namespace taskdesk::models {

ApiError WalletJob::processJson(const QJsonObject& json)
{
    const QJsonObject w = json.value(QLatin1String("wallet")).toObject();
    if (!w.value(QLatin1String("available")).isDouble())
        return ApiError::badReply(QStringLiteral("the answer has no wallet"));
    m_balance.availableCents = Formatting::toCents(w.value(QLatin1String("available")));
    m_balance.pendingCents = Formatting::toCents(w.value(QLatin1String("pending")));
    m_balance.escrowCents = Formatting::toCents(w.value(QLatin1String("escrow")));
    m_balance.currency = w.value(QLatin1String("currency")).toString();
    m_balance.nextReleaseAt = Formatting::parseTime(w.value(QLatin1String("nextReleaseAt")).toString());
    emit walletReceived(m_balance);
    return {};
}

} // namespace taskdesk::models
