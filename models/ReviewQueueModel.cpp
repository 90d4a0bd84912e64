#include "ReviewQueueModel.h"

#include "ApiClient.h"
#include "Formatting.h"
#include "ReviewJobs.h"

namespace taskdesk::models {

namespace {
QJsonObject obj(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject();
}
} // namespace

ReviewQueueModel::ReviewQueueModel(ApiClient* client, QObject* parent) : ApiListModel(client, parent)
{
    // The whole queue usually fits one page; bulk accept wants every row.
    setPageSize(100);
}

int ReviewQueueModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReviewQueueModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return ApiListModel::headerData(section, orientation, role);
    switch (section) {
    case Task:
        return tr("Task");
    case Submitter:
        return tr("Submitter");
    case Age:
        return tr("Age");
    case Verification:
        return tr("Verification");
    case AutoAccept:
        return tr("Auto-accepts in");
    default:
        return {};
    }
}

QHash<int, QByteArray> ReviewQueueModel::roleNames() const
{
    auto names = ApiListModel::roleNames();
    names.insert(VerificationRole, QByteArrayLiteral("verification"));
    names.insert(ReviewDueRole, QByteArrayLiteral("reviewDue"));
    names.insert(SecondsLeftRole, QByteArrayLiteral("secondsLeft"));
    names.insert(TaskIdRole, QByteArrayLiteral("taskId"));
    names.insert(ContractIdRole, QByteArrayLiteral("contractId"));
    names.insert(SourceRole, QByteArrayLiteral("source"));
    return names;
}

void ReviewQueueModel::refreshTimes()
{
    if (rowCount() > 0)
        emit dataChanged(index(0, Age), index(rowCount() - 1, AutoAccept),
                         {Qt::DisplayRole, SecondsLeftRole});
}

QString ReviewQueueModel::durationText(qint64 seconds)
{
    const qint64 minutes = seconds / 60;
    const qint64 hours = minutes / 60;
    const qint64 days = hours / 24;
    if (days > 0)
        return tr("%1 d %2 h").arg(days).arg(hours % 24);
    if (hours > 0)
        return tr("%1 h %2 min").arg(hours).arg(minutes % 60);
    if (minutes > 0)
        return tr("%1 min").arg(minutes);
    return tr("< 1 min");
}

qint64 ReviewQueueModel::secondsLeft(const QJsonObject& item, const QDateTime& now)
{
    const QDateTime due = Formatting::parseTime(str(item, "reviewDueAt"));
    return due.isValid() ? now.secsTo(due) : 0;
}

bool ReviewQueueModel::verificationPassed(const QJsonObject& item)
{
    return obj(item, "verification").value(QLatin1String("passed")).toBool();
}

PagedListJob* ReviewQueueModel::createPageJob(const QString& cursor, int limit)
{
    return client()->review().queue(cursor, limit);
}

QString ReviewQueueModel::extraSearchText(const QJsonObject& item) const
{
    return str(item, "summaryText") + QLatin1Char(' ') + str(item, "notes");
}

QVariant ReviewQueueModel::cellData(const QJsonObject& s, int column, int role) const
{
    const QJsonValue verification = s.value(QLatin1String("verification"));
    switch (role) {
    case VerificationRole:
        return verification.isObject() ? QVariant(verificationPassed(s)) : QVariant();
    case ReviewDueRole:
        return Formatting::parseTime(str(s, "reviewDueAt"));
    case SecondsLeftRole:
        return secondsLeft(s);
    case TaskIdRole:
        return str(s, "taskId");
    case ContractIdRole:
        return str(s, "contractId");
    case SourceRole:
        return str(s, "source");
    case Qt::DisplayRole:
    case Qt::EditRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const bool edit = role == Qt::EditRole;
    const bool tip = role == Qt::ToolTipRole;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (column) {
    case Task: {
        const QString title = str(obj(s, "task"), "title");
        if (!tip)
            return title;
        const QString summary = str(s, "summaryText");
        return summary.isEmpty() ? title : title + QLatin1Char('\n') + summary.left(300);
    }
    case Submitter: {
        const QJsonObject who = obj(s, "submitter");
        const QString handle = str(who, "handle");
        if (tip)
            return str(who, "displayName");
        return handle.isEmpty() ? str(s, "submitterId") : QLatin1Char('@') + handle;
    }
    case Age: {
        const QString iso = str(s, "createdAt");
        const QDateTime created = Formatting::parseTime(iso);
        if (edit)
            return created;
        if (tip)
            return Formatting::timeToolTip(iso);
        return created.isValid() ? durationText(qMax<qint64>(0, created.secsTo(now))) : QString();
    }
    case Verification: {
        if (!verification.isObject())
            return tip ? tr("The task has no machine check") : QString();
        const QJsonObject v = verification.toObject();
        if (tip)
            return str(v, "detail");
        if (edit)
            return verificationPassed(s) ? 1 : 0;
        return verificationPassed(s) ? tr("\u2714 passed") : tr("\u2718 failed");
    }
    case AutoAccept: {
        const QString iso = str(s, "reviewDueAt");
        const QDateTime due = Formatting::parseTime(iso);
        if (edit)
            return due;
        if (tip)
            return Formatting::timeToolTip(iso);
        if (!due.isValid())
            return QString();
        const qint64 left = now.secsTo(due);
        return left > 0 ? durationText(left) : tr("due now");
    }
    default:
        return {};
    }
}

} // namespace taskdesk::models
