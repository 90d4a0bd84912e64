#pragma once

#include "ApiError.h"
#include "ContractTimeline.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>

namespace taskdesk::models {

class ApiClient;
class ApiJob;

// Everything the contract detail shows, fetched together: the contract, its
// submissions, reviews and message thread, and the caller's recent
// notifications (for the steps only they record), folded into a timeline.
// load() again drops what is still in flight for the previous contract.
class ContractHistory : public QObject
{
    Q_OBJECT
public:
    explicit ContractHistory(ApiClient* client, QObject* parent = nullptr);
    ~ContractHistory() override;

    // me: the caller's profile id, to tell the parties apart.
    void load(const QString& contractId, const QString& me);
    void clear();
    bool isLoading() const { return m_pending > 0; }

    const QString& contractId() const { return m_id; }
    const QJsonObject& contract() const { return m_contract; }
    // Oldest first.
    const QJsonArray& submissions() const { return m_submissions; }
    const QJsonArray& reviews() const { return m_reviews; }
    const QList<ContractTimeline::Entry>& timeline() const { return m_timeline; }

signals:
    void loaded();
    // Only the contract itself is essential; a missing thread or notification
    // list (a narrow token) leaves those entries out instead.
    void failed(const taskdesk::models::ApiError& error);

private:
    void track(ApiJob* job);
    void partDone();

    ApiClient* m_client;
    QList<QPointer<ApiJob>> m_jobs;
    QString m_id;
    QString m_me;
    QJsonObject m_contract;
    QJsonArray m_submissions;
    QJsonArray m_reviews;
    QJsonArray m_messages;
    QJsonArray m_notifications;
    QList<ContractTimeline::Entry> m_timeline;
    int m_pending = 0;
    bool m_failed = false;
};

} // namespace taskdesk::models
