#include "NotificationListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "NotificationJobs.h"

namespace taskdesk::models {

namespace {
bool isUnread(const QJsonObject& n)
{
    const QJsonValue read = n.value(QLatin1String("readAt"));
    return read.isNull() || read.isUndefined() || read.toString().isEmpty();
}
} // namespace

NotificationListModel::NotificationListModel(ApiClient* client, QObject* parent)
    : ApiListModel(client, parent)
{}

int NotificationListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NotificationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Type:
        return tr("Event");
    case Message:
        return tr("Message");
    case Entity:
        return tr("About");
    case Created:
        return tr("Time");
    case Read:
        return tr("Read");
    default:
        return {};
    }
}

QHash<int, QByteArray> NotificationListModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(UnreadRole, QByteArrayLiteral("unread"));
    names.insert(EntityTypeRole, QByteArrayLiteral("entityType"));
    names.insert(EntityIdRole, QByteArrayLiteral("entityId"));
    return names;
}

PagedListJob* NotificationListModel::createPageJob(const QString& cursor, int limit)
{
    return client()->notifications().list(m_unreadOnly, cursor, limit);
}

QString NotificationListModel::statusOf(const QJsonObject& item) const
{
    return isUnread(item) ? QStringLiteral("unread") : QStringLiteral("read");
}

QVariant NotificationListModel::cellData(const QJsonObject& n, int column, int role) const
{
    switch (role) {
    case UnreadRole:
        return isUnread(n);
    case EntityTypeRole:
        return str(n, "entityType");
    case EntityIdRole:
        return str(n, "entityId");
    case Qt::DisplayRole:
    case Qt::EditRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Type:
        return str(n, "type");
    case Message:
        return tip ? str(n, "message") : str(n, "message").section(QLatin1Char('\n'), 0, 0);
    case Entity:
        return str(n, "entityType") + QLatin1Char(' ') + str(n, "entityId");
    case Created:
    case Read: {
        const QString iso = str(n, column == Created ? "createdAt" : "readAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
