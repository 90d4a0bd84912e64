#include "ApiListModel.h"

#include "ApiClient.h"
#include "ModelsLogging.h"
#include "PagedListJob.h"

#include <QJsonArray>

namespace taskdesk::models {

ApiListModel::ApiListModel(ApiClient* client, QObject* parent) : QAbstractTableModel(parent), m_client(client)
{}

ApiListModel::~ApiListModel()
{
    cancelLoad();
}

int ApiListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant ApiListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject& item = m_items.at(index.row());
    switch (role) {
    case IdRole:
        return item.value(QLatin1String("id")).toString();
    case RawJsonRole:
        return item;
    case StatusRole:
        return statusOf(item);
    default:
        return cellData(item, index.column(), role);
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
    return row >= 0 && row < m_items.size() ? m_items.at(row) : QJsonObject();
}

QString ApiListModel::idAt(int row) const
{
    return itemAt(row).value(QLatin1String("id")).toString();
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
    m_items.clear();
    m_search.clear();
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
        m_items.clear();
        m_search.clear();
        for (const QJsonValue& v : items) {
            m_items.append(v.toObject());
            m_search.append(computeSearchText(m_items.constLast()));
        }
        rebuildIndex();
        endResetModel();
        added = static_cast<int>(m_items.size());
    } else {
        // Keyset paging cannot repeat an item, but a refresh racing a post can:
        // an id already shown is not shown twice.
        QList<QJsonObject> fresh;
        for (const QJsonValue& v : items) {
            const QJsonObject o = v.toObject();
            const QString id = o.value(QLatin1String("id")).toString();
            if (!m_rowOfId.contains(id)) {
                fresh.append(o);
                m_rowOfId.insert(id, -1); // placeholder; also dedups within the page
            }
        }
        if (!fresh.isEmpty()) {
            const int first = static_cast<int>(m_items.size());
            beginInsertRows(QModelIndex(), first, first + static_cast<int>(fresh.size()) - 1);
            m_items.append(fresh);
            for (int row = first; row < m_items.size(); ++row) {
                m_rowOfId.insert(idAt(row), row);
                m_search.append(computeSearchText(m_items.at(row)));
            }
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
    return row >= 0 && row < m_search.size() ? m_search.at(row) : none;
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
    for (int row = 0; row < m_items.size(); ++row)
        m_rowOfId.insert(idAt(row), row);
}

} // namespace taskdesk::models
