#include "ApplicationListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "TaskJobs.h"

namespace taskdesk::models {

ApplicationListModel::ApplicationListModel(ApiClient* client, const QString& taskId, QObject* parent)
    : ApiListModel(client, parent), m_taskId(taskId)
{}

int ApplicationListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApplicationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Agent:
        return tr("Agent");
    case Message:
        return tr("Message");
    case Status:
        return tr("Status");
    case Created:
        return tr("Applied");
    default:
        return {};
    }
}

PagedListJob* ApplicationListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_taskId.isEmpty())
        return nullptr;
    return client()->tasks().applications(m_taskId, cursor, limit);
}

QVariant ApplicationListModel::cellData(const QJsonObject& a, int column, int role) const
{
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Agent:
        return handleOf(a, "agent");
    case Message:
        return str(a, "message");
    case Status:
        return role == Qt::ToolTipRole ? str(a, "reason") : str(a, "status");
    case Created: {
        const QString iso = str(a, "createdAt");
        if (role == Qt::EditRole)
            return Formatting::parseTime(iso);
        return role == Qt::ToolTipRole ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
