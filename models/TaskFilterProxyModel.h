#pragma once

#include "ListFilterProxyModel.h"

namespace taskdesk::models {

// The board's client-side filters over a TaskListModel: text (also in the
// description, through TaskListModel::extraSearchText), states, modes and one skill.
class TaskFilterProxyModel : public ListFilterProxyModel
{
    Q_OBJECT
public:
    explicit TaskFilterProxyModel(QObject* parent = nullptr);

    // Empty: every mode.
    void setModeFilter(const QStringList& modes);
    const QStringList& modeFilter() const { return m_modes; }
    // Empty: any skill.
    void setSkillFilter(const QString& skill);
    const QString& skillFilter() const { return m_skill; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QStringList m_modes;
    QString m_skill;
};

} // namespace taskdesk::models
