#include "ContractListModel.h"

#include "ApiClient.h"
#include "ContractJobs.h"
#include "Formatting.h"

namespace taskdesk::models {

ContractListModel::ContractListModel(ApiClient* client, Party party, QObject* parent)
    : ApiListModel(client, parent), m_party(party)
{}

int ContractListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ContractListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Kind:
        return tr("Kind");
    case Buyer:
        return tr("Buyer");
    case Seller:
        return tr("Seller");
    case Price:
        return tr("Price");
    case Status:
        return tr("Status");
    case Deliveries:
        return tr("Deliveries");
    case ReviewDue:
        return tr("Review due");
    case Created:
        return tr("Started");
    default:
        return {};
    }
}

PagedListJob* ContractListModel::createPageJob(const QString& cursor, int limit)
{
    const QString role = m_party == Party::Buyer    ? QStringLiteral("buyer")
                         : m_party == Party::Seller ? QStringLiteral("seller")
                                                    : QString();
    return client()->contracts().list(role, m_status, cursor, limit);
}

QVariant ContractListModel::cellData(const QJsonObject& c, int column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return column == Price || column == Deliveries ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                       : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Kind:
        return tip ? str(c, "taskId") : str(c, "kind");
    case Buyer:
        return handleOf(c, "buyer");
    case Seller:
        return handleOf(c, "seller");
    case Price: {
        const QJsonValue amount = c.value(QLatin1String("priceAmount"));
        if (edit)
            return amount.isDouble() ? QVariant(amount.toDouble()) : QVariant();
        return amount.isDouble() ? Formatting::amount(amount, str(c, "currency")) : str(c, "priceText");
    }
    case Status: {
        if (!tip)
            return str(c, "status");
        const QJsonObject cancel = c.value(QLatin1String("cancellation")).toObject();
        return cancel.isEmpty() ? QString() : tr("Cancellation requested: %1").arg(str(cancel, "reason"));
    }
    case Deliveries: {
        const int n = c.value(QLatin1String("submissionCount")).toInt();
        if (edit)
            return n;
        return QStringLiteral("%1/%2").arg(n).arg(c.value(QLatin1String("maxSubmissions")).toInt());
    }
    case ReviewDue:
    case Created: {
        const QString iso = str(c, column == ReviewDue ? "reviewDueAt" : "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
