#pragma once

#include "ViewContext.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QSettings;

namespace taskdesk::models {
class ApiClient;
class KeyVault;
class LiveUpdates;
class SecretStore;
class Session;
} // namespace taskdesk::models

namespace taskdesk::ui {

class CommandRunner;
class ConnectDialog;
class LocalSandbox;
class MainWindow;

// The console put together: network access, client, session, live updates,
// command runner and the main window, wired once. app/ makes one with the
// real keychain and sandbox; tests make one with a memory secret store and
// their own server. The settings and secret store are the caller's.
class Console : public QObject
{
    Q_OBJECT
public:
    Console(QSettings* settings, models::SecretStore* secrets, LocalSandbox* sandbox,
            QObject* parent = nullptr);
    ~Console() override;

    MainWindow* window() const { return m_window; }
    models::ApiClient* client() const { return m_client; }
    models::Session* session() const { return m_session; }
    models::LiveUpdates* live() const { return m_live; }
    CommandRunner* commands() const { return m_runner; }
    models::KeyVault* keyVault() const { return m_keyVault; }
    // <user data folder>/keys/keystore.tdks
    static QString defaultKeystorePath();
    // <dataDir>/keys/keystore.tdks: with --data-dir the keystore lives beside the sandbox's data.
    static QString keystorePathIn(const QString& dataDir);
    QNetworkAccessManager* networkAccessManager() const { return m_nam; }
    const ViewContext& context() const { return m_context; }

    // Shows the window, then activates the last connection, or asks where to
    // work (the welcome dialog) when there is none.
    void start();
    // Starts the local sandbox if needed and signs its operator in.
    bool openSandbox(QString* error = nullptr);
    bool isSandboxProfile(const QString& profileKey) const;
    // "Connect to a server...": non-modal to the event loop (open(), not exec()).
    ConnectDialog* showConnectDialog(const QString& reason = {}, const QUrl& url = {});

signals:
    // The user chose Quit in the welcome dialog.
    void quitRequested();

private:
    void switchProfile(const QString& key);
    void showWelcome();
    void onSignInRequired(const QString& reason);

    QSettings* m_settings;
    LocalSandbox* m_sandbox;
    QNetworkAccessManager* m_nam;
    models::ApiClient* m_client;
    models::Session* m_session;
    models::LiveUpdates* m_live;
    CommandRunner* m_runner;
    models::KeyVault* m_keyVault;
    ViewContext m_context;
    MainWindow* m_window = nullptr;
    QPointer<ConnectDialog> m_connectDialog;
};

} // namespace taskdesk::ui
