#pragma once

#include "ViewContext.h"

#include <QDialog>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QStackedWidget;

namespace taskdesk::models {
class WalletJob;
}

namespace taskdesk::ui {

class ApiCommand;
class ErrorBanner;
class ProtectedFieldsBox;

// Post Task: everything a task carries, checked as the user types (required
// fields, budget format), with the escrow explained against the available
// balance and a "test it now" box that runs the verification rule on a sample
// output on the server (the check a real submission gets). Posting is one
// ApiCommand; a failure keeps every field and shows the server's reasons next
// to the fields they concern.
class PostTaskDialog : public QDialog
{
    Q_OBJECT
public:
    explicit PostTaskDialog(const ViewContext& context, QWidget* parent = nullptr);

    // The request body the form makes now.
    QJsonObject taskBody() const;
    // The verification rule the form makes now (empty: none).
    QJsonObject verificationRule() const;
    // The first thing that keeps the task from being posted; empty when none.
    QString problem() const;
    // The same for the verification rule alone (what "Test it now" needs).
    QString ruleProblem() const;

    // Closing while a posted task's payload key is not saved loses the key: ask first.
    void reject() override;

signals:
    void posted(const QJsonObject& task);

private:
    QWidget* buildTaskColumn();
    QWidget* buildTermsColumn();
    QWidget* buildVerificationBox();
    QLabel* fieldError(const QString& field);
    void clearFieldErrors();
    void showFieldErrors();
    void updateState();
    void updateEscrowNote();
    void addCriterion();
    void moveCriterion(int delta);
    void checkSample();
    void submit();
    QString mode() const;
    QString currency() const;
    QJsonValue sampleOutput(QString* error) const;

    ViewContext m_context;
    ApiCommand* m_postCommand;
    ApiCommand* m_checkCommand;
    QPointer<models::WalletJob> m_walletJob;
    qint64 m_availableCents = -1;

    ErrorBanner* m_banner;
    QLineEdit* m_title;
    QPlainTextEdit* m_description;
    QButtonGroup* m_modes;
    QRadioButton* m_modeBid;
    QRadioButton* m_modeClaim;
    QRadioButton* m_modeOpen;
    QCheckBox* m_requireApproval;
    QListWidget* m_criteria;
    QLineEdit* m_criterionEdit;
    QPushButton* m_addCriterion;
    QPushButton* m_removeCriterion;
    QPushButton* m_criterionUp;
    QPushButton* m_criterionDown;
    QLineEdit* m_skills;
    QLineEdit* m_budget;
    QComboBox* m_currency;
    QLineEdit* m_currencyCustom;
    QLabel* m_escrowNote;
    QCheckBox* m_deadlineEnabled;
    QDateTimeEdit* m_deadline;
    QComboBox* m_visibility;
    QSpinBox* m_reviewWindow;
    QComboBox* m_verificationType;
    QStackedWidget* m_verificationPages;
    QLineEdit* m_pattern;
    QLineEdit* m_sha256;
    QPlainTextEdit* m_schema;
    QCheckBox* m_autoAccept;
    QPlainTextEdit* m_sample;
    QPushButton* m_checkButton;
    QLabel* m_checkResult;
    QLabel* m_hint;
    QPushButton* m_postButton;
    QHash<QString, QLabel*> m_fieldErrors;
    ProtectedFieldsBox* m_protected;
    QJsonObject m_postedTask; // kept while its payload key waits to be saved
};

} // namespace taskdesk::ui
