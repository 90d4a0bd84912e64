#include "ResolveDialog.h"

#include "ErrorBanner.h"
#include "Formatting.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::Formatting;
using models::SplitPreview;

ResolveDialog::ResolveDialog(qint64 escrowCents, int feePercent, bool feeKnown, const QString& currency,
                             QWidget* parent)
    : QDialog(parent), m_escrowCents(escrowCents), m_feePercent(feePercent), m_feeKnown(feeKnown),
      m_currency(currency)
{
    setObjectName(QStringLiteral("resolveDialog"));
    setWindowTitle(tr("Resolve dispute"));
    setAccessibleName(tr("Resolve dispute"));
    setMinimumWidth(560);
    m_error = new ErrorBanner(this);

    // Page 1: the decision.
    auto* decide = new QWidget(this);
    m_release = new QRadioButton(tr("&Release: the worker is paid in full"), decide);
    m_release->setObjectName(QStringLiteral("outcomeRelease"));
    m_refund = new QRadioButton(tr("Re&fund: everything back to the owner"), decide);
    m_refund->setObjectName(QStringLiteral("outcomeRefund"));
    m_split = new QRadioButton(tr("&Split: the worker gets a share"), decide);
    m_split->setObjectName(QStringLiteral("outcomeSplit"));
    m_split->setChecked(true);
    m_outcomes = new QButtonGroup(this);
    m_outcomes->addButton(m_release, int(SplitPreview::Outcome::Release));
    m_outcomes->addButton(m_refund, int(SplitPreview::Outcome::Refund));
    m_outcomes->addButton(m_split, int(SplitPreview::Outcome::Split));
    m_slider = new QSlider(Qt::Horizontal, decide);
    m_slider->setObjectName(QStringLiteral("splitSlider"));
    m_slider->setAccessibleName(tr("Worker's share in percent"));
    m_slider->setRange(0, 100);
    m_slider->setValue(50);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(10);
    m_percent = new QSpinBox(decide);
    m_percent->setObjectName(QStringLiteral("splitPercent"));
    m_percent->setAccessibleName(tr("Worker's share in percent"));
    m_percent->setRange(0, 100);
    m_percent->setSuffix(QStringLiteral(" %"));
    m_percent->setValue(50);
    auto* splitRow = new QHBoxLayout;
    splitRow->addSpacing(24);
    splitRow->addWidget(new QLabel(tr("Worker's share:"), decide));
    splitRow->addWidget(m_slider, 1);
    splitRow->addWidget(m_percent);
    m_preview = new QLabel(decide);
    m_preview->setObjectName(QStringLiteral("resolvePreview"));
    m_preview->setAccessibleName(tr("What each party receives"));
    m_preview->setWordWrap(true);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setMargin(8);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_feeNote = new QLabel(decide);
    m_feeNote->setObjectName(QStringLiteral("resolveFeeNote"));
    m_feeNote->setWordWrap(true);
    m_feeNote->setEnabled(false);
    m_note = new QPlainTextEdit(decide);
    m_note->setObjectName(QStringLiteral("resolveNote"));
    m_note->setAccessibleName(tr("Note to both parties"));
    m_note->setPlaceholderText(tr("Why this outcome (both parties read this)"));
    m_note->setTabChangesFocus(true);
    m_note->setFixedHeight(m_note->fontMetrics().lineSpacing() * 4 + 12);
    auto* decideButtons = new QDialogButtonBox(QDialogButtonBox::Cancel, decide);
    m_review = decideButtons->addButton(tr("Review outcome..."), QDialogButtonBox::AcceptRole);
    m_review->setObjectName(QStringLiteral("resolveReview"));
    m_review->setDefault(true);
    auto* dl = new QVBoxLayout(decide);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(
        new QLabel(tr("In escrow: <b>%1</b>").arg(Formatting::cents(escrowCents, currency)), decide));
    dl->addWidget(m_release);
    dl->addWidget(m_refund);
    dl->addWidget(m_split);
    dl->addLayout(splitRow);
    dl->addWidget(m_preview);
    dl->addWidget(m_feeNote);
    auto* noteForm = new QFormLayout;
    noteForm->addRow(tr("&Note:"), m_note);
    dl->addLayout(noteForm);
    dl->addWidget(decideButtons);

    // Page 2: the confirmation, with the same figures.
    auto* confirmPage = new QWidget(this);
    m_confirmText = new QLabel(confirmPage);
    m_confirmText->setObjectName(QStringLiteral("resolveConfirmText"));
    m_confirmText->setWordWrap(true);
    m_confirmText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* confirmButtons = new QDialogButtonBox(confirmPage);
    m_back = confirmButtons->addButton(tr("&Back"), QDialogButtonBox::RejectRole);
    m_back->setObjectName(QStringLiteral("resolveBack"));
    m_confirm = confirmButtons->addButton(tr("&Confirm resolution"), QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("resolveConfirm"));
    auto* cl = new QVBoxLayout(confirmPage);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(m_confirmText, 1);
    cl->addWidget(confirmButtons);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(decide);
    m_pages->addWidget(confirmPage);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(m_pages);

    connect(m_slider, &QSlider::valueChanged, m_percent, &QSpinBox::setValue);
    connect(m_percent, &QSpinBox::valueChanged, m_slider, &QSlider::setValue);
    connect(m_percent, &QSpinBox::valueChanged, this, &ResolveDialog::updatePreview);
    connect(m_outcomes, &QButtonGroup::idToggled, this, [this](int, bool on) {
        if (on)
            updatePreview();
    });
    connect(m_note, &QPlainTextEdit::textChanged, this, &ResolveDialog::updatePreview);
    connect(m_review, &QPushButton::clicked, this, &ResolveDialog::review);
    connect(decideButtons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_back, &QPushButton::clicked, this, &ResolveDialog::back);
    connect(m_confirm, &QPushButton::clicked, this, &ResolveDialog::confirm);
    connect(m_error, &ErrorBanner::retryRequested, this, &ResolveDialog::confirm);
    updatePreview();
}

SplitPreview ResolveDialog::preview() const
{
    const auto outcome = SplitPreview::Outcome(m_outcomes->checkedId());
    return SplitPreview(m_escrowCents, outcome, m_percent->value(), m_feePercent);
}

QString ResolveDialog::note() const
{
    return m_note->toPlainText().trimmed();
}

void ResolveDialog::updatePreview()
{
    const bool split = m_split->isChecked();
    m_slider->setEnabled(split);
    m_percent->setEnabled(split);
    const SplitPreview p = preview();
    m_preview->setText(p.describe(m_currency));
    m_feeNote->setText(
        m_feeKnown
            ? tr("The platform fee is %1% of the worker's part, rounded down to the cent; "
                 "the worker's credits wait in pending for the payout hold.")
                  .arg(m_feePercent)
            : tr("The server did not report its fee; %1% (the default) is assumed.").arg(m_feePercent));
    m_review->setEnabled(!note().isEmpty());
    m_review->setToolTip(note().isEmpty() ? tr("Write a note for both parties first.") : QString());
}

void ResolveDialog::review()
{
    const SplitPreview p = preview();
    QString what;
    switch (p.outcome()) {
    case SplitPreview::Outcome::Release:
        what = tr("Release the escrow to the worker.");
        break;
    case SplitPreview::Outcome::Refund:
        what = tr("Refund the escrow to the owner.");
        break;
    case SplitPreview::Outcome::Split:
        what = tr("Split: %1% to the worker.").arg(p.workerSharePercent());
        break;
    }
    m_confirmText->setText(
        tr("<p><b>%1</b></p><p>%2</p><p>This cannot be undone. Both parties are notified "
           "with your note:</p><blockquote>%3</blockquote>")
            .arg(what.toHtmlEscaped(), p.describe(m_currency).toHtmlEscaped(),
                 note().toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    m_pages->setCurrentIndex(1);
    m_confirm->setFocus();
}

void ResolveDialog::back()
{
    m_error->hide();
    m_pages->setCurrentIndex(0);
}

void ResolveDialog::setCommand(ApiCommand* command, CommandRunner* runner)
{
    m_command = command;
    m_runner = runner;
    command->setParent(this);
    connect(command, &Command::runningChanged, this, [this](bool running) {
        m_confirm->setEnabled(!running);
        m_back->setEnabled(!running);
    });
    connect(command, &Command::succeeded, this, &QDialog::accept);
    connect(command, &Command::failed, this, [this](const QString& message) {
        m_error->showError(message, m_command && m_command->canRetry());
    });
}

void ResolveDialog::confirm()
{
    if (!m_command || m_command->isRunning() || m_pages->currentIndex() != 1)
        return;
    m_error->hide();
    m_command->setFailureShownByCaller(true);
    if (m_runner)
        m_runner->run(m_command);
    else
        m_command->start();
}

} // namespace taskdesk::ui
