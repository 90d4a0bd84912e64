#include "DisputeQueueProxy.h"

#include "DisputeListModel.h"

#include <QColor>
#include <QDateTime>

namespace taskdesk::ui {

using models::ApiListModel;
using models::DisputeListModel;

DisputeQueueProxy::DisputeQueueProxy(QObject* parent) : ListFilterProxyModel(parent) {}

void DisputeQueueProxy::setTargetHours(int hours)
{
    if (hours == m_targetHours)
        return;
    m_targetHours = hours;
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1),
                         {Qt::BackgroundRole, Qt::ToolTipRole});
}

QColor DisputeQueueProxy::overdueColor()
{
    return QColor(0xfc, 0xe8, 0xb2);
}

bool DisputeQueueProxy::isOverdue(int row) const
{
    const QModelIndex idx = index(row, 0);
    if (!idx.isValid() || idx.data(ApiListModel::StatusRole).toString() != QLatin1String("open"))
        return false;
    const QDateTime opened = idx.data(DisputeListModel::OpenedAtRole).toDateTime();
    return opened.isValid() && opened.secsTo(QDateTime::currentDateTimeUtc()) > qint64(m_targetHours) * 3600;
}

QVariant DisputeQueueProxy::data(const QModelIndex& index, int role) const
{
    if (role == Qt::BackgroundRole && isOverdue(index.row()))
        return overdueColor();
    if (role == Qt::ToolTipRole && index.column() == DisputeListModel::Opened) {
        const QDateTime opened = index.data(DisputeListModel::OpenedAtRole).toDateTime();
        if (opened.isValid()) {
            const qint64 hours = opened.secsTo(QDateTime::currentDateTimeUtc()) / 3600;
            QString tip = tr("Waiting %n hour(s)", nullptr, int(hours));
            if (isOverdue(index.row()))
                tip += tr(" (past the %n-hour target)", nullptr, m_targetHours);
            return tip;
        }
    }
    return ListFilterProxyModel::data(index, role);
}

} // namespace taskdesk::ui
