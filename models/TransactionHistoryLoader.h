#pragma once

#include "ApiError.h"

#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class PagedListJob;

// Loads the wallet's transactions (every kind, newest first) page after page,
// up to a bound, for a history that needs them all at once (the balance
// chart), unlike the table's model, which loads as the user scrolls.
class TransactionHistoryLoader : public QObject
{
    Q_OBJECT
public:
    explicit TransactionHistoryLoader(ApiClient* client, QObject* parent = nullptr);
    ~TransactionHistoryLoader() override;

    // Pages of pageSize (the API allows up to 100), at most maxPages of them.
    void setLimits(int pageSize, int maxPages);
    int pageSize() const { return m_pageSize; }
    int maxPages() const { return m_maxPages; }

    // Starts over from the newest transaction (a load in flight is dropped).
    void load();
    void cancel();
    bool isLoading() const { return !m_job.isNull(); }

    const QJsonArray& transactions() const { return m_items; }
    // False when the bound stopped the load before the oldest transaction.
    bool isComplete() const { return m_complete; }

signals:
    void loaded(const QJsonArray& transactions, bool complete);
    void failed(const taskdesk::models::ApiError& error);

private:
    void fetch(const QString& cursor);
    void onPage(const QJsonArray& items, const QString& nextCursor);
    void onFailed(const ApiError& error);

    ApiClient* m_client;
    QPointer<PagedListJob> m_job;
    QJsonArray m_items;
    int m_pageSize = 100;
    int m_maxPages = 20;
    int m_pages = 0;
    bool m_complete = false;
};

} // namespace taskdesk::models
