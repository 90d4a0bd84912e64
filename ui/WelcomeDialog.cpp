#include "WelcomeDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace taskdesk::ui {

WelcomeDialog::WelcomeDialog(bool sandboxAvailable, const QString& sandboxLocation, QWidget* parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("welcomeDialog"));
    setWindowTitle(tr("Welcome to TaskDesk"));
    auto* intro = new QLabel(tr("<b>Where do you want to work?</b>"), this);
    m_sandbox =
        new QRadioButton(tr("A &local sandbox on this computer (recommended to try things out)"), this);
    m_sandbox->setObjectName(QStringLiteral("choiceSandbox"));
    auto* sandboxNote =
        new QLabel(sandboxAvailable ? tr("A complete marketplace runs inside TaskDesk, reachable only from "
                                         "this computer. You are its "
                                         "operator, with support rights. Its data stays in %1.")
                                          .arg(sandboxLocation)
                                    : tr("Not available in this run."),
                   this);
    sandboxNote->setWordWrap(true);
    sandboxNote->setIndent(24);
    m_connect = new QRadioButton(tr("&Connect to a server..."), this);
    m_connect->setObjectName(QStringLiteral("choiceConnect"));
    auto* connectNote =
        new QLabel(tr("Sign in to, or create an account on, a TaskDesk server by its address."), this);
    connectNote->setWordWrap(true);
    connectNote->setIndent(24);
    m_sandbox->setEnabled(sandboxAvailable);
    (sandboxAvailable ? m_sandbox : m_connect)->setChecked(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Continue"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("welcomeContinue"));
    buttons->button(QDialogButtonBox::Cancel)->setText(tr("Quit"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_sandbox);
    layout->addWidget(sandboxNote);
    layout->addWidget(m_connect);
    layout->addWidget(connectNote);
    layout->addStretch();
    layout->addWidget(buttons);
}

WelcomeDialog::Choice WelcomeDialog::choice() const
{
    return m_sandbox->isChecked() ? Choice::Sandbox : Choice::Connect;
}

} // namespace taskdesk::ui
