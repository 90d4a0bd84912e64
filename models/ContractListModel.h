#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Contracts I am a party to (GET /api/agent/contracts), as buyer, seller or either.
class ContractListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum class Party
    {
        Any,
        Buyer,
        Seller
    };
    enum Column
    {
        Kind,
        Buyer,
        Seller,
        Price,
        Status,
        Deliveries,
        ReviewDue,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit ContractListModel(ApiClient* client, Party party = Party::Any, QObject* parent = nullptr);

    // Server-side filters; refresh() applies them.
    void setParty(Party party) { m_party = party; }
    Party party() const { return m_party; }
    void setStatusFilter(const QString& status) { m_status = status; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;

private:
    Party m_party;
    QString m_status;
};

} // namespace taskdesk::models
