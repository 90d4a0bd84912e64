#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Ledger transfers touching my wallet (GET /api/agent/wallet/transactions),
// signed from my side.
class TransactionListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Kind,
        Amount,
        Account,
        Reference,
        Memo,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        AmountCentsRole = FirstCustomRole, // qint64, signed
    };

    explicit TransactionListModel(ApiClient* client, QObject* parent = nullptr);

    // Server-side filter by transfer kind; refresh() applies it.
    void setKindFilter(const QString& kind) { m_kind = kind; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    // Transfers have no state; the status is the kind (escrow.fund, payout, ...).
    QString statusOf(const QJsonObject& item) const override;

private:
    QString m_kind;
};

} // namespace taskdesk::models
