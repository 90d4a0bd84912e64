#pragma once

#include "ApiRequests.h"
#include "View.h"

#include <QPointer>
#include <QTimer>

class QLabel;
class QLineEdit;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace taskdesk::models {
class AccessRequestListModel;
class ApiError;
class PayloadKeyListModel;
} // namespace taskdesk::models

namespace taskdesk::ui {

class Command;
class ErrorBanner;
class KeystoreDialog;

// The local keystore and what it is for: create, unlock and lock it, back it
// up and restore it; the payload key of each protected task (with the agents
// it was granted to); and the queue of access requests across my protected
// tasks, pending first, with Grant (the payload key sealed to the agent's key
// and signed) and Deny (a reason is required).
class KeysView : public View
{
    Q_OBJECT
public:
    explicit KeysView(const ViewContext& context, QWidget* parent = nullptr);
    ~KeysView() override;

    QString title() const override { return tr("Keys"); }
    void activate() override;
    void reset() override;

    models::AccessRequestListModel* requests() const { return m_requests; }
    models::PayloadKeyListModel* payloadKeys() const { return m_keys; }
    // Opens the passphrase dialog for one keystore operation (non-modal to the loop).
    KeystoreDialog* openKeystoreDialog(int mode);
    void refreshRequests();

private:
    void updateState();
    void onCurrentRequestChanged();
    void grantCurrent();
    void denyCurrent();
    void onRequestsRefreshed();
    void runCommand(Command* command, const QString& requestId);
    QJsonObject currentRequest() const;
    QString currentTaskId() const;

    models::ApiRequests m_api;
    models::AccessRequestListModel* m_requests;
    models::PayloadKeyListModel* m_keys;

    ErrorBanner* m_banner;
    QLabel* m_state;
    QPushButton* m_create;
    QPushButton* m_unlock;
    QPushButton* m_lock;
    QPushButton* m_backup;
    QPushButton* m_restore;
    QStackedWidget* m_pages;
    QLabel* m_lockedText;
    QPushButton* m_lockedAction;
    QSplitter* m_splitter;
    QLabel* m_requestCount;
    QTableView* m_requestTable;
    QLabel* m_detail;
    QLineEdit* m_denyReason;
    QPushButton* m_grant;
    QPushButton* m_deny;
    QLabel* m_registration;
    QTableView* m_keyTable;
    QTimer m_liveDebounce;
    QString m_selectAfterRefresh;
    QString m_runningRequest;
    QPointer<KeystoreDialog> m_dialog;
    bool m_active = false;
};

} // namespace taskdesk::ui
