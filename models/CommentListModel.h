#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// A task's public comment thread (GET /api/agent/tasks/:id/comments), newest first.
class CommentListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Author,
        Body,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)

    CommentListModel(ApiClient* client, const QString& taskId, QObject* parent = nullptr);

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
