#include "ContractActionDialog.h"

#include "ErrorBanner.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace taskdesk::ui {

ContractActionDialog::ContractActionDialog(const QString& title, const QString& submitText, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(title);
    setAccessibleName(title);
    auto* layout = new QVBoxLayout(this);
    m_error = new ErrorBanner(this);
    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("dialogIntro"));
    m_intro->setWordWrap(true);
    m_intro->hide();
    m_form = new QFormLayout;
    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("dialogHint"));
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_submit = m_buttons->addButton(submitText, QDialogButtonBox::AcceptRole);
    m_submit->setObjectName(QStringLiteral("dialogSubmit"));
    m_submit->setAccessibleName(submitText);
    m_submit->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("dialogCancel"));
    layout->addWidget(m_error);
    layout->addWidget(m_intro);
    layout->addLayout(m_form);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);
    setMinimumWidth(460);

    // Not QDialogButtonBox::accepted -> accept(): the dialog closes only once the server said yes.
    connect(m_submit, &QPushButton::clicked, this, &ContractActionDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_error, &ErrorBanner::retryRequested, this, &ContractActionDialog::submit);
}

ApiCommand* ContractActionDialog::command() const
{
    return m_command;
}

void ContractActionDialog::setIntro(const QString& text)
{
    m_intro->setText(text);
    m_intro->setVisible(!text.isEmpty());
}

void ContractActionDialog::setCommand(ApiCommand* command, CommandRunner* runner)
{
    m_command = command;
    m_runner = runner;
    command->setParent(this);
    connect(command, &Command::runningChanged, this, &ContractActionDialog::updateState);
    connect(command, &Command::succeeded, this, &QDialog::accept);
    connect(command, &Command::failed, this, [this](const QString& message) {
        m_error->showError(message, m_command && m_command->canRetry());
    });
    updateState();
}

void ContractActionDialog::updateState()
{
    const QString problem = validate();
    const bool running = m_command && m_command->isRunning();
    m_hint->setText(running ? tr("Sending...") : problem);
    m_submit->setEnabled(m_command && !running && problem.isEmpty());
}

void ContractActionDialog::submit()
{
    if (!m_command || m_command->isRunning() || !validate().isEmpty())
        return;
    m_error->hide();
    m_command->setFailureShownByCaller(true);
    if (m_runner)
        m_runner->run(m_command);
    else
        m_command->start();
}

} // namespace taskdesk::ui
