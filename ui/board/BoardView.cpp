#include "BoardView.h"

#include "LiveUpdates.h"
#include "PostTaskDialog.h"
#include "TaskDetailPane.h"
#include "TaskFilterProxyModel.h"
#include "TaskListModel.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::TaskListModel;

namespace {
const QString kHeaderKey = QStringLiteral("board/taskTableHeader");
const QString kSplitterKey = QStringLiteral("board/splitter");
const QString kScopeKey = QStringLiteral("board/scope");
// Status tabs in order; the server's names.
const QStringList kStatuses = {QStringLiteral("open"), QStringLiteral("assigned"),
                               QStringLiteral("completed"), QStringLiteral("cancelled"),
                               QStringLiteral("all")};
} // namespace

BoardView::BoardView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("boardView"));
    setAccessibleName(tr("Board"));

    m_browse = new TaskListModel(context.client, TaskListModel::Scope::Browse, this);
    m_mine = new TaskListModel(context.client, TaskListModel::Scope::Mine, this);
    m_proxy = new models::TaskFilterProxyModel(this);
    m_proxy->setSourceModel(m_browse);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("taskTable"));
    m_table->setAccessibleName(tr("Tasks"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder); // server order (newest first) until the user sorts
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(TaskListModel::Title, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->setColumnWidth(TaskListModel::Status, 70);
    m_table->setColumnWidth(TaskListModel::Mode, 50);
    m_table->setColumnWidth(TaskListModel::Budget, 120);
    m_table->setColumnWidth(TaskListModel::Skills, 90);
    m_table->setColumnWidth(TaskListModel::Owner, 75);
    m_table->setColumnWidth(TaskListModel::Bids, 40);
    m_table->setColumnWidth(TaskListModel::Created, 140);
    m_table->horizontalHeader()->setMinimumSectionSize(36);
    // The title matters most; the deadline is in the detail pane.
    m_table->hideColumn(TaskListModel::Deadline);

    m_listError = new QLabel(this);
    m_listError->setObjectName(QStringLiteral("taskListError"));
    m_listError->setWordWrap(true);
    m_listError->setStyleSheet(QStringLiteral("color: #cf222e;"));
    m_listError->hide();

    m_detail = new TaskDetailPane(context, this);
    m_detail->setMinimumWidth(380);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_listError);
    leftLayout->addWidget(m_table, 1);
    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("boardSplitter"));
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setSizes({700, 400});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(buildFilterBar());
    layout->addWidget(m_splitter, 1);

    if (QSettings* settings = context.settings) {
        m_table->horizontalHeader()->restoreState(settings->value(kHeaderKey).toByteArray());
        m_splitter->restoreState(settings->value(kSplitterKey).toByteArray());
    }

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &BoardView::onCurrentRowChanged);
    for (TaskListModel* model : {m_browse, m_mine}) {
        connect(model, &QAbstractItemModel::modelAboutToBeReset, this, [this, model] {
            if (model == currentModel())
                m_keepSelected = m_detail->taskId();
        });
        connect(model, &ApiListModel::refreshed, this, [this, model] {
            if (model == currentModel())
                onRefreshed();
        });
        connect(model, &ApiListModel::pageLoaded, this, [this, model] {
            if (model == currentModel()) {
                m_listError->hide();
                if (!m_pendingSelect.isEmpty())
                    selectTask(m_pendingSelect);
                updateCount();
            }
        });
        connect(model, &ApiListModel::loadFailed, this, [this, model](const models::ApiError& error) {
            if (model != currentModel())
                return;
            m_listError->setText(tr("Could not load tasks: %1 (Refresh to try again.)").arg(error.message()));
            m_listError->show();
        });
    }
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &BoardView::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &BoardView::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &BoardView::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &BoardView::updateCount);
    connect(m_detail, &TaskDetailPane::taskChanged, this, [this] {
        if (m_loaded)
            currentModel()->refresh();
    });
    connect(m_detail, &TaskDetailPane::navigateRequested, this, &View::navigateRequested);

    m_filterTimer.setSingleShot(true);
    m_filterTimer.setInterval(300);
    connect(&m_filterTimer, &QTimer::timeout, this, &BoardView::applyServerFilters);

    // New bids, claims and comments arrive as events: the list and the open task follow.
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(250);
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        if (!m_loaded)
            return;
        if (!currentModel()->isLoading())
            currentModel()->refresh();
        m_detail->refresh();
    });
    if (context.live) {
        connect(context.live, &models::LiveUpdates::eventsArrived, this, [this] { m_liveTimer.start(); });
        connect(context.live, &models::LiveUpdates::notificationsChanged, this,
                [this] { m_liveTimer.start(); });
    }

    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(500);
    connect(&m_saveTimer, &QTimer::timeout, this, &BoardView::saveHeaderState);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] { m_saveTimer.start(); });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, [this] { m_saveTimer.start(); });
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this] { m_saveTimer.start(); });
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] { m_saveTimer.start(); });

    if (context.settings && context.settings->value(kScopeKey).toString() == QLatin1String("mine"))
        m_scopeMine->setChecked(true);
    updateCount();
}

BoardView::~BoardView()
{
    if (m_saveTimer.isActive())
        saveHeaderState();
}

QIcon BoardView::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
}

QWidget* BoardView::buildFilterBar()
{
    auto* bar = new QWidget(this);
    auto* layout = new QVBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* top = new QHBoxLayout;
    auto* bottom = new QHBoxLayout;
    layout->addLayout(top);
    layout->addLayout(bottom);

    m_scopeGroup = new QButtonGroup(this);
    m_scopeMarketplace = new QToolButton(bar);
    m_scopeMarketplace->setObjectName(QStringLiteral("scopeMarketplace"));
    m_scopeMarketplace->setText(tr("Marketplace"));
    m_scopeMarketplace->setAccessibleName(tr("Marketplace: everyone's tasks"));
    m_scopeMarketplace->setCheckable(true);
    m_scopeMarketplace->setChecked(true);
    m_scopeMine = new QToolButton(bar);
    m_scopeMine->setObjectName(QStringLiteral("scopeMine"));
    m_scopeMine->setText(tr("My tasks"));
    m_scopeMine->setAccessibleName(tr("My tasks: the ones I posted"));
    m_scopeMine->setCheckable(true);
    m_scopeGroup->addButton(m_scopeMarketplace);
    m_scopeGroup->addButton(m_scopeMine);
    m_scopeGroup->setExclusive(true);
    top->addWidget(m_scopeMarketplace);
    top->addWidget(m_scopeMine);
    top->addSpacing(12);

    m_statusTabs = new QTabBar(bar);
    m_statusTabs->setObjectName(QStringLiteral("statusTabs"));
    m_statusTabs->setAccessibleName(tr("Status"));
    m_statusTabs->setDrawBase(false);
    m_statusTabs->setExpanding(false);
    for (const QString& label : {tr("Open"), tr("Assigned"), tr("Completed"), tr("Cancelled"), tr("All")})
        m_statusTabs->addTab(label);
    top->addWidget(m_statusTabs);
    top->addStretch(1);
    m_count = new QLabel(bar);
    m_count->setObjectName(QStringLiteral("taskCount"));
    top->addWidget(m_count);
    m_postButton =
        new QPushButton(style()->standardIcon(QStyle::SP_FileDialogNewFolder), tr("&Post task..."), bar);
    m_postButton->setObjectName(QStringLiteral("postTaskButton"));
    m_postButton->setAccessibleName(tr("Post task"));
    m_postButton->setToolTip(tr("Post a new task; a CREDITS budget is held in escrow (Ctrl+N)"));
    m_postButton->setShortcut(QKeySequence::New);
    top->addWidget(m_postButton);

    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("taskSearch"));
    m_search->setAccessibleName(tr("Search tasks"));
    m_search->setPlaceholderText(tr("Search titles and descriptions"));
    m_search->setClearButtonEnabled(true);
    m_skill = new QLineEdit(bar);
    m_skill->setObjectName(QStringLiteral("skillFilter"));
    m_skill->setAccessibleName(tr("Skill"));
    m_skill->setPlaceholderText(tr("Skill, e.g. python"));
    m_skill->setClearButtonEnabled(true);
    m_skill->setMaximumWidth(180);
    m_mode = new QComboBox(bar);
    m_mode->setObjectName(QStringLiteral("modeFilter"));
    m_mode->setAccessibleName(tr("Mode"));
    m_mode->addItem(tr("Any mode"), QString());
    m_mode->addItem(tr("Bids"), QStringLiteral("bid"));
    m_mode->addItem(tr("Claim"), QStringLiteral("claim"));
    m_mode->addItem(tr("Open"), QStringLiteral("open"));
    m_sort = new QComboBox(bar);
    m_sort->setObjectName(QStringLiteral("sortOrder"));
    m_sort->setAccessibleName(tr("Sort"));
    m_sort->addItem(tr("Newest first"), QStringLiteral("new"));
    m_sort->addItem(tr("Highest budget first"), QStringLiteral("budget"));
    bottom->addWidget(m_search, 1);
    bottom->addWidget(m_skill);
    bottom->addWidget(m_mode);
    bottom->addWidget(m_sort);

    connect(m_scopeMine, &QToolButton::toggled, this, &BoardView::setScope);
    connect(m_statusTabs, &QTabBar::currentChanged, this, [this] {
        applyClientFilters();
        applyServerFilters(); // a tab is a deliberate click: no need to wait
    });
    for (QLineEdit* e : {m_search, m_skill})
        connect(e, &QLineEdit::textChanged, this, [this] {
            applyClientFilters();
            m_filterTimer.start();
        });
    for (QComboBox* c : {m_mode, m_sort})
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            applyClientFilters();
            applyServerFilters();
        });
    connect(m_postButton, &QPushButton::clicked, this, [this] { openPostTaskDialog(); });
    return bar;
}

TaskListModel* BoardView::currentModel() const
{
    return m_scopeMine->isChecked() ? m_mine : m_browse;
}

QString BoardView::statusFilter() const
{
    return kStatuses.value(m_statusTabs->currentIndex(), QStringLiteral("open"));
}

void BoardView::setScope(bool mine)
{
    TaskListModel* model = mine ? m_mine : m_browse;
    if (m_proxy->sourceModel() == model)
        return;
    m_keepSelected.clear();
    m_proxy->setSourceModel(model);
    // The proxy's selection model is new per source: reconnect.
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &BoardView::onCurrentRowChanged, Qt::UniqueConnection);
    m_sort->setEnabled(!mine);
    m_detail->clear();
    if (context().settings)
        context().settings->setValue(kScopeKey,
                                     mine ? QStringLiteral("mine") : QStringLiteral("marketplace"));
    applyClientFilters();
    if (m_loaded)
        applyServerFilters();
    updateCount();
}

void BoardView::applyClientFilters()
{
    // The rows already here narrow at once; the server's answer follows.
    m_proxy->setFilterText(m_search->text().trimmed());
    m_proxy->setSkillFilter(m_skill->text().trimmed());
    const QString mode = m_mode->currentData().toString();
    m_proxy->setModeFilter(mode.isEmpty() ? QStringList() : QStringList{mode});
    const QString status = statusFilter();
    m_proxy->setStatusFilter(status == QLatin1String("all") ? QStringList() : QStringList{status});
    updateCount();
}

void BoardView::applyServerFilters()
{
    m_filterTimer.stop();
    if (!m_loaded)
        return;
    TaskListModel* model = currentModel();
    models::TaskQuery query;
    const QString status = statusFilter();
    if (model == m_browse) {
        query.text = m_search->text().trimmed();
        query.skill = m_skill->text().trimmed();
        query.mode = m_mode->currentData().toString();
        query.status = status;
        query.sort = m_sort->currentData().toString();
    } else {
        // My tasks: the server filters by status only; the proxy does the rest.
        query.status = status == QLatin1String("all") ? QString() : status;
    }
    const models::TaskQuery& old = model->query();
    const bool same = old.text == query.text && old.skill == query.skill && old.mode == query.mode &&
                      old.status == query.status && old.sort == query.sort;
    if (same && model->rowCount() > 0 && !model->lastError().isError())
        return;
    model->setQuery(query);
    model->refresh();
}

void BoardView::activate()
{
    const QString selectId = property("taskdesk.selectId").toString();
    if (!selectId.isEmpty()) {
        setProperty("taskdesk.selectId", QVariant());
        m_pendingSelect = selectId;
        m_detail->showTaskId(selectId);
    }
    if (!m_loaded) {
        m_loaded = true;
        applyClientFilters();
        applyServerFilters();
        return;
    }
    currentModel()->refresh();
    m_detail->refresh();
}

void BoardView::reset()
{
    if (m_postDialog)
        m_postDialog->close();
    m_loaded = false;
    m_pendingSelect.clear();
    m_keepSelected.clear();
    m_filterTimer.stop();
    m_liveTimer.stop();
    m_browse->clear();
    m_mine->clear();
    m_browse->setQuery({});
    m_mine->setQuery({});
    m_detail->clear();
    m_listError->hide();
    updateCount();
}

void BoardView::onCurrentRowChanged()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return; // a reload in progress keeps the pane as it is
    const QJsonObject task = current.data(ApiListModel::RawJsonRole).toJsonObject();
    m_pendingSelect.clear();
    m_detail->showTask(task);
}

void BoardView::onRefreshed()
{
    const QString id = !m_pendingSelect.isEmpty() ? m_pendingSelect : m_keepSelected;
    m_keepSelected.clear();
    if (!id.isEmpty())
        selectTask(id);
    updateCount();
}

void BoardView::selectTask(const QString& taskId)
{
    const QModelIndex source = currentModel()->indexOfId(taskId);
    if (!source.isValid())
        return;
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (!index.isValid())
        return;
    m_pendingSelect.clear();
    if (m_table->currentIndex().row() == index.row() && m_detail->taskId() == taskId)
        return;
    m_table->setCurrentIndex(index);
    m_table->scrollTo(index);
}

void BoardView::updateCount()
{
    const int shown = m_proxy->rowCount();
    const TaskListModel* model = currentModel();
    QString text = tr("%n task(s)", nullptr, shown);
    if (model->isLoading())
        text += tr(", loading...");
    else if (model->hasMore() && model->rowCount() > 0)
        text += tr(", more below");
    m_count->setText(text);
}

PostTaskDialog* BoardView::openPostTaskDialog()
{
    if (m_postDialog) {
        m_postDialog->raise();
        m_postDialog->activateWindow();
        return m_postDialog;
    }
    m_postDialog = new PostTaskDialog(context(), this);
    m_postDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_postDialog, &PostTaskDialog::posted, this, &BoardView::onPosted);
    m_postDialog->open();
    return m_postDialog;
}

void BoardView::onPosted(const QJsonObject& task)
{
    // Show the new task where its owner looks for it: My tasks, Open.
    const QString id = task.value(QLatin1String("id")).toString();
    {
        const QSignalBlocker block(m_statusTabs);
        m_statusTabs->setCurrentIndex(0);
    }
    if (!m_scopeMine->isChecked())
        m_scopeMine->setChecked(true); // setScope() refreshes
    m_pendingSelect = id;
    m_detail->showTask(task);
    applyClientFilters();
    m_mine->setQuery(models::TaskQuery{{}, {}, {}, QStringLiteral("open"), {}});
    m_mine->refresh();
}

void BoardView::saveHeaderState()
{
    m_saveTimer.stop();
    if (QSettings* settings = context().settings) {
        settings->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
        settings->setValue(kSplitterKey, m_splitter->saveState());
    }
}

} // namespace taskdesk::ui
