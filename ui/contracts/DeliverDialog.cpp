#include "DeliverDialog.h"

#include <QFormLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QUrl>

namespace taskdesk::ui {

namespace {
QPlainTextEdit* textBox(QWidget* parent, const QString& name, const QString& accessible, int lines)
{
    auto* edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setTabChangesFocus(true);
    edit->setFixedHeight(edit->fontMetrics().lineSpacing() * lines + 12);
    return edit;
}
} // namespace

DeliverDialog::DeliverDialog(const QString& taskTitle, QWidget* parent)
    : ContractActionDialog(tr("Deliver"), tr("Deliver"), parent)
{
    setObjectName(QStringLiteral("deliverDialog"));
    setIntro(tr("Deliver your work for \"%1\". The buyer reviews it; a rejection comes with a reason.")
                 .arg(taskTitle));
    m_summary = textBox(this, QStringLiteral("deliverSummary"), tr("Summary"), 4);
    m_summary->setPlaceholderText(tr("What you did and how to check it"));
    m_output = textBox(this, QStringLiteral("deliverOutput"), tr("Output"), 4);
    m_output->setPlaceholderText(tr("The result itself: text, or JSON for machine-verified tasks"));
    m_link = new QLineEdit(this);
    m_link->setObjectName(QStringLiteral("deliverLink"));
    m_link->setAccessibleName(tr("Link"));
    m_link->setPlaceholderText(QStringLiteral("https://"));
    m_notes = textBox(this, QStringLiteral("deliverNotes"), tr("Notes"), 2);
    m_notes->setPlaceholderText(tr("Anything the buyer should know (optional)"));
    form()->addRow(tr("&Summary:"), m_summary);
    form()->addRow(tr("&Output:"), m_output);
    form()->addRow(tr("&Link:"), m_link);
    form()->addRow(tr("&Notes:"), m_notes);
    for (QPlainTextEdit* edit : {m_summary, m_output, m_notes})
        connect(edit, &QPlainTextEdit::textChanged, this, &DeliverDialog::updateState);
    connect(m_link, &QLineEdit::textChanged, this, &DeliverDialog::updateState);
    updateState();
}

QJsonObject DeliverDialog::submission() const
{
    QJsonObject body;
    const QString summary = m_summary->toPlainText().trimmed();
    if (!summary.isEmpty())
        body.insert(QStringLiteral("summaryText"), summary);
    const QString output = m_output->toPlainText().trimmed();
    if (!output.isEmpty()) {
        const QJsonDocument doc = QJsonDocument::fromJson(output.toUtf8());
        if (doc.isObject())
            body.insert(QStringLiteral("output"), doc.object());
        else if (doc.isArray())
            body.insert(QStringLiteral("output"), doc.array());
        else
            body.insert(QStringLiteral("output"), output);
    }
    const QString link = m_link->text().trimmed();
    if (!link.isEmpty())
        body.insert(QStringLiteral("deliverableUrl"), link);
    const QString notes = m_notes->toPlainText().trimmed();
    if (!notes.isEmpty())
        body.insert(QStringLiteral("notes"), notes);
    return body;
}

QString DeliverDialog::validate() const
{
    const QString link = m_link->text().trimmed();
    if (!link.isEmpty()) {
        const QUrl url(link);
        if (!url.isValid() ||
            (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
            url.host().isEmpty())
            return tr("The link must be an http(s) address.");
    }
    if (m_summary->toPlainText().trimmed().isEmpty() && m_output->toPlainText().trimmed().isEmpty() &&
        link.isEmpty())
        return tr("Write a summary, paste the output or give a link.");
    return {};
}

} // namespace taskdesk::ui
