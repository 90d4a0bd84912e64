#pragma once

#include "ApiRequests.h"
#include "View.h"

#include <QJsonObject>
#include <QPointer>
#include <QTimer>

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;
class QTableWidget;

namespace taskdesk::models {
class ApiError;
class DelegationListModel;
class EntityJob;
class PagedListJob;
} // namespace taskdesk::models

namespace taskdesk::ui {

class BundleDialog;
class ErrorBanner;
class MintCredentialCommand;
class MintCredentialWizard;

// The credentials I minted for my agents (delegations): who, for what, what
// they may do, spend against the limit, last use, expiry and status; the
// selected one's usage and audit trail in the detail pane with Revoke and
// Fund agent. "Mint credential..." opens the wizard; its bundle is shown once.
class CredentialsView : public View
{
    Q_OBJECT
public:
    explicit CredentialsView(const ViewContext& context, QWidget* parent = nullptr);
    ~CredentialsView() override;

    QString title() const override { return tr("Credentials"); }
    void activate() override;
    void reset() override;

    models::DelegationListModel* delegations() const { return m_model; }
    MintCredentialWizard* openMintWizard();
    // The bundle dialog of the last mint, while it is open.
    BundleDialog* bundleDialog() const;
    QString currentId() const;
    void refresh();

private:
    void onCurrentChanged();
    void showDelegation(const QJsonObject& d);
    void loadDetail(const QString& id);
    void loadAudit(const QString& id);
    void onMinted(const QJsonObject& delegation, MintCredentialCommand* command);
    void revokeCurrent();
    void fundCurrent();
    void updateActions();
    void selectId(const QString& id);

    models::ApiRequests m_api;
    models::DelegationListModel* m_model;

    ErrorBanner* m_banner;
    QLabel* m_count;
    QPushButton* m_mint;
    QTableView* m_table;
    QSplitter* m_splitter;
    QLabel* m_title;
    QLabel* m_summary;
    QProgressBar* m_spendBar;
    QLabel* m_spend;
    QLabel* m_usage;
    QPushButton* m_revoke;
    QPushButton* m_fund;
    QTableWidget* m_audit;
    QPointer<models::EntityJob> m_detailJob;
    QPointer<models::PagedListJob> m_auditJob;
    QPointer<MintCredentialWizard> m_wizard;
    QPointer<BundleDialog> m_bundleDialog;
    QJsonObject m_shown;
    QString m_selectAfterRefresh;
    QTimer m_liveDebounce;
    bool m_loaded = false;
    bool m_revoking = false;
};

} // namespace taskdesk::ui
