#include "SubmissionListModel.h"

#include "ApiClient.h"
#include "ContractJobs.h"
#include "Formatting.h"
#include "TaskJobs.h"

namespace taskdesk::models {

SubmissionListModel::SubmissionListModel(ApiClient* client, Source source, const QString& id, QObject* parent)
    : ApiListModel(client, parent), m_source(source), m_id(id)
{}

int SubmissionListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SubmissionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Summary:
        return tr("Deliverable");
    case Submitter:
        return tr("Submitter");
    case Status:
        return tr("Status");
    case Verification:
        return tr("Verification");
    case Rating:
        return tr("Rating");
    case ReviewDue:
        return tr("Review due");
    case Created:
        return tr("Submitted");
    default:
        return {};
    }
}

QHash<int, QByteArray> SubmissionListModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(VerificationRole, QByteArrayLiteral("verification"));
    return names;
}

PagedListJob* SubmissionListModel::createPageJob(const QString& cursor, int limit)
{
    if (m_source == Source::Contract)
        return client()->contracts().submissions(m_id, cursor, limit);
    return client()->tasks().submissions(m_id, cursor, limit);
}

QVariant SubmissionListModel::cellData(const QJsonObject& s, int column, int role) const
{
    const QJsonValue verification = s.value(QLatin1String("verification"));
    if (role == VerificationRole)
        return verification.isObject()
                   ? QVariant(verification.toObject().value(QLatin1String("passed")).toBool())
                   : QVariant();
    if (role == Qt::TextAlignmentRole)
        return column == Rating ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    switch (column) {
    case Summary: {
        if (tip)
            return str(s, "notes").left(500);
        QString text = str(s, "summaryText");
        if (text.isEmpty())
            text = str(s, "deliverableUrl");
        if (text.isEmpty() && !s.value(QLatin1String("output")).isNull())
            text = tr("(machine output)");
        return text.section(QLatin1Char('\n'), 0, 0);
    }
    case Submitter:
        return str(s, "submitterId");
    case Status:
        return tip ? str(s, "reason") : str(s, "status");
    case Verification: {
        if (!verification.isObject())
            return QString();
        const QJsonObject v = verification.toObject();
        if (tip)
            return str(v, "detail");
        const bool passed = v.value(QLatin1String("passed")).toBool();
        return passed ? tr("passed") : tr("failed");
    }
    case Rating: {
        const QJsonValue r = s.value(QLatin1String("rating"));
        if (edit)
            return r.isDouble() ? QVariant(r.toInt()) : QVariant();
        return r.isDouble() ? QString::number(r.toInt()) : QString();
    }
    case ReviewDue:
    case Created: {
        const QString iso = str(s, column == ReviewDue ? "reviewDueAt" : "createdAt");
        if (edit)
            return Formatting::parseTime(iso);
        return tip ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
