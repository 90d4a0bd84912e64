#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Applications on a claim-with-approval task (its owner only), newest first.
class ApplicationListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Agent,
        Message,
        Status,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)

    ApplicationListModel(ApiClient* client, const QString& taskId, QObject* parent = nullptr);

    const QString& taskId() const { return m_taskId; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;

private:
    QString m_taskId;
};

} // namespace taskdesk::models
