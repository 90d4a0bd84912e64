#include "TransactionTableProxyModel.h"

#include "ReferenceTitles.h"
#include "TransactionListModel.h"

#include <QBrush>
#include <QColor>
#include <QJsonObject>

namespace taskdesk::ui {

using models::TransactionListModel;

TransactionTableProxyModel::TransactionTableProxyModel(QObject* parent) : ListFilterProxyModel(parent) {}

void TransactionTableProxyModel::setReferenceTitles(ReferenceTitles* titles)
{
    if (m_titles)
        disconnect(m_titles, nullptr, this, nullptr);
    m_titles = titles;
    if (m_titles)
        connect(m_titles, &ReferenceTitles::resolved, this, &TransactionTableProxyModel::onTitlesResolved);
}

void TransactionTableProxyModel::onTitlesResolved()
{
    if (rowCount() > 0)
        emit dataChanged(index(0, TransactionListModel::Reference),
                         index(rowCount() - 1, TransactionListModel::Reference), {Qt::DisplayRole});
}

QString TransactionTableProxyModel::description(const QJsonObject& t)
{
    const QString memo = t.value(QLatin1String("memo")).toString();
    if (!memo.isEmpty())
        return memo;
    const QString kind = t.value(QLatin1String("kind")).toString();
    const bool in = t.value(QLatin1String("amount")).toDouble() > 0;
    if (kind == QLatin1String("payout"))
        return in ? tr("Paid for accepted work; on hold") : tr("Paid to the worker");
    if (kind == QLatin1String("release"))
        return tr("Released from hold");
    if (kind == QLatin1String("refund"))
        return tr("Escrow returned");
    if (kind == QLatin1String("fee"))
        return tr("Platform fee");
    if (kind == QLatin1String("escrow"))
        return tr("Budget escrowed");
    return {};
}

QString TransactionTableProxyModel::reference(const QJsonObject& t) const
{
    const QString type = t.value(QLatin1String("refType")).toString();
    const QString id = t.value(QLatin1String("refId")).toString();
    if (type.isEmpty())
        return {};
    if (type == QLatin1String("profile"))
        return tr("Platform");
    const QString title = m_titles ? m_titles->title(type, id) : QString();
    if (type == QLatin1String("task"))
        return title.isEmpty() ? tr("Task %1").arg(id) : tr("Task: %1").arg(title);
    if (type == QLatin1String("contract"))
        return title.isEmpty() ? tr("Contract %1").arg(id) : tr("Contract: %1").arg(title);
    return type + QLatin1Char(' ') + id;
}

QString TransactionTableProxyModel::kindLabel(const QString& kind)
{
    if (kind == QLatin1String("registration_grant"))
        return tr("Welcome credits");
    if (kind == QLatin1String("escrow"))
        return tr("Escrow");
    if (kind == QLatin1String("refund"))
        return tr("Refund");
    if (kind == QLatin1String("payout"))
        return tr("Payout");
    if (kind == QLatin1String("fee"))
        return tr("Fee");
    if (kind == QLatin1String("release"))
        return tr("Release");
    if (kind == QLatin1String("transfer"))
        return tr("Transfer");
    return kind;
}

QStringList TransactionTableProxyModel::knownKinds()
{
    return {QStringLiteral("registration_grant"),
            QStringLiteral("escrow"),
            QStringLiteral("refund"),
            QStringLiteral("payout"),
            QStringLiteral("fee"),
            QStringLiteral("release"),
            QStringLiteral("transfer")};
}

QVariant TransactionTableProxyModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const int column = index.column();
    if (column == TransactionListModel::Amount && (role == Qt::DisplayRole || role == Qt::ForegroundRole)) {
        const qint64 cents =
            ListFilterProxyModel::data(index, TransactionListModel::AmountCentsRole).toLongLong();
        if (role == Qt::ForegroundRole) {
            if (cents == 0)
                return {};
            // Dark enough to read on a light row, and the sign says it too.
            return QBrush(cents > 0 ? QColor(0x1b, 0x7a, 0x3a) : QColor(0xb0, 0x2a, 0x2a));
        }
        const QString text = ListFilterProxyModel::data(index, role).toString();
        return cents > 0 ? QLatin1Char('+') + text : text;
    }
    if ((column == TransactionListModel::Memo || column == TransactionListModel::Reference) &&
        role == Qt::DisplayRole) {
        const QJsonObject t =
            ListFilterProxyModel::data(index, models::ApiListModel::RawJsonRole).toJsonObject();
        return column == TransactionListModel::Memo ? description(t) : reference(t);
    }
    if (column == TransactionListModel::Reference && role == Qt::ToolTipRole)
        return ListFilterProxyModel::data(index, Qt::DisplayRole);
    if (column == TransactionListModel::Kind && role == Qt::DisplayRole)
        return kindLabel(ListFilterProxyModel::data(index, role).toString());
    if (column == TransactionListModel::Kind && role == Qt::ToolTipRole)
        return ListFilterProxyModel::data(index, Qt::DisplayRole);
    if (column == TransactionListModel::Account && role == Qt::ToolTipRole) {
        const QString account = ListFilterProxyModel::data(index, Qt::DisplayRole).toString();
        if (account == QLatin1String("available"))
            return tr("Your available balance");
        if (account == QLatin1String("pending"))
            return tr("Earned, on hold until released");
        if (account == QLatin1String("escrow"))
            return tr("Held for one of your tasks");
    }
    return ListFilterProxyModel::data(index, role);
}

bool TransactionTableProxyModel::matchesText(int sourceRow, const QModelIndex& sourceParent,
                                             const QString& text) const
{
    if (ListFilterProxyModel::matchesText(sourceRow, sourceParent, text))
        return true;
    const QModelIndex source = sourceModel()->index(sourceRow, 0, sourceParent);
    const QJsonObject t = source.data(models::ApiListModel::RawJsonRole).toJsonObject();
    const QString shown[] = {kindLabel(t.value(QLatin1String("kind")).toString()), description(t),
                             reference(t)};
    for (const QString& s : shown)
        if (s.contains(text, Qt::CaseInsensitive))
            return true;
    return false;
}

} // namespace taskdesk::ui
