#pragma once

#include "AuthResult.h"

#include <QDialog>
#include <QPointer>
#include <QUrl>

class QButtonGroup;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QRadioButton;

namespace taskdesk::models {
class ApiClient;
}

namespace taskdesk::ui {

class ApiCommand;
class ErrorBanner;

// "Connect to a server...": a URL, then sign in with email and password or
// create an account there. The request goes to the URL typed, through a
// client of its own, so the current connection is untouched until the
// server has said yes. On failure the dialog stays open with everything typed
// (but the password is never kept anywhere else) and the reason inline.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        SignIn,
        CreateAccount
    };

    ConnectDialog(QNetworkAccessManager* nam, QWidget* parent = nullptr);
    ~ConnectDialog() override;

    void setServerUrl(const QUrl& url);
    void setEmail(const QString& email);
    void setMode(Mode mode);
    void setReason(const QString& reason);
    Mode mode() const;
    QUrl serverUrl() const;

    // Valid once the dialog was accepted.
    const models::AuthResult& result() const { return m_result; }
    QUrl acceptedUrl() const { return m_acceptedUrl; }

private:
    void updateMode();
    void updateState();
    void submit();
    QString validate() const;
    // A support/admin profile signed in: sign in again asking for the staff scopes too.
    void signInAsStaff(const models::AuthResult& first, const QUrl& url);
    void finish(const models::AuthResult& result, const QUrl& url);

    QNetworkAccessManager* m_nam;
    QLineEdit* m_url;
    QRadioButton* m_signIn;
    QRadioButton* m_create;
    QLineEdit* m_email;
    QLineEdit* m_password;
    QLineEdit* m_handle;
    QLineEdit* m_displayName;
    QLabel* m_handleLabel;
    QLabel* m_displayNameLabel;
    QLabel* m_reason;
    QLabel* m_warning;
    ErrorBanner* m_error;
    QDialogButtonBox* m_buttons;
    models::ApiClient* m_client = nullptr;
    QPointer<ApiCommand> m_command;
    models::AuthResult m_result;
    QUrl m_acceptedUrl;
};

} // namespace taskdesk::ui
