#pragma once

#include "ApiRequests.h"
#include "CredentialScopes.h"
#include "ViewContext.h"

#include <QJsonObject>
#include <QPointer>
#include <QWizard>

class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QRadioButton;

namespace taskdesk::ui {

class MintCredentialCommand;

// Mints a delegated credential in three steps: the agent (a new one owned by
// me, or an existing one bound by the linking code it made), what it may do
// (a preset or a custom list of the contract's scopes, a spend limit, an
// expiry), and a plain-language preview of exactly that before anything
// exists. "Mint" runs one command; on success the wizard closes and
// minted() hands over the delegation and the bundle (shown once elsewhere);
// on failure it stays on the preview with the server's reason.
class MintCredentialWizard : public QWizard
{
    Q_OBJECT
public:
    MintCredentialWizard(const ViewContext& context, models::ApiRequests api, QWidget* parent = nullptr);

    // The request the form makes now.
    QJsonObject body() const;
    QStringList selectedScopes() const;
    // -1 without a limit.
    qint64 spendLimitCents() const;
    QDateTime expiresAt() const;
    QString previewText() const;
    void choosePreset(models::CredentialScopes::Preset preset);

    bool validateCurrentPage() override;
    void accept() override;

signals:
    void minted(const QJsonObject& delegation, MintCredentialCommand* command);

private:
    QWizardPage* buildAgentPage();
    QWizardPage* buildScopesPage();
    QWizardPage* buildPreviewPage();
    void onPresetChanged();
    void onScopeToggled();
    void updatePreview();
    QString agentProblem() const;
    QString scopesProblem() const;

    ViewContext m_context;
    models::ApiRequests m_api;
    MintCredentialCommand* m_command = nullptr;
    bool m_settingPreset = false;

    QRadioButton* m_newAgent;
    QRadioButton* m_existingAgent;
    QLineEdit* m_label;
    QLineEdit* m_handle;
    QLineEdit* m_displayName;
    QLineEdit* m_linkingCode;
    QLabel* m_agentError;
    QComboBox* m_preset;
    QListWidget* m_scopes;
    QCheckBox* m_limitEnabled;
    QLineEdit* m_limit;
    QCheckBox* m_expiryEnabled;
    QDateTimeEdit* m_expiry;
    QLabel* m_scopesError;
    QLabel* m_preview;
    QLabel* m_mintError;
};

} // namespace taskdesk::ui
