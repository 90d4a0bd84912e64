#include "AccessRequestListModel.h"

#include "Formatting.h"
#include "KeyVault.h"
#include "PagedListJob.h"
#include "ProtectedAccessJobs.h"

namespace taskdesk::models {

namespace {
QString text(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

int statusRank(const QString& status)
{
    return status == QLatin1String("pending") ? 0 : 1;
}
} // namespace

AccessRequestListModel::AccessRequestListModel(ApiRequests api, KeyVault* vault, QObject* parent)
    : QAbstractTableModel(parent), m_api(std::move(api)), m_vault(vault)
{}

AccessRequestListModel::~AccessRequestListModel()
{
    for (const auto& job : std::as_const(m_jobs))
        if (job)
            job->abort();
}

int AccessRequestListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AccessRequestListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AccessRequestListModel::agentLabel(const QJsonObject& r)
{
    QString handle = text(r, "agentHandle");
    if (handle.isEmpty())
        handle = r.value(QLatin1String("agent")).toObject().value(QLatin1String("handle")).toString();
    return handle.isEmpty() ? text(r, "agentId") : QLatin1Char('@') + handle;
}

QVariant AccessRequestListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    const QJsonObject& r = row.request;
    switch (role) {
    case IdRole:
        return text(r, "id");
    case RawJsonRole:
        return r;
    case StatusRole:
        return text(r, "status");
    case TaskIdRole:
        return row.taskId;
    case TaskTitleRole:
        return row.taskTitle;
    case Qt::DisplayRole:
    case Qt::EditRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Task:
        if (role == Qt::ToolTipRole)
            return row.taskId;
        return row.taskTitle.isEmpty() ? row.taskId : row.taskTitle;
    case Agent:
        if (role == Qt::ToolTipRole)
            return tr("Key %1").arg(text(r, "keyId"));
        return agentLabel(r);
    case Status: {
        const QString s = text(r, "status");
        if (role == Qt::EditRole)
            return s;
        if (s == QLatin1String("pending"))
            return tr("Waiting for you");
        if (s == QLatin1String("granted"))
            return tr("Granted");
        if (s == QLatin1String("denied"))
            return role == Qt::ToolTipRole ? tr("Denied: %1").arg(text(r, "reason")) : tr("Denied");
        return s;
    }
    case Requested: {
        const QString iso = text(r, "createdAt");
        if (role == Qt::EditRole)
            return Formatting::parseTime(iso);
        return role == Qt::ToolTipRole ? Formatting::timeToolTip(iso) : Formatting::localTime(iso);
    }
    default:
        return {};
    }
}

QVariant AccessRequestListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Task:
        return tr("Task");
    case Agent:
        return tr("Agent");
    case Status:
        return tr("Status");
    case Requested:
        return tr("Requested");
    default:
        return {};
    }
}

QHash<int, QByteArray> AccessRequestListModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(IdRole, QByteArrayLiteral("id"));
    names.insert(RawJsonRole, QByteArrayLiteral("rawJson"));
    names.insert(StatusRole, QByteArrayLiteral("status"));
    names.insert(TaskIdRole, QByteArrayLiteral("taskId"));
    names.insert(TaskTitleRole, QByteArrayLiteral("taskTitle"));
    return names;
}

int AccessRequestListModel::pendingCount() const
{
    int n = 0;
    for (const Row& r : m_rows)
        n += text(r.request, "status") == QLatin1String("pending");
    return n;
}

QJsonObject AccessRequestListModel::requestAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).request : QJsonObject();
}

QString AccessRequestListModel::taskIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).taskId : QString();
}

int AccessRequestListModel::rowOfId(const QString& requestId) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (text(m_rows.at(i).request, "id") == requestId)
            return i;
    return -1;
}

void AccessRequestListModel::clear()
{
    ++m_generation;
    for (const auto& job : std::as_const(m_jobs))
        if (job)
            job->abort();
    m_jobs.clear();
    m_outstanding = 0;
    m_incoming.clear();
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void AccessRequestListModel::refresh()
{
    const int generation = ++m_generation;
    for (const auto& job : std::as_const(m_jobs))
        if (job) {
            disconnect(job, nullptr, this, nullptr);
            job->abort();
        }
    m_jobs.clear();
    m_incoming.clear();
    m_firstError = {};
    const QList<KeyVault::PayloadKeyInfo> tasks =
        m_vault ? m_vault->payloadKeys(m_profileId) : QList<KeyVault::PayloadKeyInfo>();
    m_outstanding = int(tasks.size());
    if (tasks.isEmpty()) {
        finishLoad();
        return;
    }
    for (const KeyVault::PayloadKeyInfo& t : tasks) {
        PagedListJob* job = ProtectedAccessJobs(m_api).requests(t.taskId);
        m_jobs << job;
        connect(
            job, &PagedListJob::pageReceived, this,
            [this, generation, taskId = t.taskId, title = t.title](const QJsonArray& items, const QString&) {
                if (generation != m_generation)
                    return;
                for (const QJsonValue& v : items)
                    m_incoming << Row{v.toObject(), taskId, title};
                if (--m_outstanding == 0)
                    finishLoad();
            });
        connect(job, &ApiJob::failed, this, [this, generation](const ApiError& e) {
            if (generation != m_generation || e.kind() == ApiError::Kind::Aborted)
                return;
            if (!m_firstError.isError())
                m_firstError = e;
            if (--m_outstanding == 0)
                finishLoad();
        });
        job->start();
    }
}

void AccessRequestListModel::finishLoad()
{
    std::stable_sort(m_incoming.begin(), m_incoming.end(), [](const Row& a, const Row& b) {
        const int ra = statusRank(text(a.request, "status"));
        const int rb = statusRank(text(b.request, "status"));
        if (ra != rb)
            return ra < rb;
        return text(a.request, "createdAt") > text(b.request, "createdAt");
    });
    beginResetModel();
    m_rows = std::exchange(m_incoming, {});
    endResetModel();
    m_jobs.clear();
    emit refreshed();
    if (m_firstError.isError())
        emit loadFailed(m_firstError);
}

} // namespace taskdesk::models
