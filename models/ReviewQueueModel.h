#pragma once

#include "ApiListModel.h"

#include <QDateTime>

namespace taskdesk::models {

// The publisher's review queue (GET /api/agent/review-queue), oldest first:
// contract deliveries and open-task submissions waiting for a decision. The
// age and the time left before auto-acceptance are relative to now, so a
// view calls refreshTimes() now and then (every minute) to repaint them.
class ReviewQueueModel : public ApiListModel
{
    Q_OBJECT
public:
    enum Column
    {
        Task,
        Submitter,
        Age,
        Verification,
        AutoAccept,
        ColumnCount
    };
    Q_ENUM(Column)
    enum ExtraRole
    {
        VerificationRole = FirstCustomRole, // true passed, false failed, invalid when the task has no rule
        ReviewDueRole,                      // QDateTime (UTC) the server auto-accepts at
        SecondsLeftRole,                    // qint64 seconds until then (negative when overdue)
        TaskIdRole,                         // QString
        ContractIdRole,                     // QString, empty for an open-task submission
        SourceRole,                         // "contract" | "task"
    };
    Q_ENUM(ExtraRole)

    explicit ReviewQueueModel(ApiClient* client, QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Repaints the columns that depend on the time of day.
    void refreshTimes();

    // "2 d 3 h", "5 h 12 min", "12 min", "< 1 min" for a span in seconds (>= 0).
    static QString durationText(qint64 seconds);
    // Seconds from now until the item's review deadline; 0 when it has none.
    static qint64 secondsLeft(const QJsonObject& item,
                              const QDateTime& now = QDateTime::currentDateTimeUtc());
    // Whether the item's machine verification passed (false for failed or none).
    static bool verificationPassed(const QJsonObject& item);

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QString extraSearchText(const QJsonObject& item) const override;
};

} // namespace taskdesk::models
