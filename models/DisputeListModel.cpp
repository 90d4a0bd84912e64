#include "DisputeListModel.h"

#include "ApiClient.h"
#include "DisputeJobs.h"
#include "Formatting.h"

namespace taskdesk::models {

namespace {
QString partyHandle(const QJsonObject& d, const char* party)
{
    return d.value(QLatin1String(party)).toObject().value(QLatin1String("handle")).toString();
}
} // namespace

DisputeListModel::DisputeListModel(ApiClient* client, QObject* parent) : ApiListModel(client, parent) {}

int DisputeListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DisputeListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Opened:
        return tr("Opened");
    case Contract:
        return tr("Contract");
    case Parties:
        return tr("Buyer / worker");
    case Reason:
        return tr("Reason");
    case Assignee:
        return tr("Assignee");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

PagedListJob* DisputeListModel::createPageJob(const QString& cursor, int limit)
{
    return client()->disputes().queue(m_status, m_assignee, cursor, limit);
}

QVariant DisputeListModel::cellData(const QJsonObject& d, int column, int role) const
{
    if (role == OpenedAtRole)
        return Formatting::parseTime(str(d, "createdAt"));
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Opened: {
        const QString iso = str(d, "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    case Contract: {
        const QString title = str(d, "title");
        return tip || title.isEmpty() ? str(d, "contractId") : title;
    }
    case Parties:
        return QStringLiteral("@%1 / @%2").arg(partyHandle(d, "buyer"), partyHandle(d, "seller"));
    case Reason:
        return str(d, "reason");
    case Assignee: {
        const QString h = handleOf(d, "assignee");
        return h.isEmpty() ? (edit ? QString() : tr("nobody")) : QStringLiteral("@") + h;
    }
    case Status:
        return str(d, "status");
    default:
        return {};
    }
}

} // namespace taskdesk::models
