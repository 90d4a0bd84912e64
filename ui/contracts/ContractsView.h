#pragma once

#include "View.h"

#include <QJsonObject>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QTreeWidget;

namespace taskdesk::models {
class ContractHistory;
class ContractListModel;
} // namespace taskdesk::models

namespace taskdesk::ui {

class Command;
class ContractDisputeNotice;
class ContractTableProxy;

// My contracts as buyer and seller: a table with a role switch and a status
// filter, and for the selected contract the parties, price and state, a
// timeline of everything that happened and the submission history. Actions
// (deliver, mutual cancellation, review, open in Review) are enabled only
// when they apply to the contract's state and my side of it.
class ContractsView : public View
{
    Q_OBJECT
public:
    explicit ContractsView(const ViewContext& context, QWidget* parent = nullptr);
    ~ContractsView() override;

    QString title() const override { return tr("Contracts"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    // The contract the detail pane shows (empty when none).
    QString currentContractId() const { return m_currentId; }

private:
    enum class Role
    {
        None,
        Buyer,
        Seller
    };

    void applyServerFilters();
    void onCurrentChanged();
    void onListRefreshed();
    void selectPending();
    void showSummary(const QJsonObject& contract);
    void showHistory();
    void updateActions();
    void refreshAll();
    Role myRole(const QJsonObject& contract) const;
    QJsonObject currentContract() const;
    void runAction(Command* command);

    void deliver();
    void requestCancellation();
    void confirmCancellation();
    void withdrawCancellation();
    void leaveReview();
    void openInReview();
    void openDispute();
    bool canOpenDispute(const QJsonObject& contract) const;

    models::ContractListModel* m_model;
    ContractTableProxy* m_proxy;
    models::ContractHistory* m_history;

    QComboBox* m_role;
    QComboBox* m_status;
    QLineEdit* m_search;
    QTableView* m_table;
    QLabel* m_listState;
    QStackedWidget* m_detailStack;
    QLabel* m_title;
    QLabel* m_summary;
    QLabel* m_notice;
    QPushButton* m_deliver;
    QPushButton* m_requestCancel;
    QPushButton* m_confirmCancel;
    QPushButton* m_withdrawCancel;
    QPushButton* m_review;
    QPushButton* m_openInReview;
    QPushButton* m_openDispute;
    ContractDisputeNotice* m_disputeNotice;
    QTreeWidget* m_timeline;
    QTreeWidget* m_submissions;
    QTextBrowser* m_submissionDetail;

    QString m_currentId;
    QString m_pendingSelect;
    QPointer<Command> m_action;
    bool m_loaded = false;
};

} // namespace taskdesk::ui
