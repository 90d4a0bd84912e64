#include "TransactionHistoryLoader.h"

#include "ApiClient.h"
#include "ModelsLogging.h"
#include "PagedListJob.h"
#include "WalletJobs.h"

namespace taskdesk::models {

TransactionHistoryLoader::TransactionHistoryLoader(ApiClient* client, QObject* parent)
    : QObject(parent), m_client(client)
{}

TransactionHistoryLoader::~TransactionHistoryLoader()
{
    cancel();
}

void TransactionHistoryLoader::setLimits(int pageSize, int maxPages)
{
    m_pageSize = qBound(1, pageSize, 100);
    m_maxPages = qMax(1, maxPages);
}

void TransactionHistoryLoader::load()
{
    cancel();
    m_items = {};
    m_pages = 0;
    m_complete = false;
    fetch({});
}

void TransactionHistoryLoader::cancel()
{
    if (m_job) {
        disconnect(m_job, nullptr, this, nullptr);
        m_job->abort();
        m_job = nullptr;
    }
}

void TransactionHistoryLoader::fetch(const QString& cursor)
{
    if (!m_client)
        return;
    PagedListJob* job = m_client->wallet().transactions({}, cursor, m_pageSize);
    m_job = job;
    connect(job, &PagedListJob::pageReceived, this, &TransactionHistoryLoader::onPage);
    connect(job, &ApiJob::failed, this, &TransactionHistoryLoader::onFailed);
    job->start();
}

void TransactionHistoryLoader::onPage(const QJsonArray& items, const QString& nextCursor)
{
    m_job = nullptr;
    for (const QJsonValue& v : items)
        m_items.append(v);
    ++m_pages;
    if (!nextCursor.isEmpty() && m_pages < m_maxPages) {
        fetch(nextCursor);
        return;
    }
    m_complete = nextCursor.isEmpty();
    qCDebug(lcModelsLists) << "wallet history:" << m_items.size() << "transactions in" << m_pages
                           << "pages; complete:" << m_complete;
    emit loaded(m_items, m_complete);
}

void TransactionHistoryLoader::onFailed(const ApiError& error)
{
    m_job = nullptr;
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    emit failed(error);
}

} // namespace taskdesk::models
