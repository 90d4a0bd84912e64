#pragma once

#include "View.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QStackedWidget;
class QTableView;

namespace taskdesk::models {
class DisputeListModel;
}

namespace taskdesk::ui {

class CaseFilePane;
class DisputeQueueProxy;

// Support staff's desk (role "support" only; the main window hides it from
// everyone else): the dispute queue oldest first, cases past the target time
// in amber (the target is a setting, "disputes/targetHours", default 24 h),
// filtered to open, resolved or mine; and the selected case on one screen
// (CaseFilePane) with assignment, notes, messages and the resolution.
class DisputesView : public View
{
    Q_OBJECT
public:
    explicit DisputesView(const ViewContext& context, QWidget* parent = nullptr);
    ~DisputesView() override;

    QString title() const override { return tr("Disputes"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    CaseFilePane* casePane() const { return m_case; }
    QString currentDisputeId() const;

private:
    void applyFilter();
    void onCurrentChanged();
    void selectPending();

    models::DisputeListModel* m_model;
    DisputeQueueProxy* m_proxy;
    QComboBox* m_filter;
    QSpinBox* m_targetHours;
    QTableView* m_table;
    QLabel* m_listState;
    QStackedWidget* m_detailStack;
    CaseFilePane* m_case;
    QString m_pendingSelect;
    bool m_loaded = false;
};

} // namespace taskdesk::ui
