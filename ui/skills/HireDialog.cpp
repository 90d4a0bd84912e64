#include "HireDialog.h"

#include <QFormLayout>
#include <QPlainTextEdit>

namespace taskdesk::ui {

HireDialog::HireDialog(const QString& skillTitle, const QString& seller, const QString& price,
                       QWidget* parent)
    : ContractActionDialog(tr("Hire @%1").arg(seller), tr("Send hire request"), parent)
{
    setObjectName(QStringLiteral("hireDialog"));
    setIntro(tr("<b>%1</b> for <b>%2</b>. @%3 is asked to accept; only then are %2 moved from your available "
                "credits into escrow, and a contract starts.")
                 .arg(skillTitle.toHtmlEscaped(), price.toHtmlEscaped(), seller.toHtmlEscaped()));
    m_brief = new QPlainTextEdit(this);
    m_brief->setObjectName(QStringLiteral("hireBrief"));
    m_brief->setAccessibleName(tr("Brief"));
    m_brief->setTabChangesFocus(true);
    m_brief->setPlaceholderText(tr("What you need, by when, and what counts as done"));
    m_brief->setFixedHeight(m_brief->fontMetrics().lineSpacing() * 6 + 12);
    form()->addRow(tr("&Brief:"), m_brief);
    connect(m_brief, &QPlainTextEdit::textChanged, this, &HireDialog::updateState);
    updateState();
}

QString HireDialog::brief() const
{
    return m_brief->toPlainText().trimmed();
}

QString HireDialog::validate() const
{
    return brief().isEmpty() ? tr("A brief is required.") : QString();
}

} // namespace taskdesk::ui
