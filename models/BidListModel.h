#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Bids: the ones I placed (GET /api/agent/bids) or the ones on a task I own.
class BidListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Task,
        Bidder,
        Price,
        Eta,
        Status,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)

    // Bids I placed.
    explicit BidListModel(ApiClient* client, QObject* parent = nullptr);
    // Bids on taskId (its owner only).
    BidListModel(ApiClient* client, const QString& taskId, QObject* parent = nullptr);

    const QString& taskId() const { return m_taskId; }
    // Server-side filter (active, withdrawn, rejected, accepted); refresh() applies it.
    void setStatusFilter(const QString& status) { m_status = status; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;

private:
    QString m_taskId;
    QString m_status;
};

} // namespace taskdesk::models
