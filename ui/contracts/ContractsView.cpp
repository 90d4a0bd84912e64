#include "ContractsView.h"

#include "ApiClient.h"
#include "CancellationRequestDialog.h"
#include "ContractDisputeNotice.h"
#include "ContractHistory.h"
#include "ContractJobs.h"
#include "ContractListModel.h"
#include "ContractTableProxy.h"
#include "DeliverDialog.h"
#include "DisputeJobs.h"
#include "EntityJob.h"
#include "Formatting.h"
#include "LiveUpdates.h"
#include "OpenDisputeDialog.h"
#include "ReviewDialog.h"
#include "Session.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QColor>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::ContractHistory;
using models::ContractListModel;
using models::ContractTimeline;
using models::Formatting;

namespace {

const QString kHeaderKey = QStringLiteral("contractsView/header");
const QString kSplitterKey = QStringLiteral("contractsView/splitter");

QString str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QString handle(const QJsonObject& contract, const char* party)
{
    return str(contract.value(QLatin1String(party)).toObject(), "handle");
}

bool isRunning(const QString& status)
{
    return status == QLatin1String("in_progress") || status == QLatin1String("submitted") ||
           status == QLatin1String("rejected");
}

QString priceOf(const QJsonObject& c)
{
    const QJsonValue amount = c.value(QLatin1String("priceAmount"));
    return amount.isDouble() ? Formatting::amount(amount, str(c, "currency")) : str(c, "priceText");
}

QString outputText(const QJsonValue& output)
{
    if (output.isString())
        return output.toString();
    if (output.isObject())
        return QString::fromUtf8(QJsonDocument(output.toObject()).toJson(QJsonDocument::Indented));
    if (output.isArray())
        return QString::fromUtf8(QJsonDocument(output.toArray()).toJson(QJsonDocument::Indented));
    if (output.isDouble())
        return QString::number(output.toDouble());
    if (output.isBool())
        return output.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QPushButton* actionButton(QWidget* parent, const QString& name, const QString& text, const QString& tip)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAccessibleName(text);
    b->setToolTip(tip);
    b->setEnabled(false);
    return b;
}

QTreeWidget* tree(QWidget* parent, const QString& name, const QString& accessible, const QStringList& headers)
{
    auto* t = new QTreeWidget(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessible);
    t->setRootIsDecorated(false);
    t->setUniformRowHeights(true);
    t->setAlternatingRowColors(true);
    t->setHeaderLabels(headers);
    t->setWordWrap(false);
    return t;
}

} // namespace

ContractsView::ContractsView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("contractsView"));
    m_model = new ContractListModel(context.client, ContractListModel::Party::Any, this);
    m_model->setPageSize(50);
    m_proxy = new ContractTableProxy(this);
    m_proxy->setSourceModel(m_model);
    m_history = new ContractHistory(context.client, this);

    // Filters.
    m_role = new QComboBox(this);
    m_role->setObjectName(QStringLiteral("contractRole"));
    m_role->setAccessibleName(tr("My role"));
    m_role->addItem(tr("All my contracts"), int(ContractListModel::Party::Any));
    m_role->addItem(tr("As buyer"), int(ContractListModel::Party::Buyer));
    m_role->addItem(tr("As seller"), int(ContractListModel::Party::Seller));
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("contractStatus"));
    m_status->setAccessibleName(tr("Status"));
    m_status->addItem(tr("Any status"), QString());
    for (const char* s :
         {"in_progress", "submitted", "rejected", "accepted", "cancelled", "disputed", "resolved"})
        m_status->addItem(ContractTableProxy::statusText(QLatin1String(s)), QLatin1String(s));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("contractSearch"));
    m_search->setAccessibleName(tr("Search contracts"));
    m_search->setPlaceholderText(tr("Filter by task, party, ..."));
    m_search->setClearButtonEnabled(true);
    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_role);
    filters->addWidget(m_status);
    filters->addWidget(m_search, 1);
    m_search->setMinimumWidth(160);

    // The table.
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("contractTable"));
    m_table->setAccessibleName(tr("Contracts"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ContractListModel::Created, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(ContractListModel::Kind, 190);
    for (int column : {ContractListModel::Buyer, ContractListModel::Seller, ContractListModel::Deliveries})
        m_table->horizontalHeader()->resizeSection(column, 80);
    m_table->horizontalHeader()->resizeSection(ContractListModel::Status, 100);
    m_table->horizontalHeader()->setSectionHidden(ContractListModel::ReviewDue, true);
    m_listState = new QLabel(this);
    m_listState->setObjectName(QStringLiteral("contractListState"));
    m_listState->setWordWrap(true);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addWidget(m_listState);

    // The detail pane.
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("contractTitle"));
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("contractSummary"));
    m_summary->setAccessibleName(tr("Contract summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("contractNotice"));
    m_notice->setWordWrap(true);
    m_notice->setFrameShape(QFrame::StyledPanel);
    m_notice->setMargin(6);
    m_notice->hide();

    m_deliver =
        actionButton(this, QStringLiteral("deliverButton"), tr("Deliver..."),
                     tr("Send your work to the buyer (seller, while the contract awaits a deliverable)"));
    m_deliver->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_requestCancel = actionButton(this, QStringLiteral("requestCancelButton"), tr("Request cancellation..."),
                                   tr("Ask the other party to end the contract by agreement"));
    m_confirmCancel = actionButton(this, QStringLiteral("confirmCancelButton"), tr("Confirm cancellation"),
                                   tr("Agree to the other party's request: the contract ends and escrow is "
                                      "settled by the cancellation rules"));
    m_withdrawCancel = actionButton(this, QStringLiteral("withdrawCancelButton"), tr("Withdraw request"),
                                    tr("Take back your cancellation request; the contract runs on"));
    m_review = actionButton(this, QStringLiteral("reviewButton"), tr("Leave a review..."),
                            tr("Rate the other party once the contract is accepted"));
    m_openInReview = actionButton(this, QStringLiteral("openInReviewButton"), tr("Open in Review"),
                                  tr("Review the delivered work (buyer, when a delivery waits)"));
    m_openDispute =
        actionButton(this, QStringLiteral("openDisputeButton"), tr("Open a dispute..."),
                     tr("Ask support to decide (the worker after three rejected deliveries; either "
                        "party of a skill hire once work was delivered)"));
    m_disputeNotice = new ContractDisputeNotice(context.client, this);
    auto* actions = new QHBoxLayout;
    for (QPushButton* b : {m_deliver, m_openInReview, m_requestCancel, m_confirmCancel, m_withdrawCancel,
                           m_review, m_openDispute})
        actions->addWidget(b);
    actions->addStretch(1);

    m_timeline = tree(this, QStringLiteral("contractTimeline"), tr("Timeline"),
                      {tr("When"), tr("Event"), tr("Details")});
    m_timeline->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_timeline->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_submissions = tree(this, QStringLiteral("submissionHistory"), tr("Submission history"),
                         {tr("#"), tr("Summary"), tr("Verification"), tr("Decision")});
    m_submissions->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_submissions->header()->resizeSection(1, 190);
    m_submissions->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_submissionDetail = new QTextBrowser(this);
    m_submissionDetail->setObjectName(QStringLiteral("submissionDetail"));
    m_submissionDetail->setAccessibleName(tr("Submission"));
    m_submissionDetail->setOpenExternalLinks(true);
    m_submissionDetail->setPlaceholderText(tr("Select a submission to read it in full."));

    auto* timelineBox = new QGroupBox(tr("Timeline"), this);
    auto* tl = new QVBoxLayout(timelineBox);
    tl->addWidget(m_timeline);
    auto* subsBox = new QGroupBox(tr("Submissions"), this);
    auto* sl = new QVBoxLayout(subsBox);
    auto* subsSplit = new QSplitter(Qt::Horizontal, subsBox);
    subsSplit->addWidget(m_submissions);
    subsSplit->addWidget(m_submissionDetail);
    subsSplit->setStretchFactor(0, 3);
    subsSplit->setStretchFactor(1, 2);
    subsSplit->setSizes({460, 300});
    sl->addWidget(subsSplit);
    auto* detailSplit = new QSplitter(Qt::Vertical, this);
    detailSplit->addWidget(timelineBox);
    detailSplit->addWidget(subsBox);
    detailSplit->setStretchFactor(0, 1);
    detailSplit->setStretchFactor(1, 1);

    auto* detail = new QWidget(this);
    detail->setObjectName(QStringLiteral("contractDetail"));
    auto* dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(m_title);
    dl->addWidget(m_summary);
    dl->addWidget(m_notice);
    dl->addLayout(actions);
    dl->addWidget(detailSplit, 1);
    auto* empty =
        new QLabel(tr("Select a contract to see its parties, its history and what you can do next."), this);
    empty->setObjectName(QStringLiteral("contractEmpty"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    empty->setEnabled(false);
    m_detailStack = new QStackedWidget(this);
    m_detailStack->addWidget(empty);
    m_detailStack->addWidget(detail);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("contractsSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(m_detailStack);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({440, 660});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter);

    if (QSettings* s = context.settings) {
        m_table->horizontalHeader()->restoreState(s->value(kHeaderKey).toByteArray());
        splitter->restoreState(s->value(kSplitterKey).toByteArray());
        connect(splitter, &QSplitter::splitterMoved, this,
                [s, splitter] { s->setValue(kSplitterKey, splitter->saveState()); });
    }

    connect(m_role, &QComboBox::currentIndexChanged, this, &ContractsView::applyServerFilters);
    connect(m_status, &QComboBox::currentIndexChanged, this, &ContractsView::applyServerFilters);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &ContractTableProxy::setFilterText);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ContractsView::onCurrentChanged);
    connect(m_model, &ApiListModel::refreshed, this, &ContractsView::onListRefreshed);
    connect(m_model, &ApiListModel::pageLoaded, this, [this] {
        m_listState->setText(m_model->rowCount() == 0 ? tr("No contracts here yet.") : QString());
        selectPending();
    });
    connect(m_model, &ApiListModel::loadFailed, this, [this](const models::ApiError& error) {
        m_listState->setText(tr("Could not load contracts: %1").arg(error.message()));
    });
    connect(m_history, &ContractHistory::loaded, this, &ContractsView::showHistory);
    connect(m_history, &ContractHistory::failed, this, [this](const models::ApiError& error) {
        m_notice->setText(tr("Could not load this contract: %1").arg(error.message()));
        m_notice->show();
    });
    connect(m_submissions, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        m_submissionDetail->setHtml(item ? item->data(0, Qt::UserRole).toString() : QString());
    });
    connect(m_deliver, &QPushButton::clicked, this, &ContractsView::deliver);
    connect(m_requestCancel, &QPushButton::clicked, this, &ContractsView::requestCancellation);
    connect(m_confirmCancel, &QPushButton::clicked, this, &ContractsView::confirmCancellation);
    connect(m_withdrawCancel, &QPushButton::clicked, this, &ContractsView::withdrawCancellation);
    connect(m_review, &QPushButton::clicked, this, &ContractsView::leaveReview);
    connect(m_openInReview, &QPushButton::clicked, this, &ContractsView::openInReview);
    connect(m_openDispute, &QPushButton::clicked, this, &ContractsView::openDispute);
    connect(m_disputeNotice, &ContractDisputeNotice::changed, this, [this] {
        if (!m_currentId.isEmpty())
            showSummary(currentContract());
    });
    connect(context.live, &models::LiveUpdates::eventsArrived, this, [this] {
        if (m_loaded)
            refreshAll();
    });
}

ContractsView::~ContractsView()
{
    if (QSettings* s = context().settings)
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

QIcon ContractsView::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
}

void ContractsView::activate()
{
    const QString select = property("taskdesk.selectId").toString();
    setProperty("taskdesk.selectId", QVariant());
    if (!select.isEmpty()) {
        m_pendingSelect = select;
        // The contract may be outside the current filters; show every one of mine.
        if (m_role->currentIndex() != 0 || m_status->currentIndex() != 0) {
            const QSignalBlocker a(m_role), b(m_status);
            m_role->setCurrentIndex(0);
            m_status->setCurrentIndex(0);
            m_model->setParty(ContractListModel::Party::Any);
            m_table->setColumnHidden(ContractListModel::Buyer, false);
            m_table->setColumnHidden(ContractListModel::Seller, false);
            m_model->setStatusFilter({});
        }
        m_search->clear();
    }
    m_loaded = true;
    refreshAll();
}

void ContractsView::reset()
{
    m_loaded = false;
    m_pendingSelect.clear();
    m_currentId.clear();
    m_history->clear();
    m_disputeNotice->clear();
    m_model->clear();
    m_timeline->clear();
    m_submissions->clear();
    m_submissionDetail->clear();
    m_listState->clear();
    m_detailStack->setCurrentIndex(0);
    updateActions();
}

void ContractsView::refreshAll()
{
    m_model->refresh();
    if (!m_currentId.isEmpty())
        m_history->load(m_currentId, context().session->current().profileId());
}

void ContractsView::applyServerFilters()
{
    const auto party = ContractListModel::Party(m_role->currentData().toInt());
    // As buyer, the buyer column would say "me" on every row (and so for sellers).
    m_table->setColumnHidden(ContractListModel::Buyer, party == ContractListModel::Party::Buyer);
    m_table->setColumnHidden(ContractListModel::Seller, party == ContractListModel::Party::Seller);
    m_model->setParty(party);
    m_model->setStatusFilter(m_status->currentData().toString());
    if (m_loaded)
        m_model->refresh();
}

void ContractsView::onListRefreshed()
{
    m_listState->setText(m_model->rowCount() == 0 ? tr("No contracts here yet.") : QString());
    if (!m_pendingSelect.isEmpty()) {
        selectPending();
        return;
    }
    // The reset lost the selection: put it back on the same contract.
    const QModelIndex src = m_model->indexOfId(m_currentId);
    if (src.isValid()) {
        const QModelIndex idx = m_proxy->mapFromSource(src);
        const QSignalBlocker block(m_table->selectionModel());
        m_table->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                            QItemSelectionModel::Rows);
        showSummary(m_model->itemAt(src.row()));
        if (!m_history->isLoading() && m_history->contractId() == m_currentId)
            showHistory();
    } else if (!m_currentId.isEmpty()) {
        m_currentId.clear();
        m_history->clear();
        m_detailStack->setCurrentIndex(0);
        updateActions();
    }
}

void ContractsView::selectPending()
{
    if (m_pendingSelect.isEmpty())
        return;
    const QModelIndex src = m_model->indexOfId(m_pendingSelect);
    if (!src.isValid()) {
        // Older than the first page: keep fetching until it turns up or the list ends.
        if (!m_model->isLoading() && m_model->canFetchMore({}))
            m_model->fetchMore({});
        else if (!m_model->isLoading())
            m_pendingSelect.clear();
        return;
    }
    m_pendingSelect.clear();
    const QModelIndex idx = m_proxy->mapFromSource(src);
    m_table->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    m_table->scrollTo(idx);
}

QJsonObject ContractsView::currentContract() const
{
    if (m_history->contractId() == m_currentId && !m_history->contract().isEmpty())
        return m_history->contract();
    const int row = m_model->rowOfId(m_currentId);
    return row >= 0 ? m_model->itemAt(row) : QJsonObject();
}

void ContractsView::onCurrentChanged()
{
    const QModelIndex idx = m_table->selectionModel()->currentIndex();
    const QString id = idx.isValid() ? idx.data(ApiListModel::IdRole).toString() : QString();
    if (id == m_currentId)
        return;
    m_currentId = id;
    m_timeline->clear();
    m_submissions->clear();
    m_submissionDetail->clear();
    if (id.isEmpty()) {
        m_history->clear();
        m_detailStack->setCurrentIndex(0);
        updateActions();
        return;
    }
    m_detailStack->setCurrentIndex(1);
    showSummary(m_model->itemAt(m_model->rowOfId(id)));
    m_history->load(id, context().session->current().profileId());
}

ContractsView::Role ContractsView::myRole(const QJsonObject& contract) const
{
    const QString me = context().session->current().profileId();
    if (me.isEmpty())
        return Role::None;
    if (str(contract.value(QLatin1String("buyer")).toObject(), "id") == me)
        return Role::Buyer;
    if (str(contract.value(QLatin1String("seller")).toObject(), "id") == me)
        return Role::Seller;
    return Role::None;
}

void ContractsView::showSummary(const QJsonObject& c)
{
    if (c.isEmpty())
        return;
    const QJsonObject terms = c.value(QLatin1String("terms")).toObject();
    m_title->setText(str(terms, "taskTitle").isEmpty() ? str(c, "id") : str(terms, "taskTitle"));
    const Role role = myRole(c);
    const QString you = tr(" (you)");
    const QString status = str(c, "status");
    QStringList lines;
    lines << tr("Buyer: <b>@%1</b>%2 &nbsp;&middot;&nbsp; Seller: <b>@%3</b>%4")
                 .arg(handle(c, "buyer").toHtmlEscaped(), role == Role::Buyer ? you : QString(),
                      handle(c, "seller").toHtmlEscaped(), role == Role::Seller ? you : QString());
    lines << tr("Price: <b>%1</b> &nbsp;&middot;&nbsp; State: <b>%2</b> &nbsp;&middot;&nbsp; Deliveries: %3 "
                "of %4")
                 .arg(priceOf(c).toHtmlEscaped(), ContractTableProxy::statusText(status))
                 .arg(c.value(QLatin1String("submissionCount")).toInt())
                 .arg(c.value(QLatin1String("maxSubmissions")).toInt());
    QString dates = tr("Started %1").arg(Formatting::localTime(str(c, "createdAt")));
    if (!str(c, "reviewDueAt").isEmpty())
        dates += tr(" &nbsp;&middot;&nbsp; review due %1 (accepted automatically after)")
                     .arg(Formatting::localTime(str(c, "reviewDueAt")));
    if (!str(c, "closedAt").isEmpty())
        dates += tr(" &nbsp;&middot;&nbsp; closed %1").arg(Formatting::localTime(str(c, "closedAt")));
    lines << dates;
    m_summary->setText(lines.join(QStringLiteral("<br>")));

    const QJsonObject cancel = c.value(QLatin1String("cancellation")).toObject();
    QString notice;
    if (!cancel.isEmpty() && isRunning(status)) {
        const bool mine = str(cancel, "appliedBy") == context().session->current().profileId();
        const QString reason = str(cancel, "reason").toHtmlEscaped();
        notice =
            mine ? tr("You asked to cancel this contract (\"%1\"). Waiting for the other party to confirm.")
                       .arg(reason)
                 : tr("The other party asks to cancel this contract: \"%1\". Confirm to end it, or carry on.")
                       .arg(reason);
    } else if (status == QLatin1String("submitted") && role == Role::Buyer) {
        notice = tr("A delivery waits for your review.");
    } else if (status == QLatin1String("rejected") && role == Role::Seller) {
        notice = tr("Your delivery was rejected; you can deliver again (%1 of %2 used).")
                     .arg(c.value(QLatin1String("submissionCount")).toInt())
                     .arg(c.value(QLatin1String("maxSubmissions")).toInt());
    }
    if (const QString dispute = m_disputeNotice->text(c, role == Role::Seller); !dispute.isEmpty())
        notice = dispute;
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
    updateActions();
}

void ContractsView::showHistory()
{
    if (m_history->contractId() != m_currentId)
        return;
    showSummary(m_history->contract());

    m_timeline->clear();
    for (const ContractTimeline::Entry& e : m_history->timeline()) {
        auto* item = new QTreeWidgetItem(m_timeline);
        QString when = Formatting::localTime(e.whenIso);
        if (e.approximate)
            when = tr("about %1").arg(when);
        item->setText(0, when);
        item->setToolTip(0, e.approximate ? tr("The server records no exact time for this step; this is the "
                                               "contract's nearest change.")
                                          : Formatting::timeToolTip(e.whenIso));
        item->setText(1, e.title);
        item->setText(2, e.detail);
        item->setToolTip(2, e.detail);
        item->setData(0, Qt::UserRole, ContractTimeline::kindName(e.kind));
        if (e.kind == ContractTimeline::Kind::Rejected || e.kind == ContractTimeline::Kind::Cancelled)
            item->setForeground(1, QColor(0xa6, 0x26, 0x1e));
        else if (e.kind == ContractTimeline::Kind::Accepted || e.kind == ContractTimeline::Kind::AutoAccepted)
            item->setForeground(1, QColor(0x1e, 0x7a, 0x34));
        if (e.kind == ContractTimeline::Kind::Message)
            item->setForeground(1, palette().color(QPalette::Disabled, QPalette::Text));
    }
    if (m_timeline->topLevelItemCount() > 0)
        m_timeline->scrollToItem(m_timeline->topLevelItem(m_timeline->topLevelItemCount() - 1));

    const QString previous = m_submissions->currentItem()
                                 ? m_submissions->currentItem()->data(1, Qt::UserRole).toString()
                                 : QString();
    m_submissions->clear();
    int n = 0;
    QTreeWidgetItem* reselect = nullptr;
    for (const QJsonValue& v : m_history->submissions()) {
        const QJsonObject s = v.toObject();
        ++n;
        auto* item = new QTreeWidgetItem(m_submissions);
        item->setText(0, QString::number(n));
        item->setToolTip(0, tr("Submitted %1").arg(Formatting::localTime(str(s, "createdAt"))));
        QString summary = str(s, "summaryText");
        if (summary.isEmpty())
            summary = str(s, "deliverableUrl");
        item->setText(1, summary.section(QLatin1Char('\n'), 0, 0));
        const QJsonObject ver = s.value(QLatin1String("verification")).toObject();
        item->setText(2, ver.isEmpty()                                 ? tr("not checked")
                         : ver.value(QLatin1String("passed")).toBool() ? tr("passed")
                                                                       : tr("failed"));
        item->setToolTip(2, str(ver, "detail"));
        const QString status = str(s, "status");
        QString decision;
        if (status == QLatin1String("accepted"))
            decision = s.value(QLatin1String("rating")).isDouble()
                           ? tr("Accepted, %1/5").arg(s.value(QLatin1String("rating")).toInt())
                           : tr("Accepted");
        else if (status == QLatin1String("rejected"))
            decision = tr("Rejected: %1").arg(str(s, "reason"));
        else
            decision = tr("Pending review");
        item->setText(3, decision);
        item->setToolTip(3, decision);

        QString html = tr("<h3>Delivery %1</h3>").arg(n);
        html += tr("<p><b>Submitted:</b> %1</p>").arg(Formatting::localTime(str(s, "createdAt")));
        if (!str(s, "summaryText").isEmpty())
            html += tr("<p><b>Summary:</b><br>%1</p>")
                        .arg(str(s, "summaryText")
                                 .toHtmlEscaped()
                                 .replace(QLatin1Char('\n'), QStringLiteral("<br>")));
        const QString output = outputText(s.value(QLatin1String("output")));
        if (!output.isEmpty())
            html += tr("<p><b>Output:</b></p><pre>%1</pre>").arg(output.toHtmlEscaped());
        if (!str(s, "deliverableUrl").isEmpty())
            html +=
                tr("<p><b>Link:</b> <a href=\"%1\">%1</a></p>").arg(str(s, "deliverableUrl").toHtmlEscaped());
        for (const QJsonValue& a : s.value(QLatin1String("attachments")).toArray())
            html += tr("<p><b>Attachment:</b> %1</p>").arg(str(a.toObject(), "name").toHtmlEscaped());
        if (!str(s, "notes").isEmpty())
            html += tr("<p><b>Notes:</b> %1</p>").arg(str(s, "notes").toHtmlEscaped());
        if (!ver.isEmpty())
            html += tr("<p><b>Verification:</b> %1 %2</p>")
                        .arg(item->text(2), str(ver, "detail").toHtmlEscaped());
        html += tr("<p><b>Decision:</b> %1</p>").arg(decision.toHtmlEscaped());
        item->setData(0, Qt::UserRole, html);
        item->setData(1, Qt::UserRole, str(s, "id"));
        item->setToolTip(1, summary);
        if (str(s, "id") == previous)
            reselect = item;
    }
    if (!reselect && m_submissions->topLevelItemCount() > 0)
        reselect = m_submissions->topLevelItem(m_submissions->topLevelItemCount() - 1);
    if (reselect)
        m_submissions->setCurrentItem(reselect);
    updateActions();
}

void ContractsView::updateActions()
{
    const QJsonObject c = m_currentId.isEmpty() ? QJsonObject() : currentContract();
    const Role role = myRole(c);
    const QString status = str(c, "status");
    const bool busy = m_action && m_action->isRunning();
    const bool party = role != Role::None && !busy;
    const QJsonObject cancel = c.value(QLatin1String("cancellation")).toObject();
    const QString me = context().session->current().profileId();
    const bool mineAsked = !cancel.isEmpty() && str(cancel, "appliedBy") == me;
    const bool otherAsked = !cancel.isEmpty() && !mineAsked;

    m_deliver->setEnabled(party && role == Role::Seller &&
                          (status == QLatin1String("in_progress") || status == QLatin1String("rejected")) &&
                          c.value(QLatin1String("submissionCount")).toInt() <
                              c.value(QLatin1String("maxSubmissions")).toInt(3));
    m_openInReview->setEnabled(party && role == Role::Buyer && status == QLatin1String("submitted"));
    m_requestCancel->setEnabled(party && isRunning(status) && cancel.isEmpty());
    m_confirmCancel->setEnabled(party && isRunning(status) && otherAsked);
    m_withdrawCancel->setEnabled(party && isRunning(status) && mineAsked);
    m_confirmCancel->setVisible(otherAsked || cancel.isEmpty() || !isRunning(status));
    m_withdrawCancel->setVisible(mineAsked);

    bool reviewed = false;
    if (m_history->contractId() == m_currentId)
        for (const QJsonValue& r : m_history->reviews())
            reviewed = reviewed || str(r.toObject(), "authorId") == me;
    // Whether I reviewed is only known once the reviews are in.
    const bool reviewsKnown = m_history->contractId() == m_currentId && !m_history->isLoading();
    m_review->setEnabled(party && reviewsKnown && !reviewed &&
                         (status == QLatin1String("accepted") || status == QLatin1String("resolved")));
    m_openDispute->setEnabled(!busy && canOpenDispute(c));
    m_review->setToolTip(reviewed ? tr("You reviewed this contract already")
                                  : tr("Rate the other party once the contract is accepted"));
}

void ContractsView::runAction(Command* command)
{
    m_action = command;
    connect(command, &Command::runningChanged, this, &ContractsView::updateActions);
    connect(command, &Command::succeeded, this, &ContractsView::refreshAll);
    context().commands->run(command);
    updateActions();
}

void ContractsView::deliver()
{
    const QJsonObject c = currentContract();
    const QString id = m_currentId;
    auto* dialog = new DeliverDialog(str(c.value(QLatin1String("terms")).toObject(), "taskTitle"), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(tr("Deliver"), [client, id, dialog] {
        return client->contracts().deliver(id, dialog->submission());
    });
    dialog->setCommand(command, context().commands);
    m_action = command;
    connect(command, &Command::runningChanged, this, &ContractsView::updateActions);
    connect(command, &Command::succeeded, this, &ContractsView::refreshAll);
    dialog->open();
}

void ContractsView::requestCancellation()
{
    const QJsonObject c = currentContract();
    const QString id = m_currentId;
    auto* dialog = new CancellationRequestDialog(
        myRole(c) == Role::Buyer, str(c, "currency") == QLatin1String("CREDITS") ? priceOf(c) : QString(),
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(tr("Request cancellation"), [client, id, dialog] {
        return client->contracts().cancellation(id, QStringLiteral("apply"), dialog->reason());
    });
    dialog->setCommand(command, context().commands);
    m_action = command;
    connect(command, &Command::runningChanged, this, &ContractsView::updateActions);
    connect(command, &Command::succeeded, this, &ContractsView::refreshAll);
    dialog->open();
}

void ContractsView::confirmCancellation()
{
    const QString id = m_currentId;
    models::ApiClient* client = context().client;
    runAction(new ApiCommand(tr("Confirm cancellation"), [client, id] {
        return client->contracts().cancellation(id, QStringLiteral("confirm"));
    }));
}

void ContractsView::withdrawCancellation()
{
    const QString id = m_currentId;
    models::ApiClient* client = context().client;
    runAction(new ApiCommand(tr("Withdraw cancellation request"), [client, id] {
        return client->contracts().cancellation(id, QStringLiteral("withdraw"));
    }));
}

void ContractsView::leaveReview()
{
    const QJsonObject c = currentContract();
    const QString id = m_currentId;
    const QString other = myRole(c) == Role::Buyer ? handle(c, "seller") : handle(c, "buyer");
    auto* dialog = new ReviewDialog(other, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(tr("Post review"), [client, id, dialog] {
        return client->contracts().review(id, dialog->rating(), dialog->text());
    });
    dialog->setCommand(command, context().commands);
    m_action = command;
    connect(command, &Command::runningChanged, this, &ContractsView::updateActions);
    connect(command, &Command::succeeded, this, &ContractsView::refreshAll);
    dialog->open();
}

void ContractsView::openInReview()
{
    if (!m_currentId.isEmpty())
        emit navigateRequested(QStringLiteral("reviewView"), m_currentId);
}

bool ContractsView::canOpenDispute(const QJsonObject& c) const
{
    const Role role = myRole(c);
    const QString status = str(c, "status");
    const int delivered = c.value(QLatin1String("submissionCount")).toInt();
    // Seed 000: the worker, once every allowed delivery was rejected.
    if (role == Role::Seller && status == QLatin1String("rejected") &&
        delivered >= c.value(QLatin1String("maxSubmissions")).toInt(3))
        return true;
    // A skill hire: either party, once something was delivered.
    return str(c, "kind") == QLatin1String("hire") && role != Role::None && isRunning(status) &&
           delivered > 0;
}

void ContractsView::openDispute()
{
    const QJsonObject c = currentContract();
    const QString id = m_currentId;
    auto* dialog =
        new OpenDisputeDialog(str(c, "currency") == QLatin1String("CREDITS") ? priceOf(c) : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(tr("Open dispute"), [client, id, dialog] {
        return client->disputes().open(id, dialog->reason(), dialog->evidence());
    });
    dialog->setCommand(command, context().commands);
    m_action = command;
    connect(command, &Command::runningChanged, this, &ContractsView::updateActions);
    connect(command, &Command::succeeded, this, &ContractsView::refreshAll);
    dialog->open();
}

} // namespace taskdesk::ui
