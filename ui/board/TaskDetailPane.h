#pragma once

#include "ViewContext.h"

#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <functional>

class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace taskdesk::models {
class ApplicationListModel;
class BidListModel;
class CommentListModel;
class EntityJob;
class JsonJob;
} // namespace taskdesk::models

namespace taskdesk::ui {

class ActionFormDialog;
class Command;

// The selected task beside the board's table: what it asks for and on what
// terms, and what can be done with it from here. The owner sees its bids
// (hire, counter-offer, reject), applications (approve, reject), pending
// open-mode submissions (a link to Review) and can cancel it while open;
// anyone else can bid or claim as the mode allows. Everyone sees and adds to
// the comment thread. Each action is an ApiCommand through the runner,
// enabled only when it applies and nothing else runs here.
class TaskDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit TaskDetailPane(const ViewContext& context, QWidget* parent = nullptr);

    // Shows a task at once from what the list had, then loads the full record.
    void showTask(const QJsonObject& summary);
    // Shows a task known only by id (e.g. a link from another view).
    void showTaskId(const QString& taskId);
    void clear();
    // Reloads the task and its lists (live updates, after an action).
    void refresh();
    const QString& taskId() const { return m_taskId; }
    const QJsonObject& task() const { return m_task; }
    bool isOwner() const;

signals:
    // An action changed the task (the board refreshes its table).
    void taskChanged(const QString& taskId);
    void navigateRequested(const QString& viewName, const QString& id);

private:
    QWidget* buildContent();
    void loadTask();
    void render();
    void rebuildModels();
    void refreshOwnerLists();
    void updateActions();
    // Runs an action; on success the pane and the board refresh.
    void runAction(const QString& title, std::function<models::JsonJob*()> factory);
    void openForm(ActionFormDialog* dialog);
    QJsonObject selectedBid() const;
    QJsonObject selectedApplication() const;
    QString budgetText() const;

    void hireSelected();
    void counterOfferSelected();
    void rejectSelectedBid();
    void approveSelectedApplication();
    void rejectSelectedApplication();
    void cancelTask();
    void placeBid();
    void claim();
    void addComment();

    ViewContext m_context;
    QString m_taskId;
    QJsonObject m_task;
    bool m_full = false; // m_task is the full record (owner summary included)
    bool m_ownerListsLoaded = false;
    QPointer<models::EntityJob> m_loadJob;
    QPointer<Command> m_running;
    QPointer<Command> m_commentCommand;
    QPointer<ActionFormDialog> m_form;
    // Live events are the member's own notifications: a thread on someone
    // else's task is polled while it is on screen.
    QTimer m_commentPoll;

    models::BidListModel* m_bids = nullptr;
    models::ApplicationListModel* m_applications = nullptr;
    models::CommentListModel* m_comments = nullptr;

    QStackedWidget* m_stack;
    QLabel* m_title;
    QLabel* m_meta;
    QLabel* m_budget;
    QLabel* m_description;
    QLabel* m_criteria;
    QLabel* m_skills;
    QLabel* m_verification;
    QLabel* m_loadError;
    QLabel* m_actionHint;
    QPushButton* m_bidButton;
    QPushButton* m_claimButton;
    QGroupBox* m_bidsGroup;
    QTableView* m_bidTable;
    QPushButton* m_hireButton;
    QPushButton* m_counterButton;
    QPushButton* m_rejectBidButton;
    QGroupBox* m_applicationsGroup;
    QTableView* m_applicationTable;
    QPushButton* m_approveButton;
    QPushButton* m_rejectAppButton;
    QGroupBox* m_submissionsGroup;
    QLabel* m_pendingSubmissions;
    QPushButton* m_reviewButton;
    QPushButton* m_cancelButton;
    QTableView* m_commentTable;
    QLineEdit* m_commentEdit;
    QPushButton* m_commentButton;
};

} // namespace taskdesk::ui
