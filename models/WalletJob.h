#pragma once

#include "JsonJob.h"
#include "WalletBalance.h"

namespace taskdesk::models {

class WalletJob : public JsonJob
{
    Q_OBJECT
public:
    using JsonJob::JsonJob;

    const WalletBalance& balance() const { return m_balance; }

signals:
    void walletReceived(const taskdesk::models::WalletBalance& balance);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    WalletBalance m_balance;
};

} // namespace taskdesk::models
