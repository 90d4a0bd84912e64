#pragma once

#include "ApiError.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace taskdesk::models {

class ApiClient;
class PagedListJob;

// A table over one paged API list. Rows arrive page by page through
// canFetchMore()/fetchMore() following nextCursor (views ask as they scroll);
// refresh() reloads from the first page and swaps the rows in one reset when
// the answer is there, so the old rows stay visible meanwhile and a view can
// restore its selection by IdRole (indexOfId()).
//
// Subclasses name their columns (a Column enum), make the page job and turn an
// item into cell data. Qt::DisplayRole is text for people (amounts with two
// decimals, times in local time), Qt::EditRole the sortable value (a double,
// a QDateTime, an int or the text), Qt::ToolTipRole the long form.
class ApiListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        IdRole = Qt::UserRole + 1, // the item's id (QString)
        RawJsonRole,               // the item as the API sent it (QJsonObject)
        StatusRole,                // the item's state, for filtering (QString)
        FirstCustomRole = Qt::UserRole + 16,
    };
    Q_ENUM(Role)

    explicit ApiListModel(ApiClient* client, QObject* parent = nullptr);
    ~ApiListModel() override;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    void setPageSize(int pageSize) { m_pageSize = pageSize; }
    int pageSize() const { return m_pageSize; }
    bool isLoading() const { return !m_job.isNull(); }
    // False once the last page is in (or nothing was loaded yet and loading failed).
    bool hasMore() const { return !m_loaded || !m_nextCursor.isEmpty(); }
    // The error of the last failed load; none after a successful one.
    const ApiError& lastError() const { return m_lastError; }

    QJsonObject itemAt(int row) const;
    // Everything a text filter matches for the row (every column's display
    // text plus extraSearchText()), case-folded, computed once when the row
    // arrives: a filter keystroke over 100,000 rows then costs one substring
    // search per row instead of a QVariant per cell.
    const QString& searchTextAt(int row) const;
    // How many parsed items are kept for painting (see Row).
    static constexpr int kParsedCacheSize = 512;
    QString idAt(int row) const;
    int rowOfId(const QString& id) const;
    QModelIndex indexOfId(const QString& id, int column = 0) const;

    // Reloads from the first page (also the way to apply new server-side filters).
    void refresh();
    // After a failed page: tries that page again.
    void retryFetch();
    // Drops every row and any load in flight; the next fetchMore() starts over.
    void clear();

signals:
    void loadingChanged(bool loading);
    void pageLoaded(int rowsAdded, bool hasMore);
    void refreshed();
    void loadFailed(const taskdesk::models::ApiError& error);

protected:
    // The job for one page (cursor empty for the first); not started.
    virtual PagedListJob* createPageJob(const QString& cursor, int limit) = 0;
    // Data for one cell of one item, for every role but the three above.
    virtual QVariant cellData(const QJsonObject& item, int column, int role) const = 0;
    virtual QString statusOf(const QJsonObject& item) const;
    // Text a filter should also find that no column shows (a description).
    virtual QString extraSearchText(const QJsonObject& item) const;
    // Roles a proxy asks of every row when it filters (mode, skills, ...):
    // computed once per row on arrival, like EditRole (sorting) and StatusRole.
    virtual QList<int> filterRoles() const { return {}; }
    ApiClient* client() const { return m_client; }

    // Shared helpers for subclasses.
    static QString str(const QJsonObject& o, const char* key);
    static QString handleOf(const QJsonObject& o, const char* key);

private:
    void startLoad(bool reset);
    void onPage(const QJsonArray& items, const QString& nextCursor, bool reset);
    void onFailed(const ApiError& error);
    void cancelLoad();
    void rebuildIndex();
    QString computeSearchText(const QJsonObject& item) const;

    ApiClient* m_client;
    // A row keeps its item as compact JSON text, which takes about a quarter
    // of a parsed QJsonObject (measured: 0.7 KB against 3.1 KB for a task),
    // plus what filtering and sorting ask of every row. Cells for painting are
    // read from a small cache of parsed items.
    struct Row
    {
        QByteArray json;
        QString id;
        QString status;
        QString search;
        QVariantList sortKeys;             // EditRole per column
        QList<QPair<int, QVariant>> roles; // filterRoles()
    };
    Row makeRow(const QJsonObject& item) const;
    const QJsonObject& parsed(int row) const;

    QList<Row> m_rows;
    mutable QHash<int, QJsonObject> m_parsed;
    mutable QList<int> m_parsedOrder;
    QHash<QString, int> m_rowOfId;
    QString m_nextCursor;
    QPointer<PagedListJob> m_job;
    ApiError m_lastError;
    int m_pageSize = 20;
    bool m_loaded = false;
    bool m_failed = false;
};

} // namespace taskdesk::models
