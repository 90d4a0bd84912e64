#include "ReviewView.h"

#include "ApiClient.h"
#include "ApiError.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "LiveUpdates.h"
#include "ReviewJobs.h"
#include "ReviewQueueModel.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"
#include "review/BulkAcceptCommand.h"
#include "review/DeliverablePane.h"
#include "review/ReviewQueueProxy.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QTextEdit>
#include <QVBoxLayout>
#include <utility>

namespace taskdesk::ui {

using models::ApiError;
using models::ApiListModel;
using models::Formatting;
using models::ReviewQueueModel;

namespace {

const QString kHeaderKey = QStringLiteral("review/queueHeader");
const QString kSplitterKey = QStringLiteral("review/splitter");
const QString kDetailSplitterKey = QStringLiteral("review/detailSplitter");
const QString kRatingKey = QStringLiteral("review/rating");

QString text(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QJsonObject object(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toObject();
}

} // namespace

ReviewView::ReviewView(const ViewContext& context, QWidget* parent)
    : View(context, parent), m_model(new ReviewQueueModel(context.client, this)),
      m_proxy(new ReviewQueueProxy(this))
{
    setObjectName(QStringLiteral("reviewView"));
    setAccessibleName(tr("Review"));
    m_proxy->setSourceModel(m_model);
    buildUi();
    buildShortcuts();

    connect(m_model, &ApiListModel::refreshed, this, &ReviewView::onRefreshed);
    connect(m_model, &ApiListModel::pageLoaded, this, [this] {
        updateCount();
        updateActions();
        applyPendingSelection();
        if (m_bulkWaitingForPages) {
            m_bulkWaitingForPages = false;
            acceptAllVerified();
        }
    });
    connect(m_model, &ApiListModel::loadFailed, this, &ReviewView::onLoadFailed);
    // A refresh swaps every row: keep the reviewer on the same submission,
    // or on the one that took its place when it left the queue.
    connect(m_proxy, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        m_resetId = currentSubmissionId();
        m_resetRow = m_table->currentIndex().row();
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
        m_proxy->pruneHidden();
        if (!m_resetId.isEmpty() && selectMatching(m_resetId))
            return;
        if (m_resetRow >= 0)
            selectProxyRow(qMin(m_resetRow, m_proxy->rowCount() - 1));
    });
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ReviewView::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ReviewView::updateCount);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &ReviewView::onCurrentChanged);

    m_minuteTimer.setInterval(std::chrono::minutes(1));
    connect(&m_minuteTimer, &QTimer::timeout, this, [this] {
        m_model->refreshTimes();
        updateCountdown();
    });
    m_minuteTimer.start();

    m_refreshDebounce.setSingleShot(true);
    m_refreshDebounce.setInterval(250);
    connect(&m_refreshDebounce, &QTimer::timeout, this, [this] {
        if (m_loaded)
            m_model->refresh();
    });
    if (models::LiveUpdates* live = context.live) {
        connect(live, &models::LiveUpdates::eventsArrived, this, [this] {
            if (m_loaded)
                m_refreshDebounce.start();
        });
        // Without the events feed, a change in the unread count is the only news.
        connect(live, &models::LiveUpdates::notificationsChanged, this, [this, live] {
            if (m_loaded && live->eventsSupport() == models::LiveUpdates::EventsSupport::Unsupported)
                m_refreshDebounce.start();
        });
    }

    if (QSettings* s = context.settings) {
        m_table->horizontalHeader()->restoreState(s->value(kHeaderKey).toByteArray());
        m_splitter->restoreState(s->value(kSplitterKey).toByteArray());
        m_detailSplitter->restoreState(s->value(kDetailSplitterKey).toByteArray());
        setRating(s->value(kRatingKey, 5).toInt());
    }
    onCurrentChanged();
}

ReviewView::~ReviewView()
{
    if (QSettings* s = context().settings) {
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
        s->setValue(kSplitterKey, m_splitter->saveState());
        s->setValue(kDetailSplitterKey, m_detailSplitter->saveState());
        s->setValue(kRatingKey, rating());
    }
}

QIcon ReviewView::icon() const
{
    return style()->standardIcon(QStyle::SP_DialogApplyButton);
}

void ReviewView::buildUi()
{
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("reviewBanner"));
    connect(m_banner, &ErrorBanner::retryRequested, this, [this] {
        if (auto retry = std::exchange(m_bannerRetry, {}))
            retry();
    });
    connect(m_banner, &ErrorBanner::dismissed, this, [this] { m_bannerRetry = {}; });

    // Queue toolbar: count, filter, bulk accept, key hints.
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("reviewQueueCount"));
    m_count->setAccessibleName(tr("Submissions waiting"));
    QFont countFont = m_count->font();
    countFont.setBold(true);
    m_count->setFont(countFont);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("reviewFilter"));
    m_filter->setAccessibleName(tr("Filter the queue"));
    m_filter->setPlaceholderText(tr("Filter by task, submitter, summary..."));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(280);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &ReviewQueueProxy::setFilterText);
    m_bulkAccept = new QPushButton(tr("Accept all verified..."), this);
    m_bulkAccept->setObjectName(QStringLiteral("acceptAllVerifiedButton"));
    m_bulkAccept->setAccessibleName(tr("Accept all verified submissions"));
    m_bulkAccept->setToolTip(tr("Accept every queued submission whose machine verification passed"));
    connect(m_bulkAccept, &QPushButton::clicked, this, &ReviewView::acceptAllVerified);
    auto* hints = new QLabel(tr("J/K move \u00b7 A accept \u00b7 R reject \u00b7 1-5 rating"), this);
    hints->setObjectName(QStringLiteral("reviewKeyHints"));
    hints->setEnabled(false);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_count);
    bar->addSpacing(12);
    bar->addWidget(m_filter, 1);
    bar->addStretch(1);
    bar->addWidget(hints);
    bar->addSpacing(12);
    bar->addWidget(m_bulkAccept);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("reviewQueueTable"));
    m_table->setAccessibleName(tr("Submissions waiting for review"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(ReviewQueueModel::Task, QHeaderView::Stretch);
    m_table->setColumnWidth(ReviewQueueModel::Submitter, 150);
    m_table->setColumnWidth(ReviewQueueModel::Age, 90);
    m_table->setColumnWidth(ReviewQueueModel::Verification, 110);
    m_table->setColumnWidth(ReviewQueueModel::AutoAccept, 130);

    // Detail: header, deliverable beside criteria, decision.
    m_taskTitle = new QLabel(this);
    m_taskTitle->setObjectName(QStringLiteral("reviewTaskTitle"));
    m_taskTitle->setAccessibleName(tr("Task"));
    m_taskTitle->setTextFormat(Qt::PlainText);
    m_taskTitle->setWordWrap(true);
    QFont titleFont = m_taskTitle->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_taskTitle->setFont(titleFont);
    m_meta = new QLabel(this);
    m_meta->setObjectName(QStringLiteral("reviewSubmissionMeta"));
    m_meta->setAccessibleName(tr("Submitted by"));
    m_meta->setTextFormat(Qt::PlainText);
    m_meta->setWordWrap(true);
    m_countdown = new QLabel(this);
    m_countdown->setObjectName(QStringLiteral("reviewCountdown"));
    m_countdown->setAccessibleName(tr("Auto-acceptance countdown"));
    m_countdown->setTextFormat(Qt::PlainText);
    m_countdown->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_countdown->setMargin(4);
    m_countdown->setAutoFillBackground(true);
    QFont countdownFont = m_countdown->font();
    countdownFont.setBold(true);
    countdownFont.setPointSizeF(countdownFont.pointSizeF() * 1.1);
    m_countdown->setFont(countdownFont);
    auto* header = new QGridLayout;
    header->addWidget(m_taskTitle, 0, 0);
    header->addWidget(m_countdown, 0, 1, 2, 1, Qt::AlignRight | Qt::AlignTop);
    header->addWidget(m_meta, 1, 0);
    header->setColumnStretch(0, 1);

    m_deliverable = new DeliverablePane(this);

    auto* criteriaBox = new QGroupBox(tr("Acceptance criteria"), this);
    criteriaBox->setObjectName(QStringLiteral("reviewCriteriaBox"));
    m_criteria = new QListWidget(criteriaBox);
    m_criteria->setObjectName(QStringLiteral("reviewCriteria"));
    m_criteria->setAccessibleName(tr("Acceptance criteria checklist"));
    m_criteria->setWordWrap(true);
    m_criteria->setSelectionMode(QAbstractItemView::NoSelection);
    m_criteria->setFocusPolicy(Qt::ClickFocus);
    m_criteria->setSpacing(3);
    connect(m_criteria, &QListWidget::itemChanged, this, &ReviewView::onCriterionChanged);
    m_criteriaProgress = new QLabel(criteriaBox);
    m_criteriaProgress->setObjectName(QStringLiteral("reviewCriteriaProgress"));
    auto* criteriaLayout = new QVBoxLayout(criteriaBox);
    criteriaLayout->addWidget(m_criteria, 1);
    criteriaLayout->addWidget(m_criteriaProgress);

    auto* decisionBox = new QGroupBox(tr("Decision"), this);
    decisionBox->setObjectName(QStringLiteral("reviewDecisionBox"));
    m_rating = new QComboBox(decisionBox);
    m_rating->setObjectName(QStringLiteral("reviewRating"));
    m_rating->setAccessibleName(tr("Rating"));
    const QString stars = QStringLiteral("\u2605\u2605\u2605\u2605\u2605");
    const QString empty = QStringLiteral("\u2606\u2606\u2606\u2606\u2606");
    for (int r = 5; r >= 1; --r)
        m_rating->addItem(stars.left(r) + empty.left(5 - r) + QStringLiteral("  %1").arg(r), r);
    m_review = new QLineEdit(decisionBox);
    m_review->setObjectName(QStringLiteral("reviewText"));
    m_review->setAccessibleName(tr("Review (optional)"));
    m_review->setPlaceholderText(tr("Optional review the worker will see"));
    m_review->setMaxLength(5000);
    m_accept =
        new QPushButton(style()->standardIcon(QStyle::SP_DialogApplyButton), tr("Accept (A)"), decisionBox);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_accept->setAccessibleName(tr("Accept"));
    connect(m_accept, &QPushButton::clicked, this, &ReviewView::acceptCurrent);
    m_reason = new QPlainTextEdit(decisionBox);
    m_reason->setObjectName(QStringLiteral("rejectReason"));
    m_reason->setAccessibleName(tr("Reason for rejecting"));
    m_reason->setPlaceholderText(
        tr("Why it is rejected (required; the worker reads it). Ctrl+Enter rejects."));
    m_reason->setTabChangesFocus(true);
    m_reason->setMaximumHeight(70);
    m_reason->installEventFilter(this);
    m_reject =
        new QPushButton(style()->standardIcon(QStyle::SP_DialogCancelButton), tr("Reject (R)"), decisionBox);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_reject->setAccessibleName(tr("Reject"));
    connect(m_reject, &QPushButton::clicked, this, &ReviewView::rejectCurrent);
    connect(m_review, &QLineEdit::textEdited, this, [this](const QString& t) {
        if (!m_shownId.isEmpty())
            m_reviewDrafts.insert(m_shownId, t);
    });
    connect(m_reason, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_shownId.isEmpty() && !m_showingItem)
            m_reasonDrafts.insert(m_shownId, m_reason->toPlainText());
        updateActions();
    });
    m_decisionBanner = new ErrorBanner(decisionBox);
    m_decisionBanner->setObjectName(QStringLiteral("reviewDecisionBanner"));
    connect(m_decisionBanner, &ErrorBanner::retryRequested, this, [this] {
        if (m_failedDecision)
            context().commands->run(m_failedDecision);
    });
    auto* acceptRow = new QHBoxLayout;
    acceptRow->addWidget(m_rating);
    acceptRow->addWidget(m_review, 1);
    acceptRow->addWidget(m_accept);
    auto* rejectRow = new QHBoxLayout;
    rejectRow->addWidget(m_reason, 1);
    rejectRow->addWidget(m_reject, 0, Qt::AlignTop);
    auto* decisionLayout = new QVBoxLayout(decisionBox);
    decisionLayout->addWidget(m_decisionBanner);
    decisionLayout->addLayout(acceptRow);
    decisionLayout->addLayout(rejectRow);

    auto* side = new QWidget(this);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(criteriaBox, 1);

    m_detailSplitter = new QSplitter(Qt::Horizontal, this);
    m_detailSplitter->setObjectName(QStringLiteral("reviewDetailSplitter"));
    m_detailSplitter->setChildrenCollapsible(false);
    m_detailSplitter->addWidget(m_deliverable);
    m_detailSplitter->addWidget(side);
    m_detailSplitter->setStretchFactor(0, 3);
    m_detailSplitter->setStretchFactor(1, 2);

    auto* detail = new QWidget(this);
    detail->setObjectName(QStringLiteral("reviewDetail"));
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 4, 0, 0);
    detailLayout->addLayout(header);
    detailLayout->addWidget(m_detailSplitter, 1);
    detailLayout->addWidget(decisionBox);

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("reviewEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_detailStack = new QStackedWidget(this);
    m_detailStack->addWidget(m_empty);
    m_detailStack->addWidget(detail);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("reviewSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detailStack);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_banner);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);
}

void ReviewView::buildShortcuts()
{
    auto add = [this](const QString& name, const QKeySequence& key, auto slot) {
        auto* action = new QAction(this);
        action->setObjectName(name);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        // A text box takes its letters first (ShortcutOverride); the check
        // covers editors that do not claim them.
        connect(action, &QAction::triggered, this, [this, slot] {
            if (!isTyping())
                slot();
        });
        addAction(action);
        return action;
    };
    add(QStringLiteral("reviewNextAction"), QKeySequence(Qt::Key_J), [this] { moveSelection(1); });
    add(QStringLiteral("reviewPreviousAction"), QKeySequence(Qt::Key_K), [this] { moveSelection(-1); });
    add(QStringLiteral("reviewAcceptAction"), QKeySequence(Qt::Key_A), [this] { acceptCurrent(); });
    add(QStringLiteral("reviewRejectAction"), QKeySequence(Qt::Key_R), [this] { focusReason(); });
    for (int r = 1; r <= 5; ++r)
        add(QStringLiteral("reviewRating%1Action").arg(r), QKeySequence(Qt::Key_0 + r),
            [this, r] { setRating(r); });
}

bool ReviewView::isTyping() const
{
    QWidget* w = QApplication::focusWidget();
    if (!w)
        return false;
    if (auto* line = qobject_cast<QLineEdit*>(w))
        return !line->isReadOnly();
    if (auto* plain = qobject_cast<QPlainTextEdit*>(w))
        return !plain->isReadOnly();
    if (auto* rich = qobject_cast<QTextEdit*>(w))
        return !rich->isReadOnly();
    if (qobject_cast<QAbstractSpinBox*>(w))
        return true;
    if (auto* combo = qobject_cast<QComboBox*>(w))
        return combo->isEditable();
    return false;
}

bool ReviewView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_reason && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        const bool enter = key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
        if (enter && (key->modifiers() & Qt::ControlModifier)) {
            rejectCurrent();
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            m_table->setFocus();
            return true;
        }
    }
    return View::eventFilter(watched, event);
}

void ReviewView::activate()
{
    const QString select = property("taskdesk.selectId").toString();
    if (!select.isEmpty()) {
        m_pendingSelect = select;
        setProperty("taskdesk.selectId", QVariant());
    }
    m_model->refreshTimes();
    if (!m_loaded) {
        m_loaded = true;
        m_empty->setText(tr("Loading the review queue..."));
    }
    m_model->refresh();
    applyPendingSelection();
    m_table->setFocus();
}

void ReviewView::reset()
{
    m_loaded = false;
    m_refreshDebounce.stop();
    m_bulkWaitingForPages = false;
    if (m_bulk)
        m_bulk->cancel();
    m_model->clear();
    m_proxy->clearHidden();
    m_checked.clear();
    m_reasonDrafts.clear();
    m_reviewDrafts.clear();
    m_running.clear();
    m_failedDecision.clear();
    m_pendingSelect.clear();
    m_resetId.clear();
    m_resetRow = -1;
    m_bannerRetry = {};
    m_loadErrorShown = false;
    m_banner->hide();
    m_decisionBanner->hide();
    m_filter->clear();
    m_shownId.clear();
    onCurrentChanged();
    updateCount();
}

QJsonObject ReviewView::currentSubmission() const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return {};
    return current.data(ApiListModel::RawJsonRole).toJsonObject();
}

QString ReviewView::currentSubmissionId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(ApiListModel::IdRole).toString() : QString();
}

QString ReviewView::countdownText(qint64 secondsLeft)
{
    if (secondsLeft <= 0)
        return tr("Auto-accepts now: the review window has closed");
    return tr("Auto-accepts in %1").arg(ReviewQueueModel::durationText(secondsLeft));
}

void ReviewView::moveSelection(int delta)
{
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return;
    const int current = m_table->currentIndex().row();
    selectProxyRow(current < 0 ? (delta > 0 ? 0 : rows - 1) : qBound(0, current + delta, rows - 1));
}

void ReviewView::selectProxyRow(int row)
{
    if (row < 0 || row >= m_proxy->rowCount()) {
        m_table->selectionModel()->clear();
        m_table->setCurrentIndex({});
        onCurrentChanged();
        return;
    }
    const QModelIndex index = m_proxy->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                          QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

bool ReviewView::selectMatching(const QString& id)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (index.data(ApiListModel::IdRole).toString() == id ||
            index.data(ReviewQueueModel::TaskIdRole).toString() == id ||
            index.data(ReviewQueueModel::ContractIdRole).toString() == id) {
            selectProxyRow(row);
            return true;
        }
    }
    return false;
}

void ReviewView::applyPendingSelection()
{
    if (m_pendingSelect.isEmpty() || m_proxy->rowCount() == 0)
        return;
    if (selectMatching(m_pendingSelect))
        m_pendingSelect.clear();
}

void ReviewView::onRefreshed()
{
    if (m_loadErrorShown) {
        m_loadErrorShown = false;
        m_banner->hide();
        m_bannerRetry = {};
    }
    if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0 && m_pendingSelect.isEmpty())
        selectProxyRow(0);
    applyPendingSelection();
    // The item may have changed on the server (a new deadline): show what the
    // refresh brought, keeping whatever the reviewer is typing as it is.
    const QJsonObject item = currentSubmission();
    if (!item.isEmpty() && text(item, "id") == m_shownId)
        showSubmission(item);
    else
        onCurrentChanged();
    updateCount();
}

void ReviewView::onLoadFailed(const ApiError& error)
{
    if (m_model->rowCount() == 0)
        m_empty->setText(tr("The review queue could not be loaded."));
    showBanner(tr("Could not load the review queue: %1").arg(error.message()), true,
               [this] { m_model->refresh(); });
    m_loadErrorShown = true;
}

void ReviewView::showBanner(const QString& message, bool error, std::function<void()> retry)
{
    m_loadErrorShown = false;
    m_bannerRetry = std::move(retry);
    if (error)
        m_banner->showError(message, static_cast<bool>(m_bannerRetry));
    else
        m_banner->showInfo(message);
}

void ReviewView::onCurrentChanged()
{
    const QJsonObject item = currentSubmission();
    const QString id = text(item, "id");
    if (item.isEmpty()) {
        m_shownId.clear();
        m_empty->setText(!m_loaded ? tr("Sign in to see the submissions waiting for you.")
                         : m_model->isLoading() && m_model->rowCount() == 0
                             ? tr("Loading the review queue...")
                         : m_proxy->rowCount() == 0 ? tr("Nothing is waiting for your review.")
                                                    : tr("Select a submission to review it."));
        m_detailStack->setCurrentWidget(m_empty);
        m_decisionBanner->hide();
    } else if (id != m_shownId) {
        showSubmission(item);
    }
    updateActions();
}

void ReviewView::showSubmission(const QJsonObject& item)
{
    const QString id = text(item, "id");
    const bool sameItem = id == m_shownId;
    m_shownId = id;
    m_showingItem = true;
    const QJsonObject task = object(item, "task");
    const QJsonObject submitter = object(item, "submitter");
    m_taskTitle->setText(text(task, "title"));
    const QString handle = text(submitter, "handle");
    const QString who = handle.isEmpty() ? text(item, "submitterId") : QLatin1Char('@') + handle;
    const QJsonObject hire = object(item, "hire");
    const QString source = !hire.isEmpty()                                     ? tr("skill hire delivery")
                           : text(item, "source") == QLatin1String("contract") ? tr("contract delivery")
                                                                               : tr("open-task submission");
    const QDateTime created = Formatting::parseTime(text(item, "createdAt"));
    const qint64 age =
        created.isValid() ? qMax<qint64>(0, created.secsTo(QDateTime::currentDateTimeUtc())) : 0;
    m_meta->setText(tr("%1 \u00b7 %2 \u00b7 submitted %3 ago (%4)")
                        .arg(who, source, ReviewQueueModel::durationText(age),
                             Formatting::localTime(text(item, "createdAt"))));
    m_deliverable->setSubmission(item);

    // The checklist: the task's criteria, ticked as this reviewer ticked them.
    const QSignalBlocker block(m_criteria);
    m_criteria->clear();
    const QJsonArray criteria = task.value(QLatin1String("acceptanceCriteria")).toArray();
    const QSet<int> checked = m_checked.value(id);
    for (int i = 0; i < criteria.size(); ++i) {
        auto* entry = new QListWidgetItem(criteria.at(i).toString(), m_criteria);
        entry->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        entry->setCheckState(checked.contains(i) ? Qt::Checked : Qt::Unchecked);
    }
    if (criteria.isEmpty() && !hire.isEmpty()) {
        // A skill hire has no criteria list: the buyer's brief is what was asked for.
        auto* entry = new QListWidgetItem(tr("Your brief: %1").arg(text(hire, "brief")), m_criteria);
        entry->setFlags(Qt::ItemIsEnabled);
    } else if (criteria.isEmpty()) {
        auto* entry = new QListWidgetItem(tr("The task lists no acceptance criteria."), m_criteria);
        entry->setFlags(Qt::NoItemFlags);
    }
    updateCriteriaProgress();

    if (!sameItem) {
        m_reason->setPlainText(m_reasonDrafts.value(id));
        m_review->setText(m_reviewDrafts.value(id));
        m_decisionBanner->hide();
    }
    m_showingItem = false;
    updateCountdown();
    m_detailStack->setCurrentIndex(1);
}

void ReviewView::onCriterionChanged(QListWidgetItem* item)
{
    if (m_shownId.isEmpty() || !item)
        return;
    const int row = m_criteria->row(item);
    QSet<int>& checked = m_checked[m_shownId];
    if (item->checkState() == Qt::Checked)
        checked.insert(row);
    else
        checked.remove(row);
    updateCriteriaProgress();
}

void ReviewView::updateCriteriaProgress()
{
    int total = 0;
    int checked = 0;
    for (int i = 0; i < m_criteria->count(); ++i) {
        const QListWidgetItem* item = m_criteria->item(i);
        if (!(item->flags() & Qt::ItemIsUserCheckable))
            continue;
        ++total;
        if (item->checkState() == Qt::Checked)
            ++checked;
    }
    m_criteriaProgress->setText(total == 0 ? QString() : tr("%1 of %2 met").arg(checked).arg(total));
}

void ReviewView::updateCountdown()
{
    const QJsonObject item = currentSubmission();
    if (item.isEmpty() || text(item, "reviewDueAt").isEmpty()) {
        m_countdown->clear();
        return;
    }
    const qint64 left = ReviewQueueModel::secondsLeft(item);
    m_countdown->setText(countdownText(left));
    m_countdown->setToolTip(Formatting::timeToolTip(text(item, "reviewDueAt")));
    const bool urgent = left < ReviewQueueProxy::kUrgentSeconds;
    QPalette p = palette();
    p.setColor(QPalette::Window, urgent ? QColor(0xfd, 0xec, 0xea) : QColor(0xe8, 0xf1, 0xfb));
    p.setColor(QPalette::WindowText, urgent ? QColor(0xc6, 0x28, 0x28) : QColor(0x1d, 0x3a, 0x5f));
    m_countdown->setPalette(p);
    m_countdown->setProperty("urgent", urgent);
}

void ReviewView::updateCount()
{
    int verified = 0;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        if (m_proxy->index(row, 0).data(ReviewQueueModel::VerificationRole).toBool())
            ++verified;
    const int rows = m_proxy->rowCount();
    m_count->setText(rows == 0 ? tr("Nothing waiting")
                               : tr("%n waiting", nullptr, rows) +
                                     (verified > 0 ? tr(" \u00b7 %1 verified").arg(verified) : QString()));
    updateActions();
}

void ReviewView::updateActions()
{
    const QString id = currentSubmissionId();
    const bool have = !id.isEmpty() && !isRunning(id);
    m_accept->setEnabled(have);
    m_reject->setEnabled(have && !m_reason->toPlainText().trimmed().isEmpty());
    m_reason->setEnabled(!id.isEmpty());
    m_review->setEnabled(!id.isEmpty());
    bool anyVerified = false;
    for (int row = 0; row < m_model->rowCount() && !anyVerified; ++row) {
        const QModelIndex index = m_model->index(row, 0);
        anyVerified = index.data(ReviewQueueModel::VerificationRole).toBool() &&
                      !m_proxy->isHidden(index.data(ApiListModel::IdRole).toString());
    }
    m_bulkAccept->setEnabled(m_loaded && (anyVerified || m_model->hasMore()) && !m_bulk);
}

void ReviewView::setRating(int value)
{
    const int index = m_rating->findData(qBound(1, value, 5));
    if (index >= 0)
        m_rating->setCurrentIndex(index);
}

int ReviewView::rating() const
{
    return m_rating->currentData().toInt();
}

void ReviewView::acceptCurrent()
{
    decide(true);
}

void ReviewView::focusReason()
{
    if (currentSubmissionId().isEmpty())
        return;
    m_reason->setFocus(Qt::ShortcutFocusReason);
}

void ReviewView::rejectCurrent()
{
    if (m_reason->toPlainText().trimmed().isEmpty()) {
        focusReason();
        return;
    }
    decide(false);
}

void ReviewView::decide(bool accept)
{
    const QJsonObject item = currentSubmission();
    const QString id = text(item, "id");
    if (id.isEmpty() || isRunning(id))
        return;
    const QString what = tr("%1 by %2")
                             .arg(text(object(item, "task"), "title"),
                                  QLatin1Char('@') + text(object(item, "submitter"), "handle"));
    models::ApiClient* client = context().client;
    ApiCommand* command = nullptr;
    if (accept) {
        const int stars = rating();
        const QString review = m_review->text().trimmed();
        command = new ApiCommand(tr("Accept %1").arg(what), [client, item, stars, review] {
            return client->review().accept(item, stars, review);
        });
    } else {
        const QString reason = m_reason->toPlainText().trimmed();
        command = new ApiCommand(tr("Reject %1").arg(what),
                                 [client, item, reason] { return client->review().reject(item, reason); });
    }
    connect(command, &Command::runningChanged, this, [this, id](bool running) {
        if (running)
            m_running.insert(id);
        else
            m_running.remove(id);
        updateActions();
    });
    connect(command, &Command::succeeded, this, [this, id, command] {
        if (m_failedDecision == command)
            m_failedDecision.clear();
        onDecided(id);
    });
    connect(command, &Command::failed, this, [this, id, command](const QString& message) {
        m_failedDecision = command;
        if (id == currentSubmissionId())
            m_decisionBanner->showError(message, command->canRetry());
        // The server may already have decided it (auto-accept, another console).
        if (command->lastError().httpStatus() == 409 || command->lastError().httpStatus() == 404)
            m_refreshDebounce.start();
    });
    m_decisionBanner->hide();
    command->setFailureShownByCaller(true);
    context().commands->run(command);
}

void ReviewView::onDecided(const QString& submissionId)
{
    const bool wasCurrent = submissionId == currentSubmissionId();
    const int row = m_table->currentIndex().row();
    m_checked.remove(submissionId);
    m_reasonDrafts.remove(submissionId);
    m_reviewDrafts.remove(submissionId);
    if (wasCurrent) {
        const QSignalBlocker block(m_reason);
        m_reason->clear();
        m_review->clear();
        m_shownId.clear();
    }
    m_proxy->hideSubmission(submissionId);
    if (wasCurrent) {
        selectProxyRow(qMin(row, m_proxy->rowCount() - 1));
        onCurrentChanged();
        m_table->setFocus();
    }
    updateCount();
    m_refreshDebounce.start();
}

void ReviewView::acceptAllVerified()
{
    if (m_bulk || !m_loaded)
        return;
    if (m_model->hasMore() && m_model->canFetchMore({})) {
        // Bulk accept means all of them: bring in the pages not yet loaded first.
        m_bulkWaitingForPages = true;
        m_model->fetchMore({});
        return;
    }
    QList<QJsonObject> items;
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QJsonObject item = m_model->itemAt(row);
        const QString id = text(item, "id");
        if (!ReviewQueueModel::verificationPassed(item) || m_proxy->isHidden(id) || isRunning(id))
            continue;
        items << item;
        names << BulkAcceptCommand::describe(item);
    }
    if (items.isEmpty()) {
        showBanner(tr("No submission in the queue has passed machine verification."), false);
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Accept all verified"),
        items.size() == 1 ? tr("Accept 1 submission whose machine verification passed?")
                          : tr("Accept %1 submissions whose machine verification passed?").arg(items.size()),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("bulkAcceptConfirm"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setInformativeText(tr("Each worker is paid from escrow at once; this cannot be undone. "
                               "Submissions without a passing check stay in the queue."));
    box->setDetailedText(names.join(QLatin1Char('\n')));
    box->button(QMessageBox::Yes)->setObjectName(QStringLiteral("bulkAcceptYes"));
    box->button(QMessageBox::Yes)->setText(tr("Accept %n", nullptr, static_cast<int>(items.size())));
    box->button(QMessageBox::Cancel)->setObjectName(QStringLiteral("bulkAcceptCancel"));
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [this, box, items](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            runBulk(items);
    });
    box->open();
}

void ReviewView::runBulk(const QList<QJsonObject>& items)
{
    models::ApiClient* client = context().client;
    auto* command = new BulkAcceptCommand(
        items, [client](const QJsonObject& item) { return client->review().accept(item); });
    m_bulk = command;
    connect(command, &BulkAcceptCommand::itemAccepted, this, &ReviewView::onDecided);
    connect(command, &Command::runningChanged, this, [this, command](bool running) {
        if (running)
            m_bulk = command;
        else if (m_bulk == command)
            m_bulk.clear();
        updateActions();
    });
    connect(command, &Command::succeeded, this, [this, command] {
        showBanner(command->acceptedCount() == 1
                       ? tr("Accepted 1 verified submission.")
                       : tr("Accepted %1 verified submissions.").arg(command->acceptedCount()),
                   false);
    });
    // A partial failure is reported by the runner's banner (one line per
    // submission with the server's reason, "Try again" when it can help);
    // the queue then shows what is really left.
    connect(command, &Command::failed, this, [this] { m_refreshDebounce.start(); });
    m_banner->hide();
    context().commands->run(command);
}

} // namespace taskdesk::ui
