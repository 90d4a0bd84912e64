#include "ApiListModel.h"

#include "ApiClient.h"
#include "ModelsLogging.h"
#include "PagedListJob.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace taskdesk::models {

ApiListModel::ApiListModel(ApiClient* client, QObject* parent) : QAbstractTableModel(parent), m_client(client)
{}

ApiListModel::~ApiListModel()
{
    cancelLoad();
}

int ApiListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ApiListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return row.id;
    case StatusRole:
        return row.status;
    case Qt::EditRole:
        return row.sortKeys.value(index.column());
    case RawJsonRole:
        return parsed(index.row());
    default:
        for (const auto& [r, value] : row.roles)
            if (r == role)
                return value;
        return cellData(parsed(index.row()), index.column(), role);
    }
}

Qt::ItemFlags ApiListModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> ApiListModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(IdRole, QByteArrayLiteral("id"));
    names.insert(RawJsonRole, QByteArrayLiteral("rawJson"));
    names.insert(StatusRole, QByteArrayLiteral("status"));
    return names;
}

bool ApiListModel::canFetchMore(const QModelIndex& parent) const
{
    // Nothing while a page is on its way or after a failure: a view would
    // otherwise ask again at once, forever. retryFetch() or refresh() resumes.
    return !parent.isValid() && m_client && m_job.isNull() && !m_failed && hasMore();
}

void ApiListModel::fetchMore(const QModelIndex& parent)
{
    if (canFetchMore(parent))
        startLoad(!m_loaded);
}

QJsonObject ApiListModel::itemAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? parsed(row) : QJsonObject();
}

QString ApiListModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).id : QString();
}

const QJsonObject& ApiListModel::parsed(int row) const
{
    if (const auto it = m_parsed.constFind(row); it != m_parsed.constEnd())
        return *it;
    if (m_parsedOrder.size() >= kParsedCacheSize)
        m_parsed.remove(m_parsedOrder.takeFirst());
    m_parsedOrder.append(row);
    return *m_parsed.insert(row, QJsonDocument::fromJson(m_rows.at(row).json).object());
}

ApiListModel::Row ApiListModel::makeRow(const QJsonObject& item) const
{
    Row row;
    row.json = QJsonDocument(item).toJson(QJsonDocument::Compact);
    row.json.squeeze();
    row.id = item.value(QLatin1String("id")).toString();
    row.status = statusOf(item);
    row.search = computeSearchText(item);
    row.search.squeeze();
    const int columns = columnCount();
    row.sortKeys.reserve(columns);
    for (int column = 0; column < columns; ++column)
        row.sortKeys.append(cellData(item, column, Qt::EditRole));
    for (int role : filterRoles())
        row.roles.append({role, cellData(item, 0, role)});
    return row;
}

int ApiListModel::rowOfId(const QString& id) const
{
    return m_rowOfId.value(id, -1);
}

QModelIndex ApiListModel::indexOfId(const QString& id, int column) const
{
    const int row = rowOfId(id);
    return row < 0 ? QModelIndex() : index(row, column);
}

void ApiListModel::refresh()
{
    m_failed = false;
    startLoad(true);
}

void ApiListModel::retryFetch()
{
    if (!m_failed)
        return;
    m_failed = false;
    startLoad(!m_loaded);
}

void ApiListModel::clear()
{
    const bool wasLoading = isLoading();
    cancelLoad();
    beginResetModel();
    m_rows.clear();
    m_parsed.clear();
    m_parsedOrder.clear();
    m_rowOfId.clear();
    m_nextCursor.clear();
    m_loaded = false;
    m_failed = false;
    m_lastError = {};
    endResetModel();
    if (wasLoading)
        emit loadingChanged(false);
}

QString ApiListModel::statusOf(const QJsonObject& item) const
{
    return item.value(QLatin1String("status")).toString();
}

QString ApiListModel::str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QString ApiListModel::handleOf(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject().value(QLatin1String("handle")).toString();
}

void ApiListModel::cancelLoad()
{
    if (m_job) {
        disconnect(m_job, nullptr, this, nullptr);
        m_job->abort();
        m_job = nullptr;
    }
}

void ApiListModel::startLoad(bool reset)
{
    const bool wasLoading = isLoading();
    cancelLoad();
    PagedListJob* job = createPageJob(reset ? QString() : m_nextCursor, m_pageSize);
    if (!job) {
        if (wasLoading)
            emit loadingChanged(false);
        return;
    }
    m_job = job;
    connect(job, &PagedListJob::pageReceived, this,
            [this, reset](const QJsonArray& items, const QString& next) { onPage(items, next, reset); });
    connect(job, &ApiJob::failed, this, &ApiListModel::onFailed);
    if (!wasLoading)
        emit loadingChanged(true);
    job->start();
}

void ApiListModel::onPage(const QJsonArray& items, const QString& nextCursor, bool reset)
{
    m_job = nullptr;
    // The paging state is current before any signal goes out: views and
    // testers call canFetchMore()/fetchMore() from rowsInserted/modelReset.
    m_nextCursor = nextCursor;
    m_loaded = true;
    m_failed = false;
    m_lastError = {};
    int added = 0;
    if (reset) {
        beginResetModel();
        m_rows.clear();
        m_parsed.clear();
        m_parsedOrder.clear();
        m_rows.reserve(items.size());
        for (const QJsonValue& v : items)
            m_rows.append(makeRow(v.toObject()));
        rebuildIndex();
        endResetModel();
        added = static_cast<int>(m_rows.size());
    } else {
        // Keyset paging cannot repeat an item, but a refresh racing a post can:
        // an id already shown is not shown twice.
        QList<Row> fresh;
        for (const QJsonValue& v : items) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(QLatin1String("id")).toString();
            if (!m_rowOfId.contains(id)) {
                fresh.append(makeRow(o));
                m_rowOfId.insert(id, -1); // placeholder; also dedups within the page
            }
        }
        if (!fresh.isEmpty()) {
            const int first = static_cast<int>(m_rows.size());
            beginInsertRows(QModelIndex(), first, first + static_cast<int>(fresh.size()) - 1);
            m_rows.append(std::move(fresh));
            for (int row = first; row < m_rows.size(); ++row)
                m_rowOfId.insert(m_rows.at(row).id, row);
            endInsertRows();
        }
        added = static_cast<int>(fresh.size());
    }
    qCDebug(lcModelsLists) << metaObject()->className() << "page of" << added << "rows; more:" << hasMore();
    emit loadingChanged(false);
    emit pageLoaded(added, hasMore());
    if (reset)
        emit refreshed();
}

void ApiListModel::onFailed(const ApiError& error)
{
    m_job = nullptr;
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    m_failed = true;
    m_lastError = error;
    qCInfo(lcModelsLists) << metaObject()->className() << "could not load a page:" << error.code()
                          << error.httpStatus();
    emit loadingChanged(false);
    emit loadFailed(error);
}

const QString& ApiListModel::searchTextAt(int row) const
{
    static const QString none;
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).search : none;
}

QString ApiListModel::extraSearchText(const QJsonObject&) const
{
    return {};
}

QString ApiListModel::computeSearchText(const QJsonObject& item) const
{
    QString text;
    const int columns = columnCount();
    for (int column = 0; column < columns; ++column) {
        text += cellData(item, column, Qt::DisplayRole).toString();
        text += QChar(0x1f); // a separator no filter text contains
    }
    text += extraSearchText(item);
    return text.toCaseFolded();
}

void ApiListModel::rebuildIndex()
{
    m_rowOfId.clear();
    for (int row = 0; row < m_rows.size(); ++row)
        m_rowOfId.insert(m_rows.at(row).id, row);
}

} // namespace taskdesk::models
