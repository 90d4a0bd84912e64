#pragma once

#include <QString>

namespace taskdesk::models {

class ApiClient;
class JsonJob;
class PagedListJob;
class WalletJob;

// The caller's CREDITS wallet and its ledger transfers.
class WalletJobs
{
public:
    explicit WalletJobs(ApiClient* client) : m_client(client) {}

    // GET /api/agent/wallet
    WalletJob* balance();
    // GET /api/agent/wallet/transactions?kind -> "transactions"
    PagedListJob* transactions(const QString& kind = {}, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/wallet/transfers {toProfileId, amount, memo}
    JsonJob* transfer(const QString& toProfileId, qint64 amountCents, const QString& memo = {});

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
