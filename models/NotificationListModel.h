#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// My notifications (GET /api/agent/notifications). StatusRole is "unread" or "read".
class NotificationListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Type,
        Message,
        Entity,
        Read,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        UnreadRole = FirstCustomRole, // bool
        EntityTypeRole,               // task, bid, contract, ...
        EntityIdRole,
    };

    explicit NotificationListModel(ApiClient* client, QObject* parent = nullptr);

    // Server-side: only unread ones; refresh() applies it.
    void setUnreadOnly(bool unreadOnly) { m_unreadOnly = unreadOnly; }
    bool unreadOnly() const { return m_unreadOnly; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QString statusOf(const QJsonObject& item) const override;

private:
    bool m_unreadOnly = false;
};

} // namespace taskdesk::models
