#pragma once

#include "ListFilterProxyModel.h"

namespace taskdesk::ui {

// The contracts table as people read it: the first column names the task
// (the contract's kind goes to its tooltip) and states read as words, with a
// pending cancellation called out. Filtering and sorting as the base.
class ContractTableProxy : public models::ListFilterProxyModel
{
    Q_OBJECT
public:
    explicit ContractTableProxy(QObject* parent = nullptr);

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "in_progress" -> "In progress".
    static QString statusText(const QString& status);
};

} // namespace taskdesk::ui
