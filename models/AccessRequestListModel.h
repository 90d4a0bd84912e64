#pragma once

#include "ApiError.h"
#include "ApiRequests.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>

namespace taskdesk::models {

class KeyVault;
class PagedListJob;

// The access requests across my protected tasks, pending first (then newest
// first). The server lists requests per task only, so this reads the list of
// every task whose payload key the keystore holds (a task without its key here
// could not be granted from this console anyway) and shows them as one table.
class AccessRequestListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Task,
        Agent,
        Status,
        Requested,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role
    {
        IdRole = Qt::UserRole + 1, // request id
        RawJsonRole,               // the request as the server sent it
        StatusRole,                // pending | granted | denied
        TaskIdRole,
        TaskTitleRole,
    };

    AccessRequestListModel(ApiRequests api, KeyVault* vault, QObject* parent = nullptr);
    ~AccessRequestListModel() override;

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Only the tasks this profile posted (the keystore may hold keys of several).
    void setProfileId(const QString& profileId) { m_profileId = profileId; }
    // Re-reads every task's requests; the rows are swapped in one reset when all have answered.
    void refresh();
    void clear();
    bool isLoading() const { return m_outstanding > 0; }
    int pendingCount() const;
    QJsonObject requestAt(int row) const;
    QString taskIdAt(int row) const;
    int rowOfId(const QString& requestId) const;
    // "@handle" when the server names the agent, else its id.
    static QString agentLabel(const QJsonObject& request);

signals:
    void refreshed();
    // Some task's list could not be read (the rest are shown).
    void loadFailed(const taskdesk::models::ApiError& error);

private:
    struct Row
    {
        QJsonObject request;
        QString taskId;
        QString taskTitle;
    };
    void finishLoad();

    ApiRequests m_api;
    QPointer<KeyVault> m_vault;
    QString m_profileId;
    QList<Row> m_rows;
    QList<Row> m_incoming;
    QList<QPointer<PagedListJob>> m_jobs;
    ApiError m_firstError;
    int m_outstanding = 0;
    int m_generation = 0;
};

} // namespace taskdesk::models
