#include "OpenDisputeDialog.h"

#include <QFormLayout>
#include <QPlainTextEdit>

namespace taskdesk::ui {

OpenDisputeDialog::OpenDisputeDialog(const QString& price, QWidget* parent)
    : ContractActionDialog(tr("Open a dispute"), tr("Open dispute"), parent)
{
    setObjectName(QStringLiteral("openDisputeDialog"));
    setIntro(
        tr("Support staff read the whole contract (criteria, every delivery and decision, the messages) and "
           "decide: release to the worker, refund to the owner, or a split.") +
        (price.isEmpty() ? QString() : tr(" %1 stays in escrow until then.").arg(price)));
    m_reason = new QPlainTextEdit(this);
    m_reason->setObjectName(QStringLiteral("disputeReason"));
    m_reason->setAccessibleName(tr("Reason"));
    m_reason->setTabChangesFocus(true);
    m_reason->setPlaceholderText(
        tr("What went wrong, in a few sentences (both parties and support read this)"));
    m_reason->setFixedHeight(m_reason->fontMetrics().lineSpacing() * 4 + 12);
    m_evidence = new QPlainTextEdit(this);
    m_evidence->setObjectName(QStringLiteral("disputeEvidence"));
    m_evidence->setAccessibleName(tr("Evidence"));
    m_evidence->setTabChangesFocus(true);
    m_evidence->setPlaceholderText(tr("Optional: links, quotes from the criteria, anything that shows it"));
    m_evidence->setFixedHeight(m_evidence->fontMetrics().lineSpacing() * 4 + 12);
    form()->addRow(tr("&Reason:"), m_reason);
    form()->addRow(tr("&Evidence:"), m_evidence);
    connect(m_reason, &QPlainTextEdit::textChanged, this, &OpenDisputeDialog::updateState);
    updateState();
}

QString OpenDisputeDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

QString OpenDisputeDialog::evidence() const
{
    return m_evidence->toPlainText().trimmed();
}

QString OpenDisputeDialog::validate() const
{
    return reason().isEmpty() ? tr("A reason is required.") : QString();
}

} // namespace taskdesk::ui
