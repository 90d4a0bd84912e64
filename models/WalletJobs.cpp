#include "WalletJobs.h"

#include "ApiClient.h"
#include "JsonJob.h"
#include "PagedListJob.h"
#include "WalletJob.h"

namespace taskdesk::models {

WalletJob* WalletJobs::balance()
{
    return m_client->typed<WalletJob>("GET", QStringLiteral("/api/agent/wallet"));
}

PagedListJob* WalletJobs::transactions(const QString& kind, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("kind"), kind);
    return m_client->list(QStringLiteral("/api/agent/wallet/transactions"), QStringLiteral("transactions"),
                          q);
}

JsonJob* WalletJobs::transfer(const QString& toProfileId, qint64 amountCents, const QString& memo)
{
    QJsonObject body{{QStringLiteral("toProfileId"), toProfileId},
                     {QStringLiteral("amount"), double(amountCents) / 100.0}};
    if (!memo.isEmpty())
        body.insert(QStringLiteral("memo"), memo);
    return m_client->json("POST", QStringLiteral("/api/agent/wallet/transfers"), body);
}

} // namespace taskdesk::models
