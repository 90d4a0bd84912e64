#pragma once

#include "ApiListModel.h"

#include <QDateTime>

namespace taskdesk::models {

// The support desk's dispute queue (GET /api/support/disputes), filtered on
// the server by status and assignee. Rows carry their age (AgeRole, in
// seconds at the time of asking, for sorting oldest first and for the
// colour past the target time).
class DisputeListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Opened,
        Contract,
        Parties,
        Reason,
        Assignee,
        Status,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        OpenedAtRole = FirstCustomRole, // QDateTime (UTC)
    };

    explicit DisputeListModel(ApiClient* client, QObject* parent = nullptr);

    // Server-side filters ("open" / "resolved" / empty; an assignee profile id); refresh() applies them.
    void setStatusFilter(const QString& status) { m_status = status; }
    void setAssigneeFilter(const QString& assignee) { m_assignee = assignee; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QList<int> filterRoles() const override { return {OpenedAtRole}; }

private:
    QString m_status;
    QString m_assignee;
};

} // namespace taskdesk::models
