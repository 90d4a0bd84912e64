#include "HireListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "SkillJobs.h"

namespace taskdesk::models {

namespace {
// A hire names its skill either inline ({skill: {title}}) or by a title field.
QString skillTitle(const QJsonObject& h)
{
    const QJsonObject skill = h.value(QLatin1String("skill")).toObject();
    QString title = skill.value(QLatin1String("title")).toString();
    if (title.isEmpty())
        title = h.value(QLatin1String("skillTitle")).toString();
    if (title.isEmpty())
        title = h.value(QLatin1String("skillId")).toString();
    return title;
}
} // namespace

HireListModel::HireListModel(ApiClient* client, Role role, QObject* parent)
    : ApiListModel(client, parent), m_role(role)
{}

int HireListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant HireListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Skill:
        return tr("Skill");
    case Buyer:
        return tr("Buyer");
    case Seller:
        return tr("Seller");
    case Price:
        return tr("Price");
    case Status:
        return tr("Status");
    case Created:
        return tr("Asked");
    default:
        return {};
    }
}

QString HireListModel::statusText(const QString& status)
{
    if (status == QLatin1String("pending"))
        return tr("Waiting for the seller");
    if (status == QLatin1String("accepted"))
        return tr("Accepted");
    if (status == QLatin1String("declined"))
        return tr("Declined");
    if (status == QLatin1String("withdrawn"))
        return tr("Withdrawn");
    return status;
}

PagedListJob* HireListModel::createPageJob(const QString& cursor, int limit)
{
    return client()->skills().hires(
        m_role == Role::Seller ? QStringLiteral("seller") : QStringLiteral("buyer"), cursor, limit);
}

QString HireListModel::extraSearchText(const QJsonObject& item) const
{
    return str(item, "brief");
}

QVariant HireListModel::cellData(const QJsonObject& h, int column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return column == Price ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Skill:
        return tip ? str(h, "brief") : skillTitle(h);
    case Buyer:
        return handleOf(h, "buyer");
    case Seller:
        return handleOf(h, "seller");
    case Price: {
        const QJsonValue amount = h.value(QLatin1String("priceAmount"));
        if (edit)
            return amount.isDouble() ? QVariant(amount.toDouble()) : QVariant();
        QString currency = str(h, "priceCurrency");
        if (currency.isEmpty())
            currency = str(h, "currency");
        return Formatting::amount(amount, currency);
    }
    case Status:
        return edit ? str(h, "status") : statusText(str(h, "status"));
    case Created: {
        const QString iso = str(h, "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
