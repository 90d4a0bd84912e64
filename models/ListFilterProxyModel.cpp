#include "ListFilterProxyModel.h"

#include "ApiListModel.h"

namespace taskdesk::models {

ListFilterProxyModel::ListFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::EditRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
}

void ListFilterProxyModel::setFilterText(const QString& text)
{
    const QString t = text.trimmed();
    if (t == m_text)
        return;
    m_text = t;
    m_foldedText = t.toCaseFolded();
    invalidateFilter();
}

void ListFilterProxyModel::setStatusFilter(const QStringList& statuses)
{
    if (statuses == m_statuses)
        return;
    m_statuses = statuses;
    invalidateFilter();
}

bool ListFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* src = sourceModel();
    if (!src)
        return false;
    if (!m_statuses.isEmpty()) {
        const QString status =
            src->index(sourceRow, 0, sourceParent).data(ApiListModel::StatusRole).toString();
        if (!m_statuses.contains(status, Qt::CaseInsensitive))
            return false;
    }
    return m_text.isEmpty() || matchesText(sourceRow, sourceParent, m_text);
}

bool ListFilterProxyModel::matchesText(int sourceRow, const QModelIndex& sourceParent,
                                       const QString& text) const
{
    if (const auto* list = qobject_cast<const ApiListModel*>(sourceModel()); list && text == m_text)
        return list->searchTextAt(sourceRow).contains(m_foldedText);
    const QAbstractItemModel* src = sourceModel();
    for (int column = 0; column < src->columnCount(sourceParent); ++column)
        if (src->index(sourceRow, column, sourceParent)
                .data(Qt::DisplayRole)
                .toString()
                .contains(text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace taskdesk::models
