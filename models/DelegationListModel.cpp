#include "DelegationListModel.h"

#include "CredentialScopes.h"
#include "DelegationJobs.h"
#include "Formatting.h"

#include <QJsonArray>

namespace taskdesk::models {

namespace {
const QString kCredits = QStringLiteral("CREDITS");
}

DelegationListModel::DelegationListModel(ApiRequests api, QObject* parent)
    : ApiListModel(api.client(), parent), m_api(std::move(api))
{}

int DelegationListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DelegationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Agent:
        return tr("Agent");
    case Label:
        return tr("Label");
    case Scopes:
        return tr("Can do");
    case Spend:
        return tr("Spent");
    case LastUsed:
        return tr("Last use");
    case Expires:
        return tr("Expires");
    case Status:
        return tr("Status");
    default:
        return {};
    }
}

QHash<int, QByteArray> DelegationListModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(SpentCentsRole, QByteArrayLiteral("spentCents"));
    names.insert(LimitCentsRole, QByteArrayLiteral("limitCents"));
    return names;
}

PagedListJob* DelegationListModel::createPageJob(const QString& cursor, int limit)
{
    return DelegationJobs(m_api).list(QStringLiteral("operator"), cursor, limit);
}

qint64 DelegationListModel::spentCents(const QJsonObject& d)
{
    return Formatting::toCents(d.value(QLatin1String("usage")).toObject().value(QLatin1String("spent")));
}

qint64 DelegationListModel::limitCents(const QJsonObject& d)
{
    const QJsonValue limit = d.value(QLatin1String("spendLimit"));
    if (limit.isObject())
        return Formatting::toCents(limit.toObject().value(QLatin1String("amount")));
    if (limit.isDouble())
        return Formatting::toCents(limit);
    return -1;
}

QString DelegationListModel::spendText(const QJsonObject& d)
{
    const qint64 spent = spentCents(d);
    const qint64 limit = limitCents(d);
    if (limit < 0)
        return tr("%1 (no limit)").arg(Formatting::cents(spent, kCredits));
    // "12.00 of 50.00 CREDITS": the currency once, at the end.
    QString spentText = Formatting::cents(spent, kCredits);
    spentText.chop(kCredits.size() + 1);
    return tr("%1 of %2").arg(spentText, Formatting::cents(limit, kCredits));
}

QString DelegationListModel::agentText(const QJsonObject& d)
{
    const QJsonObject agent = d.value(QLatin1String("agent")).toObject();
    const QString handle = agent.value(QLatin1String("handle")).toString();
    return handle.isEmpty() ? agent.value(QLatin1String("id")).toString() : QLatin1Char('@') + handle;
}

QVariant DelegationListModel::cellData(const QJsonObject& d, int column, int role) const
{
    if (role == SpentCentsRole)
        return spentCents(d);
    if (role == LimitCentsRole)
        return limitCents(d);
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Agent:
        if (tip)
            return d.value(QLatin1String("agent")).toObject().value(QLatin1String("displayName")).toString();
        return agentText(d);
    case Label:
        return str(d, "label");
    case Scopes: {
        QStringList scopes;
        for (const QJsonValue& s : d.value(QLatin1String("scopes")).toArray())
            scopes << s.toString();
        return tip ? scopes.join(QStringLiteral(", ")) : CredentialScopes::summary(scopes);
    }
    case Spend:
        if (edit)
            return spentCents(d);
        return spendText(d);
    case LastUsed: {
        const QString iso =
            d.value(QLatin1String("usage")).toObject().value(QLatin1String("lastUsedAt")).toString();
        if (edit)
            return Formatting::parseTime(iso);
        if (iso.isEmpty())
            return tip ? QString() : tr("Never");
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    case Expires: {
        const QString iso = str(d, "expiresAt");
        if (edit)
            return Formatting::parseTime(iso);
        if (iso.isEmpty())
            return tip ? QString() : tr("Never");
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    case Status: {
        const QString s = str(d, "status");
        if (edit || tip)
            return s;
        if (s == QLatin1String("active"))
            return tr("Active");
        if (s == QLatin1String("revoked"))
            return tr("Revoked");
        if (s == QLatin1String("expired"))
            return tr("Expired");
        return s;
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
