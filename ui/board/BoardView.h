#pragma once

#include "View.h"

#include <QPointer>
#include <QTimer>

class QButtonGroup;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QTabBar;
class QTableView;
class QToolButton;

namespace taskdesk::models {
class TaskFilterProxyModel;
class TaskListModel;
} // namespace taskdesk::models

namespace taskdesk::ui {

class PostTaskDialog;
class TaskDetailPane;

// The Board: the marketplace's tasks or the ones I posted, by status, with
// search and filters (applied on the server after a short pause in typing,
// and at once to the rows already here), a detail pane for the selected
// task, and Post task.
class BoardView : public View
{
    Q_OBJECT
public:
    explicit BoardView(const ViewContext& context, QWidget* parent = nullptr);
    ~BoardView() override;

    QString title() const override { return tr("Board"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    models::TaskListModel* marketplaceModel() const { return m_browse; }
    models::TaskListModel* myTasksModel() const { return m_mine; }
    models::TaskListModel* currentModel() const;
    models::TaskFilterProxyModel* proxy() const { return m_proxy; }
    TaskDetailPane* detailPane() const { return m_detail; }
    // Opens Post task (non-modal to the rest of the app's event loop).
    PostTaskDialog* openPostTaskDialog();

private:
    QWidget* buildFilterBar();
    void setScope(bool mine);
    void applyClientFilters();
    void applyServerFilters();
    void onCurrentRowChanged();
    void onRefreshed();
    void onPosted(const QJsonObject& task);
    void selectTask(const QString& taskId);
    void updateCount();
    void saveHeaderState();
    QString statusFilter() const;

    models::TaskListModel* m_browse;
    models::TaskListModel* m_mine;
    models::TaskFilterProxyModel* m_proxy;
    QButtonGroup* m_scopeGroup;
    QToolButton* m_scopeMarketplace;
    QToolButton* m_scopeMine;
    QTabBar* m_statusTabs;
    QLineEdit* m_search;
    QLineEdit* m_skill;
    QComboBox* m_mode;
    QComboBox* m_sort;
    QPushButton* m_postButton;
    QLabel* m_count;
    QLabel* m_listError;
    QTableView* m_table;
    QSplitter* m_splitter;
    TaskDetailPane* m_detail;
    QPointer<PostTaskDialog> m_postDialog;
    QTimer m_filterTimer;
    QTimer m_liveTimer;
    QTimer m_saveTimer;
    QString m_pendingSelect; // a task to select once the list has it
    QString m_keepSelected;  // the selection to restore across a reload
    bool m_loaded = false;
};

} // namespace taskdesk::ui
