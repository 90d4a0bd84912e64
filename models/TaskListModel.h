#pragma once

#include "ApiListModel.h"
#include "TaskQuery.h"

namespace taskdesk::models {

// Tasks: the public board (GET /api/tasks with a TaskQuery) or the tasks I posted.
class TaskListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum class Scope
    {
        Browse,
        Mine
    };
    enum Column
    {
        Title,
        Status,
        Mode,
        Budget,
        Skills,
        Owner,
        Bids,
        Deadline,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        BudgetCentsRole = FirstCustomRole, // qint64, absent for non-numeric budgets
        ModeRole,                          // bid | claim | open
        SkillsRole,                        // QStringList
    };

    TaskListModel(ApiClient* client, Scope scope, QObject* parent = nullptr);

    Scope scope() const { return m_scope; }
    // Server-side filters; call refresh() to apply. Scope Mine uses only status.
    void setQuery(const TaskQuery& query) { m_query = query; }
    const TaskQuery& query() const { return m_query; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QString extraSearchText(const QJsonObject& item) const override;
    QList<int> filterRoles() const override { return {ModeRole, SkillsRole, BudgetCentsRole}; }

private:
    Scope m_scope;
    TaskQuery m_query;
};

} // namespace taskdesk::models
