#include "Console.h"

#include "ApiClient.h"
#include "AuthResult.h"
#include "ConnectDialog.h"
#include "KeyVault.h"
#include "LiveUpdates.h"
#include "LocalSandbox.h"
#include "MainWindow.h"
#include "Session.h"
#include "UiLogging.h"
#include "WelcomeDialog.h"
#include "commands/CommandRunner.h"

#include <QDir>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QSettings>
#include <QStandardPaths>

namespace taskdesk::ui {

using models::AuthResult;
using models::ConnectionProfile;
using models::Session;

namespace {
const QString kSandboxKey = QStringLiteral("sandbox/profileKey");
const QString kSandboxTokenName = QStringLiteral("TaskDesk local sandbox");
} // namespace

Console::Console(QSettings* settings, models::SecretStore* secrets, LocalSandbox* sandbox, QObject* parent)
    : QObject(parent), m_settings(settings), m_sandbox(sandbox)
{
    m_nam = new QNetworkAccessManager(this);
    m_client = new models::ApiClient(m_nam, this);
    m_session = new Session(settings, secrets, this);
    m_session->attach(m_client);
    m_client->setTokenProvider(m_session->tokenProvider());
    m_live = new models::LiveUpdates(m_client, this);
    m_runner = new CommandRunner(this);
    m_keyVault = new models::KeyVault(defaultKeystorePath(), {}, this);
    m_keyVault->setApi(models::ApiRequests(m_client, m_session->tokenProvider()));
    m_context = ViewContext{m_client, m_session, m_live, m_runner, m_settings, m_keyVault};
    m_window = new MainWindow(m_context);
    m_window->setAttribute(Qt::WA_DeleteOnClose, false);

    connect(m_window, &MainWindow::profileSwitchRequested, this, &Console::switchProfile);
    connect(m_window, &MainWindow::connectRequested, this, [this] { showConnectDialog(); });
    connect(m_window, &MainWindow::signOutRequested, this, [this] { m_session->signOut(); });
    connect(m_session, &Session::signInRequired, this, &Console::onSignInRequired);
    // Grants are signed: the console's public keys go to each profile it signs in as.
    connect(m_session, &Session::tokenReady, m_keyVault, &models::KeyVault::registerKeys);
    connect(m_client, &models::ApiClient::authenticationFailed, this, [this](const models::ApiError& error) {
        if (isSandboxProfile(m_session->current().key()))
            return; // the sandbox signs in again on its own at the next start
        onSignInRequired(
            tr("The server no longer accepts this sign-in (%1). Sign in again.").arg(error.message()));
    });
}

Console::~Console()
{
    // Views and jobs first, while the network access manager that owns their
    // replies is still whole; then the manager.
    delete m_window;
    delete m_live;
    delete m_runner;
    delete m_keyVault;
    delete m_client;
    delete m_session;
    delete m_nam;
}

QString Console::defaultKeystorePath()
{
    return keystorePathIn(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
}

QString Console::keystorePathIn(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("keys/keystore.tdks"));
}

bool Console::isSandboxProfile(const QString& profileKey) const
{
    return m_sandbox && !profileKey.isEmpty() && m_settings->value(kSandboxKey).toString() == profileKey;
}

void Console::start()
{
    m_window->show();
    const QString last = m_session->lastProfileKey();
    if (!last.isEmpty() && m_session->profile(last).isValid()) {
        switchProfile(last);
        return;
    }
    showWelcome();
}

void Console::switchProfile(const QString& key)
{
    if (isSandboxProfile(key)) {
        QString error;
        if (!openSandbox(&error))
            QMessageBox::warning(m_window, tr("Local sandbox"), error);
        return;
    }
    m_session->activate(key);
}

bool Console::openSandbox(QString* error)
{
    QString why;
    if (!m_sandbox) {
        why = tr("This TaskDesk was started without a local sandbox.");
    } else if (m_sandbox->start(&why)) {
        const AuthResult auth = AuthResult::fromJson(m_sandbox->signInOperator(&why));
        if (auth.isValid()) {
            ConnectionProfile p = m_session->profile(m_settings->value(kSandboxKey).toString());
            if (!p.isValid())
                p = ConnectionProfile::create(tr("Local sandbox"), m_sandbox->baseUrl());
            p.setBaseUrl(m_sandbox->baseUrl());
            p.setHandle(auth.handle);
            p.setProfileId(auth.profileId);
            p.setRoles(auth.roles);
            m_settings->setValue(kSandboxKey, p.key());
            m_session->signIn(p, auth.tokenValue, Session::TokenStorage::ThisRunOnly);
            qCInfo(lcUi) << "local sandbox at" << m_sandbox->baseUrl().toString();
            return true;
        }
        if (why.isEmpty())
            why = tr("The sandbox did not sign its operator in.");
    }
    if (error)
        *error = tr("The local sandbox could not start: %1").arg(why);
    return false;
}

void Console::showWelcome()
{
    auto* dialog =
        new WelcomeDialog(m_sandbox != nullptr, m_sandbox ? m_sandbox->location() : QString(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (dialog->choice() == WelcomeDialog::Choice::Connect) {
            showConnectDialog();
            return;
        }
        QString error;
        if (!openSandbox(&error)) {
            QMessageBox::warning(m_window, tr("Local sandbox"), error);
            showConnectDialog();
        }
    });
    connect(dialog, &QDialog::rejected, this, &Console::quitRequested);
    dialog->open();
}

ConnectDialog* Console::showConnectDialog(const QString& reason, const QUrl& url)
{
    if (m_connectDialog) {
        m_connectDialog->raise();
        return m_connectDialog;
    }
    auto* dialog = new ConnectDialog(m_nam, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setReason(reason);
    if (url.isValid())
        dialog->setServerUrl(url);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { m_session->signIn(dialog->acceptedUrl(), dialog->result()); });
    m_connectDialog = dialog;
    dialog->open();
    return dialog;
}

void Console::onSignInRequired(const QString& reason)
{
    const ConnectionProfile& p = m_session->current();
    if (isSandboxProfile(p.key())) {
        QString error;
        if (!openSandbox(&error))
            QMessageBox::warning(m_window, tr("Local sandbox"), error);
        return;
    }
    ConnectDialog* dialog = showConnectDialog(reason, p.baseUrl());
    if (!p.handle().isEmpty())
        dialog->setMode(ConnectDialog::Mode::SignIn);
}

} // namespace taskdesk::ui
