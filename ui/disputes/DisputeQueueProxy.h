#pragma once

#include "ListFilterProxyModel.h"

namespace taskdesk::ui {

// The dispute queue as support reads it: oldest first, and a case that has
// waited longer than the target time (hours, a setting) stands out in amber
// with its age in the tooltip. Resolved cases never stand out.
class DisputeQueueProxy : public models::ListFilterProxyModel
{
    Q_OBJECT
public:
    explicit DisputeQueueProxy(QObject* parent = nullptr);

    void setTargetHours(int hours);
    int targetHours() const { return m_targetHours; }
    // Whether the row (of this proxy) is past the target time.
    bool isOverdue(int row) const;
    static QColor overdueColor();

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int m_targetHours = 24;
};

} // namespace taskdesk::ui
