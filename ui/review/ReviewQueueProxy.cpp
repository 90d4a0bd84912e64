#include "ReviewQueueProxy.h"

#include "ApiListModel.h"
#include "ReviewQueueModel.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace taskdesk::ui {

using models::ApiListModel;
using models::ReviewQueueModel;

ReviewQueueProxy::ReviewQueueProxy(QObject* parent) : ListFilterProxyModel(parent) {}

void ReviewQueueProxy::hideSubmission(const QString& id)
{
    if (id.isEmpty() || m_hidden.contains(id))
        return;
    m_hidden.insert(id);
    invalidateFilter();
}

void ReviewQueueProxy::pruneHidden()
{
    auto* source = qobject_cast<ApiListModel*>(sourceModel());
    if (!source)
        return;
    for (auto it = m_hidden.begin(); it != m_hidden.end();)
        it = source->rowOfId(*it) < 0 ? m_hidden.erase(it) : std::next(it);
}

void ReviewQueueProxy::clearHidden()
{
    m_hidden.clear();
    invalidateFilter();
}

QVariant ReviewQueueProxy::data(const QModelIndex& index, int role) const
{
    if (role == Qt::ForegroundRole && index.column() == ReviewQueueModel::AutoAccept) {
        const qint64 left = index.data(ReviewQueueModel::SecondsLeftRole).toLongLong();
        if (left < kUrgentSeconds)
            return QBrush(QColor(0xc6, 0x28, 0x28));
    }
    if (role == Qt::ForegroundRole && index.column() == ReviewQueueModel::Verification) {
        const QVariant passed = index.data(ReviewQueueModel::VerificationRole);
        if (passed.isValid())
            return QBrush(passed.toBool() ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28));
    }
    if (role == Qt::FontRole && index.column() == ReviewQueueModel::AutoAccept &&
        index.data(ReviewQueueModel::SecondsLeftRole).toLongLong() < kUrgentSeconds) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return ListFilterProxyModel::data(index, role);
}

bool ReviewQueueProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (!m_hidden.isEmpty()) {
        const QString id =
            sourceModel()->index(sourceRow, 0, sourceParent).data(ApiListModel::IdRole).toString();
        if (m_hidden.contains(id))
            return false;
    }
    return ListFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace taskdesk::ui
