#include "CancellationRequestDialog.h"

#include <QFormLayout>
#include <QPlainTextEdit>

namespace taskdesk::ui {

CancellationRequestDialog::CancellationRequestDialog(bool asBuyer, const QString& price, QWidget* parent)
    : ContractActionDialog(tr("Request cancellation"), tr("Request cancellation"), parent)
{
    setObjectName(QStringLiteral("cancellationDialog"));
    const QString money = price.isEmpty() ? QString()
                          : asBuyer
                              ? tr(" If the seller confirms, half of %1 goes to the seller (less the fee) "
                                   "and the rest back to you.")
                                    .arg(price)
                              : tr(" If the buyer confirms, all of %1 goes back to the buyer.").arg(price);
    setIntro(
        tr("The other party is asked to confirm; until then the contract runs on and you can withdraw the "
           "request.") +
        money);
    m_reason = new QPlainTextEdit(this);
    m_reason->setObjectName(QStringLiteral("cancelReason"));
    m_reason->setAccessibleName(tr("Reason"));
    m_reason->setTabChangesFocus(true);
    m_reason->setPlaceholderText(tr("Why the contract should end (the other party reads this)"));
    m_reason->setFixedHeight(m_reason->fontMetrics().lineSpacing() * 4 + 12);
    form()->addRow(tr("&Reason:"), m_reason);
    connect(m_reason, &QPlainTextEdit::textChanged, this, &CancellationRequestDialog::updateState);
    updateState();
}

QString CancellationRequestDialog::reason() const
{
    return m_reason->toPlainText().trimmed();
}

QString CancellationRequestDialog::validate() const
{
    return reason().isEmpty() ? tr("A reason is required.") : QString();
}

} // namespace taskdesk::ui
