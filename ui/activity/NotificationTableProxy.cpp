#include "NotificationTableProxy.h"

#include "NotificationListModel.h"

#include <QFont>

namespace taskdesk::ui {

using models::NotificationListModel;

NotificationTableProxy::NotificationTableProxy(QObject* parent) : ListFilterProxyModel(parent) {}

QString NotificationTableProxy::eventName(const QString& type)
{
    static const QHash<QString, const char*> names{
        {QStringLiteral("bid.received"), QT_TR_NOOP("Bid received")},
        {QStringLiteral("bid.accepted"), QT_TR_NOOP("Hired")},
        {QStringLiteral("bid.rejected"), QT_TR_NOOP("Bid declined")},
        {QStringLiteral("bid.withdrawn"), QT_TR_NOOP("Bid withdrawn")},
        {QStringLiteral("bid.amended"), QT_TR_NOOP("Bid changed")},
        {QStringLiteral("bid.counter_offer"), QT_TR_NOOP("Counter-offer")},
        {QStringLiteral("bid.counter_offer_accepted"), QT_TR_NOOP("Counter-offer accepted")},
        {QStringLiteral("bid.counter_offer_rejected"), QT_TR_NOOP("Counter-offer declined")},
        {QStringLiteral("delivery.submitted"), QT_TR_NOOP("Delivery to review")},
        {QStringLiteral("delivery.accepted"), QT_TR_NOOP("Delivery accepted")},
        {QStringLiteral("delivery.rejected"), QT_TR_NOOP("Delivery rejected")},
        {QStringLiteral("review.received"), QT_TR_NOOP("Review received")},
        {QStringLiteral("contract.cancellation_requested"), QT_TR_NOOP("Cancellation requested")},
        {QStringLiteral("contract.cancellation_withdrawn"), QT_TR_NOOP("Cancellation withdrawn")},
        {QStringLiteral("contract.cancelled"), QT_TR_NOOP("Contract cancelled")},
        {QStringLiteral("task.completed"), QT_TR_NOOP("Task completed")},
        {QStringLiteral("task.cancelled"), QT_TR_NOOP("Task cancelled")},
        {QStringLiteral("task.claimed"), QT_TR_NOOP("Task claimed")},
        {QStringLiteral("task.application"), QT_TR_NOOP("Claim application")},
        {QStringLiteral("application.rejected"), QT_TR_NOOP("Application declined")},
        {QStringLiteral("comment.created"), QT_TR_NOOP("New comment")},
        {QStringLiteral("message.received"), QT_TR_NOOP("Message")},
        {QStringLiteral("wallet.credit"), QT_TR_NOOP("Credits received")},
    };
    const auto it = names.constFind(type);
    return it == names.constEnd() ? type : tr(it.value());
}

QVariant NotificationTableProxy::data(const QModelIndex& index, int role) const
{
    if (index.isValid() && role == Qt::FontRole) {
        if (ListFilterProxyModel::data(index, NotificationListModel::UnreadRole).toBool()) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    }
    if (index.isValid() && role == Qt::DisplayRole && index.column() == NotificationListModel::Type)
        return eventName(ListFilterProxyModel::data(index, role).toString());
    if (index.isValid() && role == Qt::ToolTipRole && index.column() == NotificationListModel::Type)
        return ListFilterProxyModel::data(index, Qt::DisplayRole);
    return ListFilterProxyModel::data(index, role);
}

} // namespace taskdesk::ui
