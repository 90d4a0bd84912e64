#pragma once

#include "ViewContext.h"
#include "WalletBalance.h"

#include <QList>
#include <QMainWindow>
#include <QPointer>
#include <QTimer>

class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QStackedWidget;
class QToolButton;

namespace taskdesk::models {
class ApiError;
class ConnectionProfile;
class WalletJob;
} // namespace taskdesk::models

namespace taskdesk::ui {

class Command;
class ErrorBanner;
class View;

// The console's frame: navigation on the left, one view at a time, the error
// banner on top; a toolbar with the notification bell and the connection
// switcher; a status bar with the connection state, what is running and the
// available balance. It owns the views and hands each the same ViewContext.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(const ViewContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Views by objectName ("boardView", "reviewView", ...).
    View* view(const QString& name) const;
    QList<View*> views() const { return m_views; }
    View* currentView() const;
    void showView(const QString& name, const QString& selectId = {});

    // The last wallet figures shown in the status bar.
    const models::WalletBalance& balance() const { return m_balance; }
    void refreshBalance();
    // The strip on top, for what is not a command (e.g. the sandbox's demo agents failing).
    ErrorBanner* banner() const { return m_banner; }

signals:
    void profileSwitchRequested(const QString& profileKey);
    void connectRequested();
    void signOutRequested();

private:
    void addView(View* view);
    void onNavigation(int row);
    void onProfileChanged(const models::ConnectionProfile& profile);
    void onTokenReady();
    void rebuildProfileSwitcher();
    void onUnreadChanged(int unread);
    void onLiveError(const models::ApiError& error);
    void onLiveRecovered();
    void onCommandStarted(Command* command);
    void onCommandFinished();
    void onCommandFailed(Command* command, const QString& message);
    void updateConnectionLabel();

    ViewContext m_context;
    QListWidget* m_navigation;
    QStackedWidget* m_stack;
    ErrorBanner* m_banner;
    QToolButton* m_bell;
    QComboBox* m_profiles;
    QLabel* m_connection;
    QLabel* m_commandStatus;
    QProgressBar* m_busy;
    QLabel* m_balanceLabel;
    QList<View*> m_views;
    QTimer m_balanceDebounce;
    QTimer m_balancePoll;
    QPointer<models::WalletJob> m_walletJob;
    models::WalletBalance m_balance;
    QString m_liveError;
    bool m_signedIn = false;
};

} // namespace taskdesk::ui
