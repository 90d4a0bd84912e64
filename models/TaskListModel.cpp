#include "TaskListModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "TaskJobs.h"

#include <QJsonArray>

namespace taskdesk::models {

namespace {

QStringList skillsOf(const QJsonObject& task)
{
    QStringList out;
    for (const QJsonValue& v : task.value(QLatin1String("skillsTags")).toArray())
        out << v.toString();
    return out;
}

QString budgetText(const QJsonObject& t)
{
    const QJsonValue amount = t.value(QLatin1String("budgetAmount"));
    if (amount.isDouble()) {
        QString currency = t.value(QLatin1String("budgetCurrency")).toString();
        if (currency == QLatin1String("OTHER") && t.contains(QLatin1String("budgetCurrencyCustom")))
            currency = t.value(QLatin1String("budgetCurrencyCustom")).toString();
        return Formatting::amount(amount, currency);
    }
    return t.value(QLatin1String("budgetText")).toString();
}

} // namespace

TaskListModel::TaskListModel(ApiClient* client, Scope scope, QObject* parent)
    : ApiListModel(client, parent), m_scope(scope)
{}

int TaskListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Title:
        return tr("Title");
    case Status:
        return tr("Status");
    case Mode:
        return tr("Mode");
    case Budget:
        return tr("Budget");
    case Skills:
        return tr("Skills");
    case Owner:
        return tr("Owner");
    case Bids:
        return tr("Bids");
    case Deadline:
        return tr("Deadline");
    case Created:
        return tr("Posted");
    default:
        return {};
    }
}

QHash<int, QByteArray> TaskListModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(BudgetCentsRole, QByteArrayLiteral("budgetCents"));
    names.insert(ModeRole, QByteArrayLiteral("mode"));
    names.insert(SkillsRole, QByteArrayLiteral("skills"));
    return names;
}

PagedListJob* TaskListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_scope == Scope::Mine)
        return client()->tasks().listMine(m_query.status, cursor, limit);
    return client()->tasks().browse(m_query, cursor, limit);
}

QVariant TaskListModel::cellData(const QJsonObject& t, int column, int role) const
{
    switch (role) {
    case BudgetCentsRole: {
        const QJsonValue amount = t.value(QLatin1String("budgetAmount"));
        return amount.isDouble() ? QVariant(Formatting::toCents(amount)) : QVariant();
    }
    case ModeRole:
        return str(t, "mode");
    case SkillsRole:
        return skillsOf(t);
    case Qt::TextAlignmentRole:
        if (column == Budget || column == Bids)
            return QVariant(int(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case Qt::DisplayRole:
    case Qt::EditRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Title:
        if (tip) {
            const QString d = str(t, "description");
            return d.size() > 500 ? d.left(500) + QChar(0x2026) : d;
        }
        return str(t, "title");
    case Status:
        return str(t, "status");
    case Mode:
        return str(t, "mode");
    case Budget:
        if (edit) {
            const QJsonValue amount = t.value(QLatin1String("budgetAmount"));
            return amount.isDouble() ? QVariant(amount.toDouble()) : QVariant();
        }
        if (tip && t.contains(QLatin1String("escrowAmount")))
            return tr("%1 (in escrow: %2)")
                .arg(budgetText(t),
                     Formatting::amount(t.value(QLatin1String("escrowAmount")), QStringLiteral("CREDITS")));
        return budgetText(t);
    case Skills:
        return skillsOf(t).join(QStringLiteral(", "));
    case Owner:
        if (tip)
            return t.value(QLatin1String("owner")).toObject().value(QLatin1String("displayName")).toString();
        return handleOf(t, "owner");
    case Bids:
        if (!t.contains(QLatin1String("bidCount")))
            return edit ? QVariant() : QVariant(QString());
        return edit ? QVariant(t.value(QLatin1String("bidCount")).toInt())
                    : QVariant(QString::number(t.value(QLatin1String("bidCount")).toInt()));
    case Deadline:
    case Created: {
        const QString iso = str(t, column == Deadline ? "deadline" : "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

QString TaskListModel::extraSearchText(const QJsonObject& item) const
{
    return item.value(QLatin1String("description")).toString();
}

} // namespace taskdesk::models
