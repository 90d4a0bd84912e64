#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Deliveries on a contract, or submissions to an open-mode task.
class SubmissionListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum class Source
    {
        Contract,
        Task
    };
    enum Column
    {
        Summary,
        Submitter,
        Status,
        Verification,
        Rating,
        ReviewDue,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        VerificationRole = FirstCustomRole, // true passed, false failed, invalid when not checked
    };

    SubmissionListModel(ApiClient* client, Source source, const QString& id, QObject* parent = nullptr);

    Source source() const { return m_source; }
    const QString& sourceId() const { return m_id; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;

private:
    Source m_source;
    QString m_id;
};

} // namespace taskdesk::models
