#include "TaskDetailPane.h"

#include "ActionFormDialog.h"
#include "ApiClient.h"
#include "ApplicationListModel.h"
#include "BidJobs.h"
#include "BidListModel.h"
#include "CommentListModel.h"
#include "ContractJobs.h"
#include "EntityJob.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "Session.h"
#include "TaskJobs.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::Formatting;

namespace {

QString s(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QLabel* makeLabel(const QString& objectName, QWidget* parent, bool wrap = true)
{
    auto* l = new QLabel(parent);
    l->setObjectName(objectName);
    l->setWordWrap(wrap);
    l->setTextFormat(Qt::PlainText);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

QTableView* makeTable(const QString& objectName, const QString& accessibleName, QWidget* parent)
{
    auto* t = new QTableView(parent);
    t->setObjectName(objectName);
    t->setAccessibleName(accessibleName);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->setMinimumHeight(110);
    t->setMaximumHeight(200);
    return t;
}

QPushButton* makeButton(const QString& text, const QString& objectName, QWidget* parent)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(objectName);
    b->setAccessibleName(QString(text).remove(QLatin1Char('&')).remove(QStringLiteral("...")));
    return b;
}

} // namespace

TaskDetailPane::TaskDetailPane(const ViewContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    setObjectName(QStringLiteral("taskDetail"));
    setAccessibleName(tr("Task details"));
    m_stack = new QStackedWidget(this);
    auto* empty = new QLabel(tr("Select a task to see what it asks for, its bids and its thread."), this);
    empty->setObjectName(QStringLiteral("detailEmpty"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    m_stack->addWidget(empty);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(buildContent());
    m_stack->addWidget(scroll);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    m_stack->setCurrentIndex(0);
    m_commentPoll.setInterval(std::chrono::seconds(10));
    connect(&m_commentPoll, &QTimer::timeout, this, [this] {
        if (isVisible() && !isOwner() && m_comments && !m_comments->isLoading())
            m_comments->refresh();
    });
    updateActions();
}

QWidget* TaskDetailPane::buildContent()
{
    auto* content = new QWidget(this);
    auto* layout = new QVBoxLayout(content);

    m_title = makeLabel(QStringLiteral("detailTitle"), content);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.35);
    f.setBold(true);
    m_title->setFont(f);
    layout->addWidget(m_title);
    m_meta = makeLabel(QStringLiteral("detailMeta"), content);
    layout->addWidget(m_meta);
    m_budget = makeLabel(QStringLiteral("detailBudget"), content);
    QFont bf = m_budget->font();
    bf.setBold(true);
    m_budget->setFont(bf);
    layout->addWidget(m_budget);
    m_loadError = makeLabel(QStringLiteral("detailLoadError"), content);
    m_loadError->setStyleSheet(QStringLiteral("color: #cf222e;"));
    m_loadError->hide();
    layout->addWidget(m_loadError);

    auto* actions = new QHBoxLayout;
    m_bidButton = makeButton(tr("&Bid..."), QStringLiteral("bidButton"), content);
    m_claimButton = makeButton(tr("&Claim"), QStringLiteral("claimButton"), content);
    m_cancelButton = makeButton(tr("Cancel task..."), QStringLiteral("cancelTaskButton"), content);
    actions->addWidget(m_bidButton);
    actions->addWidget(m_claimButton);
    actions->addWidget(m_cancelButton);
    actions->addStretch(1);
    layout->addLayout(actions);
    m_actionHint = makeLabel(QStringLiteral("detailActionHint"), content);
    m_actionHint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(m_actionHint);

    auto* descriptionHeader = new QLabel(tr("<b>Description</b>"), content);
    layout->addWidget(descriptionHeader);
    m_description = makeLabel(QStringLiteral("detailDescription"), content);
    layout->addWidget(m_description);
    layout->addWidget(new QLabel(tr("<b>Acceptance criteria</b>"), content));
    m_criteria = makeLabel(QStringLiteral("detailCriteria"), content);
    layout->addWidget(m_criteria);
    m_skills = makeLabel(QStringLiteral("detailSkills"), content);
    layout->addWidget(m_skills);
    m_verification = makeLabel(QStringLiteral("detailVerification"), content);
    layout->addWidget(m_verification);

    m_bidsGroup = new QGroupBox(tr("Bids"), content);
    m_bidsGroup->setObjectName(QStringLiteral("bidsGroup"));
    auto* bidsLayout = new QVBoxLayout(m_bidsGroup);
    m_bidTable = makeTable(QStringLiteral("bidTable"), tr("Bids"), m_bidsGroup);
    bidsLayout->addWidget(m_bidTable);
    auto* bidActions = new QHBoxLayout;
    m_hireButton = makeButton(tr("&Hire"), QStringLiteral("hireButton"), m_bidsGroup);
    m_counterButton = makeButton(tr("Counter-offer..."), QStringLiteral("counterOfferButton"), m_bidsGroup);
    m_rejectBidButton = makeButton(tr("Reject..."), QStringLiteral("rejectBidButton"), m_bidsGroup);
    bidActions->addWidget(m_hireButton);
    bidActions->addWidget(m_counterButton);
    bidActions->addWidget(m_rejectBidButton);
    bidActions->addStretch(1);
    bidsLayout->addLayout(bidActions);
    layout->addWidget(m_bidsGroup);

    m_applicationsGroup = new QGroupBox(tr("Applications"), content);
    m_applicationsGroup->setObjectName(QStringLiteral("applicationsGroup"));
    auto* appLayout = new QVBoxLayout(m_applicationsGroup);
    m_applicationTable =
        makeTable(QStringLiteral("applicationTable"), tr("Applications"), m_applicationsGroup);
    appLayout->addWidget(m_applicationTable);
    auto* appActions = new QHBoxLayout;
    m_approveButton =
        makeButton(tr("&Approve"), QStringLiteral("approveApplicationButton"), m_applicationsGroup);
    m_rejectAppButton =
        makeButton(tr("Reject..."), QStringLiteral("rejectApplicationButton"), m_applicationsGroup);
    appActions->addWidget(m_approveButton);
    appActions->addWidget(m_rejectAppButton);
    appActions->addStretch(1);
    appLayout->addLayout(appActions);
    layout->addWidget(m_applicationsGroup);

    m_submissionsGroup = new QGroupBox(tr("Submissions"), content);
    m_submissionsGroup->setObjectName(QStringLiteral("submissionsGroup"));
    auto* subLayout = new QHBoxLayout(m_submissionsGroup);
    m_pendingSubmissions = makeLabel(QStringLiteral("pendingSubmissions"), m_submissionsGroup);
    m_reviewButton =
        makeButton(tr("Review..."), QStringLiteral("reviewSubmissionsButton"), m_submissionsGroup);
    subLayout->addWidget(m_pendingSubmissions, 1);
    subLayout->addWidget(m_reviewButton);
    layout->addWidget(m_submissionsGroup);

    auto* commentsGroup = new QGroupBox(tr("Comments"), content);
    commentsGroup->setObjectName(QStringLiteral("commentsGroup"));
    auto* commentsLayout = new QVBoxLayout(commentsGroup);
    m_commentTable = makeTable(QStringLiteral("commentTable"), tr("Comments"), commentsGroup);
    m_commentTable->setWordWrap(true);
    commentsLayout->addWidget(m_commentTable);
    auto* commentRow = new QHBoxLayout;
    m_commentEdit = new QLineEdit(commentsGroup);
    m_commentEdit->setObjectName(QStringLiteral("commentEdit"));
    m_commentEdit->setAccessibleName(tr("New comment"));
    m_commentEdit->setPlaceholderText(tr("Ask or answer in the task's public thread"));
    m_commentEdit->setMaxLength(5000);
    m_commentButton = makeButton(tr("Comment"), QStringLiteral("addCommentButton"), commentsGroup);
    commentRow->addWidget(m_commentEdit, 1);
    commentRow->addWidget(m_commentButton);
    commentsLayout->addLayout(commentRow);
    layout->addWidget(commentsGroup);
    layout->addStretch(1);

    connect(m_bidButton, &QPushButton::clicked, this, &TaskDetailPane::placeBid);
    connect(m_claimButton, &QPushButton::clicked, this, &TaskDetailPane::claim);
    connect(m_cancelButton, &QPushButton::clicked, this, &TaskDetailPane::cancelTask);
    connect(m_hireButton, &QPushButton::clicked, this, &TaskDetailPane::hireSelected);
    connect(m_counterButton, &QPushButton::clicked, this, &TaskDetailPane::counterOfferSelected);
    connect(m_rejectBidButton, &QPushButton::clicked, this, &TaskDetailPane::rejectSelectedBid);
    connect(m_approveButton, &QPushButton::clicked, this, &TaskDetailPane::approveSelectedApplication);
    connect(m_rejectAppButton, &QPushButton::clicked, this, &TaskDetailPane::rejectSelectedApplication);
    connect(m_reviewButton, &QPushButton::clicked, this,
            [this] { emit navigateRequested(QStringLiteral("reviewView"), m_taskId); });
    connect(m_commentEdit, &QLineEdit::textChanged, this, &TaskDetailPane::updateActions);
    connect(m_commentEdit, &QLineEdit::returnPressed, this, &TaskDetailPane::addComment);
    connect(m_commentButton, &QPushButton::clicked, this, &TaskDetailPane::addComment);
    return content;
}

bool TaskDetailPane::isOwner() const
{
    const QString me = m_context.session ? m_context.session->current().profileId() : QString();
    return !me.isEmpty() &&
           m_task.value(QLatin1String("owner")).toObject().value(QLatin1String("id")).toString() == me;
}

void TaskDetailPane::showTask(const QJsonObject& summary)
{
    const QString id = s(summary, "id");
    if (id.isEmpty()) {
        clear();
        return;
    }
    const bool same = id == m_taskId;
    m_taskId = id;
    if (!same || !m_full) {
        m_task = summary;
        m_full = false;
    }
    if (!same)
        rebuildModels();
    m_commentPoll.start();
    m_stack->setCurrentIndex(1);
    render();
    loadTask();
}

void TaskDetailPane::showTaskId(const QString& taskId)
{
    if (taskId.isEmpty())
        return;
    showTask(QJsonObject{{QStringLiteral("id"), taskId}});
}

void TaskDetailPane::clear()
{
    if (m_loadJob)
        m_loadJob->abort();
    if (m_form)
        m_form->close();
    m_commentPoll.stop();
    m_taskId.clear();
    m_task = {};
    m_full = false;
    m_commentEdit->clear();
    rebuildModels();
    m_stack->setCurrentIndex(0);
    updateActions();
}

void TaskDetailPane::refresh()
{
    if (m_taskId.isEmpty())
        return;
    loadTask();
    if (m_comments && !m_comments->isLoading())
        m_comments->refresh();
    if (m_ownerListsLoaded)
        refreshOwnerLists();
}

void TaskDetailPane::refreshOwnerLists()
{
    const QString mode = s(m_task, "mode");
    if (mode == QLatin1String("bid") && !m_bids->isLoading())
        m_bids->refresh();
    if (mode == QLatin1String("claim") && !m_applications->isLoading())
        m_applications->refresh();
}

void TaskDetailPane::loadTask()
{
    if (m_loadJob)
        m_loadJob->abort();
    m_loadJob = m_context.client->tasks().get(m_taskId);
    const QString id = m_taskId;
    connect(m_loadJob, &models::EntityJob::received, this, [this, id](const QJsonObject& task) {
        if (id != m_taskId)
            return;
        m_task = task;
        m_full = true;
        m_loadError->hide();
        render();
        // The owner's lists load once the full record says the caller owns the task.
        if (isOwner() && !m_ownerListsLoaded) {
            m_ownerListsLoaded = true;
            refreshOwnerLists();
        }
    });
    connect(m_loadJob, &models::EntityJob::failed, this, [this, id](const models::ApiError& error) {
        if (id != m_taskId || error.kind() == models::ApiError::Kind::Aborted)
            return;
        m_loadError->setText(tr("Could not load this task: %1").arg(error.message()));
        m_loadError->show();
    });
    m_loadJob->start();
}

void TaskDetailPane::rebuildModels()
{
    delete m_bids;
    delete m_applications;
    delete m_comments;
    m_ownerListsLoaded = false;
    m_bids = new models::BidListModel(m_context.client, m_taskId, this);
    m_applications = new models::ApplicationListModel(m_context.client, m_taskId, this);
    m_comments = new models::CommentListModel(m_context.client, m_taskId, this);
    m_bidTable->setModel(m_bids);
    m_bidTable->hideColumn(models::BidListModel::Task);
    m_bidTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_applicationTable->setModel(m_applications);
    m_applicationTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_commentTable->setModel(m_comments);
    m_commentTable->horizontalHeader()->setSectionResizeMode(models::CommentListModel::Author,
                                                             QHeaderView::ResizeToContents);
    m_commentTable->horizontalHeader()->setSectionResizeMode(models::CommentListModel::Body,
                                                             QHeaderView::Stretch);
    m_commentTable->horizontalHeader()->setStretchLastSection(false);
    m_commentTable->horizontalHeader()->setSectionResizeMode(models::CommentListModel::Created,
                                                             QHeaderView::ResizeToContents);
    // Keep the selected bid or application selected across a reload.
    const std::pair<ApiListModel*, QTableView*> lists[] = {{m_bids, m_bidTable},
                                                           {m_applications, m_applicationTable}};
    for (const auto& list : lists) {
        ApiListModel* model = list.first;
        QTableView* table = list.second;
        connect(model, &QAbstractItemModel::modelAboutToBeReset, table, [table] {
            const QModelIndex current = table->currentIndex();
            table->setProperty("taskdesk.keepId",
                               current.isValid() ? current.data(ApiListModel::IdRole) : QVariant());
        });
        connect(model, &ApiListModel::refreshed, table, [model, table] {
            const QString id = table->property("taskdesk.keepId").toString();
            if (!id.isEmpty())
                if (const QModelIndex idx = model->indexOfId(id); idx.isValid())
                    table->setCurrentIndex(idx);
        });
        connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                &TaskDetailPane::updateActions);
        connect(model, &QAbstractItemModel::modelReset, this, &TaskDetailPane::updateActions);
        connect(model, &QAbstractItemModel::rowsInserted, this, &TaskDetailPane::updateActions);
    }
    if (!m_taskId.isEmpty())
        m_comments->refresh();
}

QString TaskDetailPane::budgetText() const
{
    const QJsonValue amount = m_task.value(QLatin1String("budgetAmount"));
    if (amount.isDouble()) {
        QString currency = s(m_task, "budgetCurrency");
        if (currency == QLatin1String("OTHER"))
            currency = s(m_task, "budgetCurrencyCustom");
        return Formatting::amount(amount, currency.isEmpty() ? QStringLiteral("CREDITS") : currency);
    }
    const QString text = s(m_task, "budgetText");
    return text.isEmpty() ? tr("No budget: bidders name their price") : text;
}

void TaskDetailPane::render()
{
    m_title->setText(s(m_task, "title").isEmpty() ? tr("Loading...") : s(m_task, "title"));
    const QString mode = s(m_task, "mode");
    QStringList meta;
    if (!s(m_task, "status").isEmpty())
        meta << s(m_task, "status");
    if (mode == QLatin1String("bid"))
        meta << tr("bids, then hire");
    else if (mode == QLatin1String("claim"))
        meta << (m_task.value(QLatin1String("requireApproval")).toBool() ? tr("claim with approval")
                                                                         : tr("first matching agent claims"));
    else if (mode == QLatin1String("open"))
        meta << tr("open: anyone submits");
    const QString ownerHandle =
        m_task.value(QLatin1String("owner")).toObject().value(QLatin1String("handle")).toString();
    if (!ownerHandle.isEmpty())
        meta << (isOwner() ? tr("posted by you") : tr("posted by @%1").arg(ownerHandle));
    if (!s(m_task, "createdAt").isEmpty())
        meta << Formatting::localTime(s(m_task, "createdAt"));
    if (!s(m_task, "deadline").isEmpty())
        meta << tr("due %1").arg(Formatting::localTime(s(m_task, "deadline")));
    if (s(m_task, "visibility") == QLatin1String("unlisted"))
        meta << tr("unlisted");
    meta << tr("review within %n hour(s)", nullptr,
               m_task.value(QLatin1String("reviewWindowHours")).toInt(72));
    m_meta->setText(meta.join(QStringLiteral("  \u00b7  ")));
    QString budget = tr("Budget: %1").arg(budgetText());
    if (m_task.contains(QLatin1String("escrowAmount")) && isOwner())
        budget += tr("  (in escrow: %1)")
                      .arg(Formatting::amount(m_task.value(QLatin1String("escrowAmount")),
                                              QStringLiteral("CREDITS")));
    m_budget->setText(budget);
    m_description->setText(s(m_task, "description"));
    QStringList criteria;
    const QJsonArray list = m_task.value(QLatin1String("acceptanceCriteria")).toArray();
    for (int i = 0; i < list.size(); ++i)
        criteria << QStringLiteral("%1. %2").arg(i + 1).arg(list.at(i).toString());
    m_criteria->setText(criteria.isEmpty() ? tr("None stated.") : criteria.join(QLatin1Char('\n')));
    QStringList skills;
    for (const QJsonValue& v : m_task.value(QLatin1String("skillsTags")).toArray())
        skills << v.toString();
    m_skills->setText(skills.isEmpty() ? tr("Skills: any agent")
                                       : tr("Skills: %1").arg(skills.join(QStringLiteral(", "))));
    const QJsonObject rule = m_task.value(QLatin1String("verification")).toObject();
    QString verification;
    const QString type = s(rule, "type");
    if (type == QLatin1String("regex"))
        verification =
            tr("Verified by machine: the output must contain a match for %1").arg(s(rule, "pattern"));
    else if (type == QLatin1String("sha256"))
        verification = tr("Verified by machine: the output's SHA-256 must be %1").arg(s(rule, "value"));
    else if (type == QLatin1String("json-schema"))
        verification = tr("Verified by machine: the output must meet a JSON schema");
    if (!verification.isEmpty() && rule.value(QLatin1String("autoAccept")).toBool())
        verification += tr("; a passing submission is accepted at once");
    m_verification->setText(verification);
    m_verification->setVisible(!verification.isEmpty());

    const bool owner = isOwner();
    m_bidsGroup->setVisible(owner && mode == QLatin1String("bid"));
    const QJsonObject summary = m_task.value(QLatin1String("bidSummary")).toObject();
    m_bidsGroup->setTitle(summary.isEmpty() ? tr("Bids")
                                            : tr("Bids (%1 active of %2)")
                                                  .arg(summary.value(QLatin1String("active")).toInt())
                                                  .arg(summary.value(QLatin1String("total")).toInt()));
    m_applicationsGroup->setVisible(owner && mode == QLatin1String("claim") &&
                                    m_task.value(QLatin1String("requireApproval")).toBool());
    m_submissionsGroup->setVisible(owner && mode == QLatin1String("open"));
    const int pending = m_task.value(QLatin1String("pendingSubmissions")).toInt();
    m_pendingSubmissions->setText(pending > 0
                                      ? tr("%n submission(s) waiting for your review", nullptr, pending)
                                      : tr("No submissions waiting"));
    updateActions();
}

QJsonObject TaskDetailPane::selectedBid() const
{
    const QModelIndex idx = m_bidTable->currentIndex();
    return idx.isValid() && m_bids ? m_bids->itemAt(idx.row()) : QJsonObject();
}

QJsonObject TaskDetailPane::selectedApplication() const
{
    const QModelIndex idx = m_applicationTable->currentIndex();
    return idx.isValid() && m_applications ? m_applications->itemAt(idx.row()) : QJsonObject();
}

void TaskDetailPane::updateActions()
{
    const bool busy = (m_running && m_running->isRunning()) || m_form;
    const bool owner = isOwner();
    const bool open = s(m_task, "status") == QLatin1String("open");
    const QString mode = s(m_task, "mode");
    const bool known = m_full && !m_taskId.isEmpty();

    const bool bidActive = s(selectedBid(), "status") == QLatin1String("active");
    const bool canBidActions = known && owner && open && mode == QLatin1String("bid") && bidActive && !busy;
    m_hireButton->setEnabled(canBidActions);
    m_counterButton->setEnabled(canBidActions);
    m_rejectBidButton->setEnabled(canBidActions);
    const bool appPending = s(selectedApplication(), "status") == QLatin1String("pending");
    m_approveButton->setEnabled(known && owner && open && appPending && !busy);
    m_rejectAppButton->setEnabled(known && owner && open && appPending && !busy);
    m_reviewButton->setEnabled(m_task.value(QLatin1String("pendingSubmissions")).toInt() > 0);

    m_cancelButton->setVisible(owner);
    m_cancelButton->setEnabled(known && owner && open && !busy);
    m_bidButton->setVisible(!owner && mode == QLatin1String("bid"));
    m_bidButton->setEnabled(known && open && !busy);
    m_claimButton->setVisible(!owner && mode == QLatin1String("claim"));
    m_claimButton->setText(m_task.value(QLatin1String("requireApproval")).toBool() ? tr("&Apply")
                                                                                   : tr("&Claim"));
    m_claimButton->setEnabled(known && open && !busy);

    QString hint;
    if (!known)
        hint = m_taskId.isEmpty() ? QString() : tr("Loading the task...");
    else if (!open)
        hint = tr("This task is %1: nothing more can be done with it here.").arg(s(m_task, "status"));
    else if (owner && mode == QLatin1String("bid"))
        hint = tr("Select a bid to hire, counter or reject it. New bids appear here as they arrive.");
    else if (owner && mode == QLatin1String("open"))
        hint = tr("Agents submit directly; review their submissions in Review.");
    else if (owner && m_task.value(QLatin1String("requireApproval")).toBool())
        hint = tr("Agents apply to claim this task: select an application to approve or reject it.");
    else if (owner)
        hint = tr("The first agent whose skills match claims this task.");
    else if (mode == QLatin1String("open"))
        hint = tr("Open task: deliver through an agent's submission (taskdesk-agent or the API).");
    m_actionHint->setText(hint);
    m_actionHint->setVisible(!hint.isEmpty());

    const bool commentRunning = m_commentCommand && m_commentCommand->isRunning();
    m_commentButton->setEnabled(known && !m_commentEdit->text().trimmed().isEmpty() && !commentRunning);
}

void TaskDetailPane::runAction(const QString& title, std::function<models::JsonJob*()> factory)
{
    auto* command = new ApiCommand(title, std::move(factory));
    m_running = command;
    connect(command, &Command::runningChanged, this, &TaskDetailPane::updateActions);
    connect(command, &Command::succeeded, this, [this] {
        refresh();
        emit taskChanged(m_taskId);
    });
    m_context.commands->run(command);
    updateActions();
}

void TaskDetailPane::openForm(ActionFormDialog* dialog)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_form = dialog;
    connect(dialog, &ActionFormDialog::succeeded, this, [this] {
        refresh();
        emit taskChanged(m_taskId);
    });
    connect(dialog, &QDialog::finished, this, [this] {
        m_form = nullptr;
        updateActions();
    });
    dialog->open();
    updateActions();
}

void TaskDetailPane::hireSelected()
{
    const QJsonObject bid = selectedBid();
    const QString bidId = s(bid, "id");
    if (bidId.isEmpty())
        return;
    const QString handle =
        bid.value(QLatin1String("bidder")).toObject().value(QLatin1String("handle")).toString();
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    runAction(tr("Hire @%1").arg(handle), [client, taskId, bidId]() -> models::JsonJob* {
        return client->contracts().hire(taskId, bidId);
    });
}

void TaskDetailPane::counterOfferSelected()
{
    const QJsonObject bid = selectedBid();
    const QString bidId = s(bid, "id");
    if (bidId.isEmpty())
        return;
    ActionFormDialog::Fields fields;
    fields.amountLabel = tr("Your offer");
    fields.currency =
        s(m_task, "budgetCurrency").isEmpty() ? QStringLiteral("CREDITS") : s(m_task, "budgetCurrency");
    fields.amountRequired = true;
    fields.textLabel = tr("Message");
    fields.multiline = true;
    models::ApiClient* client = m_context.client;
    auto* dialog = new ActionFormDialog(
        m_context, tr("Counter-offer"),
        tr("@%1 asked for %2. Offer other terms; they can accept or decline.")
            .arg(bid.value(QLatin1String("bidder")).toObject().value(QLatin1String("handle")).toString(),
                 m_bids->data(m_bids->index(m_bidTable->currentIndex().row(), models::BidListModel::Price))
                     .toString()),
        tr("Send counter-offer"), fields,
        [client, bidId](const ActionFormDialog& form) -> models::JsonJob* {
            QJsonObject offer;
            if (form.isCreditsAmount())
                offer.insert(QStringLiteral("proposedAmount"), form.amountValue());
            else
                offer.insert(QStringLiteral("priceText"), form.amountText());
            if (!form.text().isEmpty())
                offer.insert(QStringLiteral("message"), form.text());
            return client->bids().counterOffer(bidId, offer);
        },
        this);
    dialog->setObjectName(QStringLiteral("counterOfferDialog"));
    openForm(dialog);
}

void TaskDetailPane::rejectSelectedBid()
{
    const QJsonObject bid = selectedBid();
    const QString bidId = s(bid, "id");
    if (bidId.isEmpty())
        return;
    ActionFormDialog::Fields fields;
    fields.textLabel = tr("Reason");
    fields.textRequired = true;
    models::ApiClient* client = m_context.client;
    auto* dialog = new ActionFormDialog(
        m_context, tr("Reject bid"),
        tr("Reject @%1's bid? They see your reason.")
            .arg(bid.value(QLatin1String("bidder")).toObject().value(QLatin1String("handle")).toString()),
        tr("Reject bid"), fields,
        [client, bidId](const ActionFormDialog& form) -> models::JsonJob* {
            return client->bids().reject(bidId, form.text());
        },
        this);
    dialog->setObjectName(QStringLiteral("rejectBidDialog"));
    openForm(dialog);
}

void TaskDetailPane::approveSelectedApplication()
{
    const QJsonObject app = selectedApplication();
    const QString appId = s(app, "id");
    if (appId.isEmpty())
        return;
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    runAction(
        tr("Approve @%1")
            .arg(app.value(QLatin1String("agent")).toObject().value(QLatin1String("handle")).toString()),
        [client, taskId, appId]() -> models::JsonJob* {
            return client->tasks().approveApplication(taskId, appId);
        });
}

void TaskDetailPane::rejectSelectedApplication()
{
    const QJsonObject app = selectedApplication();
    const QString appId = s(app, "id");
    if (appId.isEmpty())
        return;
    ActionFormDialog::Fields fields;
    fields.textLabel = tr("Reason");
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    auto* dialog = new ActionFormDialog(
        m_context, tr("Reject application"),
        tr("Decline @%1's application?")
            .arg(app.value(QLatin1String("agent")).toObject().value(QLatin1String("handle")).toString()),
        tr("Reject application"), fields,
        [client, taskId, appId](const ActionFormDialog& form) -> models::JsonJob* {
            return client->tasks().rejectApplication(taskId, appId, form.text());
        },
        this);
    dialog->setObjectName(QStringLiteral("rejectApplicationDialog"));
    openForm(dialog);
}

void TaskDetailPane::cancelTask()
{
    ActionFormDialog::Fields fields;
    fields.textLabel = tr("Reason");
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    QString prompt =
        tr("Cancel \"%1\"? Bids and claims stop; this cannot be undone.").arg(s(m_task, "title"));
    if (m_task.contains(QLatin1String("escrowAmount")))
        prompt += QLatin1Char(' ') + tr("The %1 held in escrow goes back to your available balance.")
                                         .arg(Formatting::amount(m_task.value(QLatin1String("escrowAmount")),
                                                                 QStringLiteral("CREDITS")));
    auto* dialog = new ActionFormDialog(
        m_context, tr("Cancel task"), prompt, tr("Cancel task"), fields,
        [client, taskId](const ActionFormDialog& form) -> models::JsonJob* {
            return client->tasks().cancel(taskId, form.text());
        },
        this);
    dialog->setObjectName(QStringLiteral("cancelTaskDialog"));
    openForm(dialog);
}

void TaskDetailPane::placeBid()
{
    ActionFormDialog::Fields fields;
    fields.amountLabel = tr("Your price");
    fields.currency =
        s(m_task, "budgetCurrency").isEmpty() ? QStringLiteral("CREDITS") : s(m_task, "budgetCurrency");
    fields.amountRequired = true;
    fields.eta = true;
    fields.textLabel = tr("Approach");
    fields.multiline = true;
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    auto* dialog = new ActionFormDialog(
        m_context, tr("Bid on task"),
        tr("Bid on \"%1\" (budget %2). The owner sees your price, delivery time and approach.")
            .arg(s(m_task, "title"), budgetText()),
        tr("Place bid"), fields,
        [client, taskId](const ActionFormDialog& form) -> models::JsonJob* {
            QJsonObject bid;
            if (form.isCreditsAmount())
                bid.insert(QStringLiteral("proposedAmount"), form.amountValue());
            else
                bid.insert(QStringLiteral("priceText"), form.amountText());
            bid.insert(QStringLiteral("etaDays"), form.etaDays());
            if (!form.text().isEmpty())
                bid.insert(QStringLiteral("approach"), form.text());
            return client->bids().place(taskId, bid);
        },
        this);
    dialog->setObjectName(QStringLiteral("bidDialog"));
    openForm(dialog);
}

void TaskDetailPane::claim()
{
    models::ApiClient* client = m_context.client;
    const QString taskId = m_taskId;
    const bool apply = m_task.value(QLatin1String("requireApproval")).toBool();
    runAction(apply ? tr("Apply for task") : tr("Claim task"),
              [client, taskId]() -> models::JsonJob* { return client->tasks().claim(taskId); });
}

void TaskDetailPane::addComment()
{
    if (!m_commentButton->isEnabled())
        return;
    if (!m_commentCommand) {
        // One command for the pane: "Try again" with the same text reuses its Idempotency-Key.
        m_commentCommand = new ApiCommand(
            tr("Comment"),
            [this]() -> models::JsonJob* {
                return m_context.client->tasks().addComment(m_taskId, m_commentEdit->text().trimmed());
            },
            this);
        connect(m_commentCommand, &Command::runningChanged, this, &TaskDetailPane::updateActions);
        connect(m_commentCommand, &Command::succeeded, this, [this] {
            m_commentEdit->clear();
            if (m_comments)
                m_comments->refresh();
        });
    }
    m_context.commands->run(m_commentCommand);
}

} // namespace taskdesk::ui
