#pragma once

#include <QSortFilterProxyModel>
#include <QStringList>

namespace taskdesk::models {

// Client-side filtering and sorting over any ApiListModel: free text (any
// column's text, case-insensitive) and a set of states (StatusRole). Sorts by
// Qt::EditRole, so amounts sort as numbers and times as times.
class ListFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ListFilterProxyModel(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    const QString& filterText() const { return m_text; }
    // Empty: every state.
    void setStatusFilter(const QStringList& statuses);
    const QStringList& statusFilter() const { return m_statuses; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    virtual bool matchesText(int sourceRow, const QModelIndex& sourceParent, const QString& text) const;

private:
    QString m_text;
    QString m_foldedText;
    QStringList m_statuses;
};

} // namespace taskdesk::models
