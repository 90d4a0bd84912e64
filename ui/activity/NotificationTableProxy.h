#pragma once

#include "ListFilterProxyModel.h"

namespace taskdesk::ui {

// The notifications table as people read it: unread rows in bold and event
// names in words ("Bid received" for bid.received).
class NotificationTableProxy : public models::ListFilterProxyModel
{
    Q_OBJECT
public:
    explicit NotificationTableProxy(QObject* parent = nullptr);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    static QString eventName(const QString& type);
};

} // namespace taskdesk::ui
