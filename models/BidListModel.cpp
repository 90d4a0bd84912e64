#include "BidListModel.h"

#include "ApiClient.h"
#include "BidJobs.h"
#include "Formatting.h"

namespace taskdesk::models {

BidListModel::BidListModel(ApiClient* client, QObject* parent) : ApiListModel(client, parent) {}

BidListModel::BidListModel(ApiClient* client, const QString& taskId, QObject* parent)
    : ApiListModel(client, parent), m_taskId(taskId)
{}

int BidListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant BidListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Task:
        return tr("Task");
    case Bidder:
        return tr("Bidder");
    case Price:
        return tr("Price");
    case Eta:
        return tr("ETA");
    case Status:
        return tr("Status");
    case Created:
        return tr("Placed");
    default:
        return {};
    }
}

PagedListJob* BidListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_taskId.isEmpty())
        return client()->bids().listMine(m_status, cursor, limit);
    return client()->bids().listForTask(m_taskId, m_status, cursor, limit);
}

QVariant BidListModel::cellData(const QJsonObject& b, int column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return column == Price || column == Eta ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Task: {
        const QJsonObject task = b.value(QLatin1String("task")).toObject();
        const QString title = task.value(QLatin1String("title")).toString();
        return title.isEmpty() || tip ? str(b, "taskId") : title;
    }
    case Bidder:
        return handleOf(b, "bidder");
    case Price: {
        const QJsonValue amount = b.value(QLatin1String("proposedAmount"));
        if (edit)
            return amount.isDouble() ? QVariant(amount.toDouble()) : QVariant();
        if (tip)
            return str(b, "approach").left(500);
        // Only CREDITS bids carry a number; other currencies keep the bidder's text.
        return amount.isDouble() ? Formatting::amount(amount, QStringLiteral("CREDITS"))
                                 : str(b, "priceText");
    }
    case Eta: {
        const QJsonValue eta = b.value(QLatin1String("etaDays"));
        if (edit)
            return eta.isDouble() ? QVariant(eta.toInt()) : QVariant();
        return eta.isDouble() ? tr("%n day(s)", nullptr, eta.toInt()) : QString();
    }
    case Status:
        if (tip)
            return str(b, "reason");
        return str(b, "status");
    case Created: {
        const QString iso = str(b, "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
