#pragma once

#include "View.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <functional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace taskdesk::models {
class ApiError;
class ReviewQueueModel;
} // namespace taskdesk::models

namespace taskdesk::ui {

class BulkAcceptCommand;
class Command;
class DeliverablePane;
class ErrorBanner;
class ReviewQueueProxy;

// The publisher's review desk: every submission waiting for my decision
// (contract deliveries and open-task submissions, oldest first) beside the
// selected deliverable, the task's acceptance criteria as a checklist and
// the auto-acceptance countdown. Made for the keyboard: J/K move, A accepts
// with the chosen rating (1-5 choose it), R goes to the reason box and
// Ctrl+Enter there rejects. "Accept all verified" accepts every submission
// whose machine check passed, after saying how many.
class ReviewView : public View
{
    Q_OBJECT
public:
    explicit ReviewView(const ViewContext& context, QWidget* parent = nullptr);
    ~ReviewView() override;

    QString title() const override { return tr("Review"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    models::ReviewQueueModel* queue() const { return m_model; }
    ReviewQueueProxy* proxy() const { return m_proxy; }
    // The selected queue item (empty when none).
    QJsonObject currentSubmission() const;
    QString currentSubmissionId() const;
    // "Auto-accepts in 2 d 3 h" for a span in seconds.
    static QString countdownText(qint64 secondsLeft);

    void moveSelection(int delta);
    void acceptCurrent();
    void focusReason();
    void rejectCurrent();
    void acceptAllVerified();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildUi();
    void buildShortcuts();
    void onCurrentChanged();
    void showSubmission(const QJsonObject& item);
    void updateCountdown();
    void updateActions();
    void updateCount();
    void onRefreshed();
    void onLoadFailed(const models::ApiError& error);
    void onDecided(const QString& submissionId);
    void decide(bool accept);
    void runBulk(const QList<QJsonObject>& items);
    void selectProxyRow(int row);
    bool selectMatching(const QString& id);
    void applyPendingSelection();
    void setRating(int rating);
    int rating() const;
    bool isTyping() const;
    bool isRunning(const QString& submissionId) const { return m_running.contains(submissionId); }
    void showBanner(const QString& message, bool error, std::function<void()> retry = {});
    void onCriterionChanged(QListWidgetItem* item);
    void updateCriteriaProgress();

    models::ReviewQueueModel* m_model;
    ReviewQueueProxy* m_proxy;

    ErrorBanner* m_banner = nullptr;
    QLabel* m_count = nullptr;
    QLineEdit* m_filter = nullptr;
    QPushButton* m_bulkAccept = nullptr;
    QTableView* m_table = nullptr;
    QSplitter* m_splitter = nullptr;
    QSplitter* m_detailSplitter = nullptr;
    QStackedWidget* m_detailStack = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_taskTitle = nullptr;
    QLabel* m_meta = nullptr;
    QLabel* m_countdown = nullptr;
    DeliverablePane* m_deliverable = nullptr;
    QListWidget* m_criteria = nullptr;
    QLabel* m_criteriaProgress = nullptr;
    QComboBox* m_rating = nullptr;
    QLineEdit* m_review = nullptr;
    QPushButton* m_accept = nullptr;
    QPlainTextEdit* m_reason = nullptr;
    QPushButton* m_reject = nullptr;
    ErrorBanner* m_decisionBanner = nullptr;

    QTimer m_minuteTimer;
    QTimer m_refreshDebounce;
    bool m_loaded = false;
    bool m_bulkWaitingForPages = false;
    bool m_showingItem = false;
    bool m_loadErrorShown = false;
    QString m_shownId;
    QString m_pendingSelect;
    QString m_resetId;
    int m_resetRow = -1;
    QSet<QString> m_running;
    // Reviewing aids, kept in memory per submission: ticked criteria and typed drafts.
    QHash<QString, QSet<int>> m_checked;
    QHash<QString, QString> m_reasonDrafts;
    QHash<QString, QString> m_reviewDrafts;
    QPointer<Command> m_failedDecision;
    QPointer<BulkAcceptCommand> m_bulk;
    std::function<void()> m_bannerRetry;
};

} // namespace taskdesk::ui
