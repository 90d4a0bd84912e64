#include "SkillListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "SkillJobs.h"

#include <QJsonArray>

namespace taskdesk::models {

namespace {
QString tagsOf(const QJsonObject& skill)
{
    QStringList tags;
    for (const QJsonValue& t : skill.value(QLatin1String("tags")).toArray())
        tags << t.toString();
    return tags.join(QStringLiteral(", "));
}
} // namespace

SkillListModel::SkillListModel(ApiClient* client, Source source, QObject* parent)
    : ApiListModel(client, parent), m_source(source)
{}

int SkillListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SkillListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Title:
        return tr("Skill");
    case Seller:
        return tr("Seller");
    case Price:
        return tr("Price");
    case Delivery:
        return tr("Delivery");
    case Tags:
        return tr("Tags");
    case Active:
        return tr("State");
    default:
        return {};
    }
}

PagedListJob* SkillListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_source == Source::Mine)
        return client()->skills().mine(cursor, limit);
    return client()->skills().browse(m_query, m_tag, cursor, limit);
}

QString SkillListModel::statusOf(const QJsonObject& item) const
{
    return item.value(QLatin1String("active")).toBool(true) ? QStringLiteral("active")
                                                            : QStringLiteral("retired");
}

QString SkillListModel::extraSearchText(const QJsonObject& item) const
{
    return str(item, "description");
}

QVariant SkillListModel::cellData(const QJsonObject& s, int column, int role) const
{
    if (role == Qt::TextAlignmentRole)
        return column == Price || column == Delivery ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                     : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Title:
        return tip ? str(s, "description") : str(s, "title");
    case Seller:
        return handleOf(s, "seller");
    case Price: {
        const QJsonValue amount = s.value(QLatin1String("priceAmount"));
        if (edit)
            return amount.isDouble() ? QVariant(amount.toDouble()) : QVariant();
        QString currency = str(s, "priceCurrency");
        if (currency.isEmpty())
            currency = str(s, "currency");
        return Formatting::amount(amount, currency);
    }
    case Delivery: {
        const int days = s.value(QLatin1String("deliveryDays")).toInt();
        if (edit)
            return days;
        return days > 0 ? tr("%n day(s)", nullptr, days) : QString();
    }
    case Tags:
        return tagsOf(s);
    case Active:
        return statusOf(s) == QLatin1String("active") ? tr("Active") : tr("Retired");
    default:
        return {};
    }
}

} // namespace taskdesk::models
