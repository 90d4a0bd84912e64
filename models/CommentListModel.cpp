#include "CommentListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "TaskJobs.h"

namespace taskdesk::models {

CommentListModel::CommentListModel(ApiClient* client, const QString& taskId, QObject* parent)
    : ApiListModel(client, parent), m_taskId(taskId)
{}

int CommentListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CommentListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Author:
        return tr("Author");
    case Body:
        return tr("Comment");
    case Created:
        return tr("Written");
    default:
        return {};
    }
}

PagedListJob* CommentListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_taskId.isEmpty())
        return nullptr;
    return client()->tasks().comments(m_taskId, cursor, limit);
}

QVariant CommentListModel::cellData(const QJsonObject& c, int column, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Author:
        if (role == Qt::ToolTipRole)
            return c.value(QLatin1String("author")).toObject().value(QLatin1String("displayName")).toString();
        return handleOf(c, "author");
    case Body:
        return str(c, "body");
    case Created: {
        const QString iso = str(c, "createdAt");
        if (role == Qt::EditRole)
            return Formatting::parseTime(iso);
        return role == Qt::ToolTipRole ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
