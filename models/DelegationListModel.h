#pragma once

#include "ApiListModel.h"
#include "ApiRequests.h"

namespace taskdesk::models {

// The delegations I issued as an operator (GET /api/agent/delegations?role=operator):
// agent, label, what it may do, spend against its limit, last use, expiry, status.
class DelegationListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Agent,
        Label,
        Scopes,
        Spend,
        LastUsed,
        Expires,
        Status,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        SpentCentsRole = FirstCustomRole, // qint64
        LimitCentsRole,                   // qint64, -1 without a limit
    };

    DelegationListModel(ApiRequests api, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // "12.00 of 50.00 CREDITS", or "12.00 CREDITS (no limit)".
    static QString spendText(const QJsonObject& delegation);
    static qint64 spentCents(const QJsonObject& delegation);
    static qint64 limitCents(const QJsonObject& delegation);
    static QString agentText(const QJsonObject& delegation);

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;

private:
    ApiRequests m_api;
};

} // namespace taskdesk::models
