#include "CaseFilePane.h"

#include "ApiClient.h"
#include "DisputeJobs.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "ResolveDialog.h"
#include "Session.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QColor>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::CaseFile;
using models::Formatting;

namespace {

// The server's default fee (platform-api.md), used only when the case file does not say.
constexpr int kDefaultFeePercent = 5;

QTreeWidget* tree(QWidget* parent, const QString& name, const QString& accessible, const QStringList& headers)
{
    auto* t = new QTreeWidget(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessible);
    t->setRootIsDecorated(false);
    t->setAlternatingRowColors(true);
    t->setHeaderLabels(headers);
    t->setWordWrap(true);
    return t;
}

QGroupBox* box(QWidget* parent, const QString& title, QWidget* content)
{
    auto* b = new QGroupBox(title, parent);
    auto* l = new QVBoxLayout(b);
    l->setContentsMargins(6, 6, 6, 6);
    l->addWidget(content);
    return b;
}

QString messageHtml(const CaseFile::Message& m, const QString& label, const QString& colour)
{
    return QStringLiteral("<p style=\"margin:4px 0\"><span style=\"color:%1\"><b>%2</b></span> "
                          "<b>@%3</b> <span style=\"color:#6b7280\">%4</span><br>%5</p>")
        .arg(colour, label.toHtmlEscaped(), m.author.toHtmlEscaped(), Formatting::localTime(m.createdAt),
             m.body.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
}

} // namespace

CaseFilePane::CaseFilePane(const ViewContext& context, QWidget* parent) : QWidget(parent), m_context(context)
{
    setObjectName(QStringLiteral("caseFilePane"));
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("caseTitle"));
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("caseSummary"));
    m_summary->setAccessibleName(tr("Case summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("caseState"));
    m_state->setWordWrap(true);
    m_state->setFrameShape(QFrame::StyledPanel);
    m_state->setMargin(6);

    m_assign = new QPushButton(tr("Assign to me"), this);
    m_assign->setObjectName(QStringLiteral("assignToMeButton"));
    m_assign->setToolTip(tr("Take this case: the queue shows you as its assignee"));
    m_resolve = new QPushButton(tr("Resolve..."), this);
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_resolve->setToolTip(
        tr("Decide the outcome: release, refund or split, with the exact credits shown first"));
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_assign);
    actions->addWidget(m_resolve);
    actions->addStretch(1);

    // Criteria beside the submissions, so each rejection reads against what was asked.
    m_criteria =
        tree(this, QStringLiteral("caseCriteria"), tr("Acceptance criteria"), {tr("#"), tr("Criterion")});
    m_criteria->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_submissions = tree(this, QStringLiteral("caseSubmissions"), tr("Submissions and decisions"),
                         {tr("#"), tr("Submitted"), tr("What was delivered"), tr("Decision"), tr("Reason")});
    m_submissions->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_submissions->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_submissions->header()->resizeSection(2, 200);
    m_submissions->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    auto* work = new QSplitter(Qt::Horizontal, this);
    work->addWidget(box(this, tr("Acceptance criteria"), m_criteria));
    work->addWidget(box(this, tr("Submissions and rejection reasons"), m_submissions));
    work->setStretchFactor(0, 2);
    work->setStretchFactor(1, 3);

    m_threads = new QTextBrowser(this);
    m_threads->setObjectName(QStringLiteral("caseThreads"));
    m_threads->setAccessibleName(tr("Threads and notes"));
    m_ledger = tree(this, QStringLiteral("caseLedger"), tr("Ledger entries"),
                    {tr("When"), tr("From"), tr("To"), tr("Amount"), tr("Kind")});
    m_ledger->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_audit = tree(this, QStringLiteral("caseAudit"), tr("Audit trail"),
                   {tr("When"), tr("Actor"), tr("Action"), tr("Via"), tr("Detail")});
    m_audit->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_audit->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_audit->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    auto* records = new QSplitter(Qt::Vertical, this);
    records->addWidget(box(this, tr("Ledger"), m_ledger));
    records->addWidget(box(this, tr("Audit trail"), m_audit));

    m_composer = new QPlainTextEdit(this);
    m_composer->setObjectName(QStringLiteral("caseComposer"));
    m_composer->setAccessibleName(tr("Note or message"));
    m_composer->setPlaceholderText(tr("Write an internal note, or a message both parties will read"));
    m_composer->setTabChangesFocus(true);
    m_composer->setFixedHeight(m_composer->fontMetrics().lineSpacing() * 3 + 12);
    m_addNote = new QPushButton(tr("Add internal note"), this);
    m_addNote->setObjectName(QStringLiteral("addNoteButton"));
    m_addNote->setToolTip(tr("Only support staff see notes"));
    m_sendMessage = new QPushButton(tr("Message both parties"), this);
    m_sendMessage->setObjectName(QStringLiteral("sendMessageButton"));
    auto* talk = new QWidget(this);
    auto* tl = new QVBoxLayout(talk);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->addWidget(m_threads, 1);
    tl->addWidget(m_composer);
    auto* talkButtons = new QHBoxLayout;
    talkButtons->addStretch(1);
    talkButtons->addWidget(m_addNote);
    talkButtons->addWidget(m_sendMessage);
    tl->addLayout(talkButtons);
    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(box(this, tr("Threads and notes"), talk));
    lower->addWidget(records);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);

    auto* main = new QSplitter(Qt::Vertical, this);
    main->addWidget(work);
    main->addWidget(lower);
    main->setStretchFactor(0, 2);
    main->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_summary);
    layout->addWidget(m_state);
    layout->addLayout(actions);
    layout->addWidget(main, 1);

    connect(m_assign, &QPushButton::clicked, this, &CaseFilePane::assignToMe);
    connect(m_addNote, &QPushButton::clicked, this, &CaseFilePane::addNote);
    connect(m_sendMessage, &QPushButton::clicked, this, &CaseFilePane::sendMessage);
    connect(m_resolve, &QPushButton::clicked, this, &CaseFilePane::resolve);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &CaseFilePane::updateActions);
    updateActions();
}

void CaseFilePane::load(const QString& disputeId)
{
    if (disputeId != m_id) {
        m_case = {};
        show(m_case);
    }
    m_id = disputeId;
    reload();
}

void CaseFilePane::reload()
{
    if (m_job) {
        disconnect(m_job, nullptr, this, nullptr);
        m_job->abort();
    }
    if (m_id.isEmpty())
        return;
    const QString id = m_id;
    m_job = m_context.client->disputes().caseFile(id);
    connect(m_job, &models::JsonJob::finished, this, [this, id, job = m_job.data()] {
        if (id != m_id)
            return;
        m_case = CaseFile::fromJson(job->json());
        show(m_case);
        emit loaded();
    });
    connect(m_job, &models::JsonJob::failed, this, [this, id](const models::ApiError& error) {
        if (id != m_id || error.kind() == models::ApiError::Kind::Aborted)
            return;
        m_state->setText(tr("Could not load this case: %1").arg(error.message()));
    });
    m_job->start();
    updateActions();
}

void CaseFilePane::show(const CaseFile& c)
{
    m_title->setText(c.isValid() ? (c.taskTitle().isEmpty() ? c.contractId() : c.taskTitle()) : QString());
    if (!c.isValid()) {
        m_summary->clear();
        m_state->clear();
        m_criteria->clear();
        m_submissions->clear();
        m_threads->clear();
        m_ledger->clear();
        m_audit->clear();
        updateActions();
        return;
    }
    m_summary->setText(
        tr("Buyer <b>@%1</b> &nbsp;&middot;&nbsp; Worker <b>@%2</b> &nbsp;&middot;&nbsp; Price <b>%3</b> "
           "&nbsp;&middot;&nbsp; In escrow <b>%4</b><br>Opened %5 by @%6: \"%7\"%8")
            .arg(c.buyerHandle().toHtmlEscaped(), c.sellerHandle().toHtmlEscaped(),
                 Formatting::cents(c.priceCents(), c.currency()),
                 Formatting::cents(c.escrowCents(), c.currency()), Formatting::localTime(c.createdAt()),
                 c.openedByHandle().toHtmlEscaped(), c.reason().toHtmlEscaped(),
                 c.evidence().isEmpty() ? QString()
                                        : tr("<br>Evidence: %1").arg(c.evidence().toHtmlEscaped())));
    QString state;
    if (c.isResolved()) {
        state = c.outcome() == QLatin1String("split")
                    ? tr("Resolved: split, %1% to the worker").arg(c.workerSharePercent())
                    : tr("Resolved: %1").arg(c.outcome());
        if (!c.resolutionNote().isEmpty())
            state += tr(" (\"%1\")").arg(c.resolutionNote());
    } else {
        state = c.assigneeId().isEmpty()
                    ? tr("Open, not assigned")
                    : tr("Open, assigned to @%1")
                          .arg(c.assigneeHandle().isEmpty() ? c.assigneeId() : c.assigneeHandle());
    }
    m_state->setText(state);
    m_state->setStyleSheet(c.isResolved() ? QStringLiteral("QLabel { background: #e3f4e8; }")
                                          : QStringLiteral("QLabel { background: #fdf3dc; }"));

    m_criteria->clear();
    int n = 0;
    for (const QString& criterion : c.criteria()) {
        auto* item = new QTreeWidgetItem(m_criteria, {QString::number(++n), criterion});
        item->setToolTip(1, criterion);
    }
    if (c.criteria().isEmpty())
        new QTreeWidgetItem(m_criteria, {QString(), tr("(no acceptance criteria were given)")});

    m_submissions->clear();
    for (const CaseFile::Submission& s : c.submissions()) {
        QString delivered = s.summary;
        if (!s.output.isEmpty())
            delivered += (delivered.isEmpty() ? QString() : QStringLiteral("\n")) + s.output;
        if (!s.deliverableUrl.isEmpty())
            delivered += (delivered.isEmpty() ? QString() : QStringLiteral("\n")) + s.deliverableUrl;
        auto* item =
            new QTreeWidgetItem(m_submissions, {QString::number(s.number), Formatting::localTime(s.createdAt),
                                                delivered, s.status, s.reason});
        item->setToolTip(2, delivered);
        item->setToolTip(4, s.reason);
        if (s.status == QLatin1String("rejected"))
            item->setForeground(3, QColor(0xa6, 0x26, 0x1e));
        else if (s.status == QLatin1String("accepted"))
            item->setForeground(3, QColor(0x1e, 0x7a, 0x34));
    }

    QString html;
    auto section = [&html](const QString& title) {
        html += QStringLiteral("<h4 style=\"margin:8px 0 2px 0\">%1</h4>").arg(title.toHtmlEscaped());
    };
    section(tr("Dispute thread"));
    if (c.disputeMessages().isEmpty())
        html += tr("<p><i>No messages yet.</i></p>");
    for (const auto& m : c.disputeMessages())
        html += messageHtml(m, tr("Message"), QStringLiteral("#1d4ed8"));
    section(tr("Internal notes (staff only)"));
    if (c.notes().isEmpty())
        html += tr("<p><i>No notes yet.</i></p>");
    for (const auto& m : c.notes())
        html += messageHtml(m, tr("Note"), QStringLiteral("#92400e"));
    section(tr("Contract thread"));
    if (c.contractMessages().isEmpty())
        html += tr("<p><i>No messages.</i></p>");
    for (const auto& m : c.contractMessages())
        html += messageHtml(m, QString(), QStringLiteral("#374151"));
    m_threads->setHtml(html);

    m_ledger->clear();
    for (const CaseFile::LedgerEntry& e : c.ledger()) {
        auto* item = new QTreeWidgetItem(m_ledger, {Formatting::localTime(e.createdAt), e.from, e.to,
                                                    Formatting::cents(e.cents, QString()), e.kind});
        item->setTextAlignment(3, Qt::AlignRight | Qt::AlignVCenter);
        item->setToolTip(4, e.reference);
    }
    m_audit->clear();
    for (const CaseFile::AuditEntry& e : c.audit()) {
        auto* item = new QTreeWidgetItem(
            m_audit, {Formatting::localTime(e.createdAt), e.actor, e.action, e.credential, e.detail});
        item->setToolTip(4, e.detail);
    }
    updateActions();
}

void CaseFilePane::updateActions()
{
    const bool busy = m_action && m_action->isRunning();
    const bool open = m_case.isValid() && !m_case.isResolved() && !busy;
    const QString me = m_context.session->current().profileId();
    m_assign->setEnabled(open && m_case.assigneeId() != me);
    m_assign->setText(open && m_case.assigneeId() == me ? tr("Assigned to you") : tr("Assign to me"));
    m_resolve->setEnabled(open && m_case.escrowCents() >= 0);
    const bool text = !m_composer->toPlainText().trimmed().isEmpty();
    m_addNote->setEnabled(m_case.isValid() && !busy && text);
    m_sendMessage->setEnabled(m_case.isValid() && !busy && text);
}

void CaseFilePane::runAction(Command* command, bool clearComposer)
{
    m_action = command;
    const QString id = m_id;
    connect(command, &Command::runningChanged, this, &CaseFilePane::updateActions);
    connect(command, &Command::succeeded, this, [this, id, clearComposer] {
        // What was typed stays until the server has it, so a failure loses nothing.
        if (clearComposer && id == m_id)
            m_composer->clear();
        if (id == m_id)
            reload();
        emit caseChanged(id);
    });
    m_context.commands->run(command);
    updateActions();
}

void CaseFilePane::assignToMe()
{
    models::ApiClient* client = m_context.client;
    const QString id = m_id;
    runAction(new ApiCommand(tr("Assign dispute"), [client, id] { return client->disputes().assign(id); }),
              false);
}

void CaseFilePane::addNote()
{
    models::ApiClient* client = m_context.client;
    const QString id = m_id;
    const QString text = m_composer->toPlainText().trimmed();
    runAction(
        new ApiCommand(tr("Add note"), [client, id, text] { return client->disputes().addNote(id, text); }),
        true);
}

void CaseFilePane::sendMessage()
{
    models::ApiClient* client = m_context.client;
    const QString id = m_id;
    const QString text = m_composer->toPlainText().trimmed();
    runAction(new ApiCommand(tr("Message both parties"),
                             [client, id, text] { return client->disputes().sendMessage(id, text); }),
              true);
}

void CaseFilePane::resolve()
{
    const bool feeKnown = m_case.feePercent() >= 0;
    auto* dialog =
        new ResolveDialog(m_case.escrowCents(), feeKnown ? m_case.feePercent() : kDefaultFeePercent, feeKnown,
                          m_case.currency(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = m_context.client;
    const QString id = m_id;
    auto* command = new ApiCommand(tr("Resolve dispute"), [client, id, dialog] {
        const models::SplitPreview p = dialog->preview();
        return client->disputes().resolve(id, models::SplitPreview::outcomeName(p.outcome()),
                                          p.workerSharePercent(), dialog->note());
    });
    dialog->setCommand(command, m_context.commands);
    m_action = command;
    connect(command, &Command::runningChanged, this, &CaseFilePane::updateActions);
    connect(command, &Command::succeeded, this, [this, id] {
        if (id == m_id)
            reload();
        emit caseChanged(id);
    });
    dialog->open();
}

} // namespace taskdesk::ui
