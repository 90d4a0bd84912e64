#include "TaskFilterProxyModel.h"

#include "TaskListModel.h"

#include <QJsonObject>

namespace taskdesk::models {

TaskFilterProxyModel::TaskFilterProxyModel(QObject* parent) : ListFilterProxyModel(parent) {}

void TaskFilterProxyModel::setModeFilter(const QStringList& modes)
{
    if (modes == m_modes)
        return;
    m_modes = modes;
    invalidateFilter();
}

void TaskFilterProxyModel::setSkillFilter(const QString& skill)
{
    const QString s = skill.trimmed();
    if (s == m_skill)
        return;
    m_skill = s;
    invalidateFilter();
}

bool TaskFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!ListFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent))
        return false;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (!m_modes.isEmpty() &&
        !m_modes.contains(idx.data(TaskListModel::ModeRole).toString(), Qt::CaseInsensitive))
        return false;
    if (!m_skill.isEmpty() &&
        !idx.data(TaskListModel::SkillsRole).toStringList().contains(m_skill, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace taskdesk::models
