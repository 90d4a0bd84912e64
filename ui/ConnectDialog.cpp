#include "ConnectDialog.h"

#include "ApiClient.h"
#include "AuthJob.h"
#include "AuthJobs.h"
#include "CredentialScopes.h"
#include "ErrorBanner.h"
#include "JsonJob.h"
#include "commands/ApiCommand.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiClient;
using models::AuthResult;

namespace {

Q_LOGGING_CATEGORY(lcConnect, "taskdesk.ui.connect")

bool isLoopback(const QUrl& url)
{
    const QString host = url.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

} // namespace

ConnectDialog::ConnectDialog(QNetworkAccessManager* nam, QWidget* parent) : QDialog(parent), m_nam(nam)
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(tr("Connect to a server"));
    m_client = new ApiClient(m_nam, this);

    m_reason = new QLabel(this);
    m_reason->setObjectName(QStringLiteral("connectReason"));
    m_reason->setWordWrap(true);
    m_reason->hide();

    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("serverUrl"));
    m_url->setPlaceholderText(QStringLiteral("https://tasks.example.org"));
    m_url->setAccessibleName(tr("Server address"));

    m_signIn = new QRadioButton(tr("Sign in"), this);
    m_signIn->setObjectName(QStringLiteral("modeSignIn"));
    m_create = new QRadioButton(tr("Create an account"), this);
    m_create->setObjectName(QStringLiteral("modeCreate"));
    m_signIn->setChecked(true);
    auto* group = new QButtonGroup(this);
    group->addButton(m_signIn);
    group->addButton(m_create);
    auto* modeRow = new QHBoxLayout;
    modeRow->addWidget(m_signIn);
    modeRow->addWidget(m_create);
    modeRow->addStretch();

    m_email = new QLineEdit(this);
    m_email->setObjectName(QStringLiteral("email"));
    m_email->setAccessibleName(tr("Email"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setAccessibleName(tr("Password"));
    m_handle = new QLineEdit(this);
    m_handle->setObjectName(QStringLiteral("handle"));
    m_handle->setAccessibleName(tr("Handle"));
    m_handle->setPlaceholderText(tr("3-32 letters, digits or underscores"));
    m_displayName = new QLineEdit(this);
    m_displayName->setObjectName(QStringLiteral("displayName"));
    m_displayName->setAccessibleName(tr("Display name"));

    m_warning = new QLabel(this);
    m_warning->setObjectName(QStringLiteral("connectWarning"));
    m_warning->setWordWrap(true);
    m_warning->hide();
    m_error = new ErrorBanner(this);

    auto* form = new QFormLayout;
    form->addRow(tr("&Server:"), m_url);
    form->addRow(QString(), modeRow);
    form->addRow(tr("&Email:"), m_email);
    form->addRow(tr("&Password:"), m_password);
    m_handleLabel = new QLabel(tr("&Handle:"), this);
    m_handleLabel->setBuddy(m_handle);
    form->addRow(m_handleLabel, m_handle);
    m_displayNameLabel = new QLabel(tr("&Display name:"), this);
    m_displayNameLabel->setBuddy(m_displayName);
    form->addRow(m_displayNameLabel, m_displayName);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("connectButton"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_reason);
    layout->addLayout(form);
    layout->addWidget(m_warning);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_signIn, &QRadioButton::toggled, this, &ConnectDialog::updateMode);
    for (QLineEdit* edit : {m_url, m_email, m_password, m_handle, m_displayName})
        connect(edit, &QLineEdit::textChanged, this, &ConnectDialog::updateState);
    updateMode();
}

ConnectDialog::~ConnectDialog() = default;

void ConnectDialog::setServerUrl(const QUrl& url)
{
    m_url->setText(url.toString());
}

void ConnectDialog::setEmail(const QString& email)
{
    m_email->setText(email);
}

void ConnectDialog::setMode(Mode mode)
{
    (mode == Mode::SignIn ? m_signIn : m_create)->setChecked(true);
    updateMode();
}

void ConnectDialog::setReason(const QString& reason)
{
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
}

ConnectDialog::Mode ConnectDialog::mode() const
{
    return m_signIn->isChecked() ? Mode::SignIn : Mode::CreateAccount;
}

QUrl ConnectDialog::serverUrl() const
{
    QString text = m_url->text().trimmed();
    if (!text.isEmpty() && !text.contains(QLatin1String("://")))
        text.prepend(QLatin1String("https://"));
    QUrl url(text, QUrl::StrictMode);
    if (url.path().endsWith(QLatin1Char('/')))
        url.setPath(url.path().chopped(1));
    return url;
}

void ConnectDialog::updateMode()
{
    const bool create = mode() == Mode::CreateAccount;
    m_handle->setVisible(create);
    m_handleLabel->setVisible(create);
    m_displayName->setVisible(create);
    m_displayNameLabel->setVisible(create);
    m_buttons->button(QDialogButtonBox::Ok)->setText(create ? tr("Create account") : tr("Sign in"));
    updateState();
}

QString ConnectDialog::validate() const
{
    const QUrl url = serverUrl();
    if (m_url->text().trimmed().isEmpty())
        return tr("Enter the server's address.");
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")))
        return tr("The server address must be an http or https URL, such as https://tasks.example.org.");
    if (!m_email->text().contains(QLatin1Char('@')))
        return tr("Enter the email address of the account.");
    if (m_password->text().isEmpty())
        return tr("Enter the password.");
    if (mode() == Mode::CreateAccount) {
        if (m_password->text().size() < 8)
            return tr("Choose a password of at least 8 characters.");
        static const QRegularExpression handle(QStringLiteral("^[A-Za-z0-9_]{3,32}$"));
        if (!handle.match(m_handle->text()).hasMatch())
            return tr("A handle is 3 to 32 letters, digits or underscores.");
    }
    return {};
}

void ConnectDialog::updateState()
{
    const QUrl url = serverUrl();
    const bool plain =
        url.isValid() && url.scheme() == QLatin1String("http") && !url.host().isEmpty() && !isLoopback(url);
    m_warning->setText(plain ? tr("This address is not encrypted (http). Your password and token would cross "
                                  "the network readable by anyone on the way; use https unless you trust "
                                  "every network in between.")
                             : QString());
    m_warning->setVisible(plain);
    const bool running = m_command && m_command->isRunning();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!running && validate().isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setToolTip(validate());
}

void ConnectDialog::submit()
{
    if (const QString problem = validate(); !problem.isEmpty()) {
        m_error->showError(problem, false);
        return;
    }
    const QUrl url = serverUrl();
    m_client->setBaseUrl(url);
    const bool create = mode() == Mode::CreateAccount;
    if (m_command)
        m_command->deleteLater();
    auto factory = [this, create]() -> models::JsonJob* {
        if (create) {
            QJsonObject body{{QStringLiteral("email"), m_email->text().trimmed()},
                             {QStringLiteral("password"), m_password->text()},
                             {QStringLiteral("handle"), m_handle->text().trimmed()},
                             {QStringLiteral("kind"), QStringLiteral("human")},
                             {QStringLiteral("tokenName"), QStringLiteral("TaskDesk console")}};
            if (!m_displayName->text().trimmed().isEmpty())
                body.insert(QStringLiteral("displayName"), m_displayName->text().trimmed());
            return m_client->auth().registerProfile(body);
        }
        return m_client->auth().login(m_email->text().trimmed(), m_password->text());
    };
    m_command = new ApiCommand(create ? tr("Create account") : tr("Sign in"), factory, this);
    connect(m_command, &ApiCommand::resultReady, this, [this, url, create](const QJsonObject& json) {
        const AuthResult result = AuthResult::fromJson(json);
        // Login's default token has no staff scope, so a support user would get 403 on the
        // desk; only an existing account can hold a staff role (registration never grants one).
        const bool staff =
            result.roles.contains(QLatin1String("support")) || result.roles.contains(QLatin1String("admin"));
        if (!create && staff && result.isValid())
            signInAsStaff(result, url);
        else
            finish(result, url);
    });
    connect(m_command, &ApiCommand::failed, this, [this](const QString& message) {
        m_error->showError(message, false);
        updateState();
    });
    connect(m_command, &ApiCommand::runningChanged, this, &ConnectDialog::updateState);
    m_error->hide();
    m_command->start();
}

void ConnectDialog::finish(const AuthResult& result, const QUrl& url)
{
    m_result = result;
    m_acceptedUrl = url;
    m_password->clear();
    accept();
}

void ConnectDialog::signInAsStaff(const AuthResult& first, const QUrl& url)
{
    if (m_command)
        m_command->deleteLater();
    const QString email = m_email->text().trimmed();
    auto factory = [this, email]() -> models::JsonJob* {
        return m_client->auth().login(
            email, m_password->text(), QStringLiteral("TaskDesk console"),
            models::CredentialScopes::all() +
                QStringList{QStringLiteral("support:read"), QStringLiteral("support:write")});
    };
    m_command = new ApiCommand(tr("Sign in"), factory, this);
    connect(m_command, &ApiCommand::resultReady, this, [this, first, url](const QJsonObject& json) {
        const AuthResult staff = AuthResult::fromJson(json);
        if (!staff.isValid()) {
            finish(first, url);
            return;
        }
        // The first token is not needed any more: revoke it with the second one, then use
        // the second. A failed revoke does not stop the sign-in (the token stays listed
        // under the profile's tokens, where the user can revoke it).
        auto* revoke = m_client->auth().revokeToken(first.tokenId);
        const QString token = staff.tokenValue;
        revoke->setTokenProvider([token] { return token; });
        auto done = [this, staff, url] { finish(staff, url); };
        connect(revoke, &models::ApiJob::finished, this, done);
        connect(revoke, &models::ApiJob::failed, this, [done, id = first.tokenId](const models::ApiError&) {
            qCWarning(lcConnect) << "could not revoke the first sign-in token" << id;
            done();
        });
        revoke->start();
    });
    // The server refused the staff scopes: carry on with the standard token.
    connect(m_command, &ApiCommand::failed, this, [this, first, url](const QString&) { finish(first, url); });
    connect(m_command, &ApiCommand::runningChanged, this, &ConnectDialog::updateState);
    m_command->start();
}

} // namespace taskdesk::ui
