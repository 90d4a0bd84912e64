#include "ActionFormDialog.h"

#include "ErrorBanner.h"
#include "JsonJob.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace taskdesk::ui {

ActionFormDialog::ActionFormDialog(const ViewContext& context, const QString& title, const QString& prompt,
                                   const QString& actionText, const Fields& fields, Factory factory,
                                   QWidget* parent)
    : QDialog(parent), m_context(context), m_fields(fields), m_factory(std::move(factory))
{
    setWindowTitle(title);
    setAccessibleName(title);
    setMinimumWidth(420);
    auto* layout = new QVBoxLayout(this);
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("errorBanner"));
    layout->addWidget(m_banner);
    if (!prompt.isEmpty()) {
        auto* label = new QLabel(prompt, this);
        label->setObjectName(QStringLiteral("formPrompt"));
        label->setWordWrap(true);
        label->setTextFormat(Qt::PlainText);
        layout->addWidget(label);
    }
    auto* form = new QFormLayout;
    layout->addLayout(form);
    if (!m_fields.amountLabel.isEmpty()) {
        m_amount = new QLineEdit(this);
        m_amount->setObjectName(QStringLiteral("formAmount"));
        m_amount->setAccessibleName(m_fields.amountLabel);
        m_amount->setPlaceholderText(isCreditsAmount() ? tr("e.g. 120.50")
                                                       : tr("e.g. 500 %1").arg(m_fields.currency));
        form->addRow(isCreditsAmount() ? tr("%1 (%2)").arg(m_fields.amountLabel, m_fields.currency)
                                       : m_fields.amountLabel,
                     m_amount);
        connect(m_amount, &QLineEdit::textChanged, this, &ActionFormDialog::updateState);
    }
    if (m_fields.eta) {
        m_eta = new QSpinBox(this);
        m_eta->setObjectName(QStringLiteral("formEta"));
        m_eta->setAccessibleName(tr("Delivery time in days"));
        m_eta->setRange(0, 3650);
        m_eta->setValue(3);
        m_eta->setSuffix(tr(" days"));
        form->addRow(tr("Delivery in"), m_eta);
    }
    if (!m_fields.textLabel.isEmpty()) {
        QWidget* edit = nullptr;
        if (m_fields.multiline) {
            m_multi = new QPlainTextEdit(this);
            m_multi->setTabChangesFocus(true);
            m_multi->setMinimumHeight(90);
            connect(m_multi, &QPlainTextEdit::textChanged, this, &ActionFormDialog::updateState);
            edit = m_multi;
        } else {
            m_line = new QLineEdit(this);
            connect(m_line, &QLineEdit::textChanged, this, &ActionFormDialog::updateState);
            edit = m_line;
        }
        edit->setObjectName(QStringLiteral("formText"));
        edit->setAccessibleName(m_fields.textLabel);
        form->addRow(m_fields.textRequired ? m_fields.textLabel : tr("%1 (optional)").arg(m_fields.textLabel),
                     edit);
    }
    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("formHint"));
    m_hint->setWordWrap(true);
    m_hint->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(m_hint);
    auto* buttons = new QDialogButtonBox(this);
    m_submit = buttons->addButton(actionText, QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("formSubmit"));
    m_submit->setDefault(true);
    auto* close = buttons->addButton(QDialogButtonBox::Cancel);
    close->setObjectName(QStringLiteral("formCancel"));
    layout->addWidget(buttons);
    connect(m_submit, &QPushButton::clicked, this, &ActionFormDialog::submit);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_banner, &ErrorBanner::retryRequested, this, &ActionFormDialog::submit);

    // One command for the dialog's life: "Try again" with an unchanged form
    // repeats the request under the same Idempotency-Key.
    m_command = new ApiCommand(
        title, [this]() -> models::JsonJob* { return m_factory ? m_factory(*this) : nullptr; }, this);
    connect(m_command, &ApiCommand::resultReady, this, [this](const QJsonObject& json) {
        emit succeeded(json);
        accept();
    });
    connect(m_command, &Command::failed, this, &ActionFormDialog::onFailed);
    connect(m_command, &Command::runningChanged, this, &ActionFormDialog::updateState);
    updateState();
}

QString ActionFormDialog::amountText() const
{
    return m_amount ? m_amount->text().trimmed() : QString();
}

double ActionFormDialog::amountValue() const
{
    return amountText().toDouble();
}

int ActionFormDialog::etaDays() const
{
    return m_eta ? m_eta->value() : 0;
}

QString ActionFormDialog::text() const
{
    if (m_multi)
        return m_multi->toPlainText().trimmed();
    return m_line ? m_line->text().trimmed() : QString();
}

QString ActionFormDialog::problem() const
{
    if (m_amount) {
        const QString a = amountText();
        if (a.isEmpty()) {
            if (m_fields.amountRequired)
                return tr("Enter the amount.");
        } else if (isCreditsAmount()) {
            static const QRegularExpression re(QStringLiteral("^\\d{1,10}(\\.\\d{1,2})?$"));
            if (!re.match(a).hasMatch())
                return tr("The amount is a number with at most 2 decimals, e.g. 120.50.");
            if (a.toDouble() <= 0)
                return tr("The amount must be more than 0.");
        }
    }
    if (m_fields.textRequired && text().isEmpty())
        return tr("%1 is required.").arg(m_fields.textLabel);
    return {};
}

void ActionFormDialog::updateState()
{
    const QString why = problem();
    const bool running = m_command && m_command->isRunning();
    m_hint->setText(running ? tr("Sending...") : why);
    m_submit->setEnabled(why.isEmpty() && !running);
}

void ActionFormDialog::submit()
{
    if (!problem().isEmpty() || m_command->isRunning())
        return;
    m_banner->hide();
    m_command->setFailureShownByCaller(true);
    m_context.commands->run(m_command);
}

void ActionFormDialog::onFailed()
{
    m_banner->showError(m_command->errorString(), m_command->canRetry());
    updateState();
}

} // namespace taskdesk::ui
