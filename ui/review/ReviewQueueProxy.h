#pragma once

#include "ListFilterProxyModel.h"

#include <QSet>

namespace taskdesk::ui {

// The review queue as the table shows it: a decided submission leaves at once
// (before the refresh that confirms it arrives), and the time left before
// auto-acceptance turns red under kUrgentSeconds.
class ReviewQueueProxy : public models::ListFilterProxyModel
{
    Q_OBJECT
public:
    static constexpr qint64 kUrgentSeconds = 6 * 3600;

    explicit ReviewQueueProxy(QObject* parent = nullptr);

    void hideSubmission(const QString& id);
    bool isHidden(const QString& id) const { return m_hidden.contains(id); }
    // Forgets ids the source no longer has (they will never come back).
    void pruneHidden();
    void clearHidden();

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QSet<QString> m_hidden;
};

} // namespace taskdesk::ui
