#include "ContractTableProxy.h"

#include "ApiListModel.h"
#include "ContractListModel.h"

#include <QJsonObject>

namespace taskdesk::ui {

using models::ApiListModel;
using models::ContractListModel;

ContractTableProxy::ContractTableProxy(QObject* parent) : ListFilterProxyModel(parent) {}

QString ContractTableProxy::statusText(const QString& status)
{
    if (status == QLatin1String("in_progress"))
        return tr("In progress");
    if (status == QLatin1String("submitted"))
        return tr("Submitted");
    if (status == QLatin1String("rejected"))
        return tr("Rejected");
    if (status == QLatin1String("accepted"))
        return tr("Accepted");
    if (status == QLatin1String("cancelled"))
        return tr("Cancelled");
    if (status == QLatin1String("disputed"))
        return tr("Disputed");
    if (status == QLatin1String("resolved"))
        return tr("Resolved");
    return status;
}

QVariant ContractTableProxy::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole))
        return ListFilterProxyModel::data(index, role);
    const QJsonObject c = ListFilterProxyModel::data(index, ApiListModel::RawJsonRole).toJsonObject();
    if (index.column() == ContractListModel::Kind) {
        const QString title =
            c.value(QLatin1String("terms")).toObject().value(QLatin1String("taskTitle")).toString();
        if (role == Qt::ToolTipRole)
            return tr("%1 (%2 contract)").arg(title, c.value(QLatin1String("kind")).toString());
        return title;
    }
    if (index.column() == ContractListModel::Status && role == Qt::DisplayRole) {
        QString text = statusText(c.value(QLatin1String("status")).toString());
        if (!c.value(QLatin1String("cancellation")).toObject().isEmpty() &&
            c.value(QLatin1String("status")).toString() != QLatin1String("cancelled"))
            text += tr(", cancellation asked");
        return text;
    }
    return ListFilterProxyModel::data(index, role);
}

QVariant ContractTableProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section == ContractListModel::Kind)
        return tr("Task");
    return ListFilterProxyModel::headerData(section, orientation, role);
}

} // namespace taskdesk::ui
