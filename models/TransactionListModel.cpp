#include "TransactionListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "WalletJobs.h"

namespace taskdesk::models {

TransactionListModel::TransactionListModel(ApiClient* client, QObject* parent) : ApiListModel(client, parent)
{}

int TransactionListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TransactionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Kind:
        return tr("Kind");
    case Amount:
        return tr("Amount");
    case Account:
        return tr("Account");
    case Reference:
        return tr("For");
    case Memo:
        return tr("Memo");
    case Created:
        return tr("Time");
    default:
        return {};
    }
}

QHash<int, QByteArray> TransactionListModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(AmountCentsRole, QByteArrayLiteral("amountCents"));
    return names;
}

PagedListJob* TransactionListModel::createPageJob(const QString& cursor, int limit)
{
    return client()->wallet().transactions(m_kind, cursor, limit);
}

QString TransactionListModel::statusOf(const QJsonObject& item) const
{
    return str(item, "kind");
}

QVariant TransactionListModel::cellData(const QJsonObject& t, int column, int role) const
{
    if (role == AmountCentsRole)
        return Formatting::toCents(t.value(QLatin1String("amount")));
    if (role == Qt::TextAlignmentRole)
        return column == Amount ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Kind:
        return str(t, "kind");
    case Amount: {
        const QJsonValue amount = t.value(QLatin1String("amount"));
        if (edit)
            return amount.toDouble();
        if (tip)
            return tr("From %1 to %2").arg(str(t, "from"), str(t, "to"));
        return Formatting::amount(amount, str(t, "currency"));
    }
    case Account:
        return str(t, "account");
    case Reference: {
        const QString type = str(t, "refType");
        return type.isEmpty() ? QString() : type + QLatin1Char(' ') + str(t, "refId");
    }
    case Memo:
        return str(t, "memo");
    case Created: {
        const QString iso = str(t, "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
