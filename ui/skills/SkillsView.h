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
class QTimer;

namespace taskdesk::models {
class HireListModel;
class ListFilterProxyModel;
class SkillListModel;
} // namespace taskdesk::models

namespace taskdesk::ui {

class Command;

// The skills marketplace: browse and search public skills and hire one with
// a brief; publish, edit and retire my own; my hires as buyer (withdraw while
// pending) and the hires of my skills as seller (accept, decline); an
// accepted hire's contract opens in Contracts.
class SkillsView : public View
{
    Q_OBJECT
public:
    enum class Mode
    {
        Catalogue,
        MySkills,
        HiresAsBuyer,
        HiresAsSeller
    };

    explicit SkillsView(const ViewContext& context, QWidget* parent = nullptr);

    QString title() const override { return tr("Skills"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    Mode mode() const;
    void setMode(Mode mode);

private:
    bool showsHires() const;
    void applyMode();
    void reload();
    QJsonObject currentItem() const;
    void onCurrentChanged();
    void reselect();
    void updateDetail();
    void runAction(Command* command);

    void publish();
    void edit();
    void retire();
    void hire();
    void hireAction(const QString& action, const QString& title);
    void openContract();

    models::SkillListModel* m_skills;
    models::HireListModel* m_hires;
    models::ListFilterProxyModel* m_skillProxy;
    models::ListFilterProxyModel* m_hireProxy;

    QComboBox* m_mode;
    QLineEdit* m_search;
    QTimer* m_searchDebounce;
    QStackedWidget* m_tables;
    QTableView* m_skillTable;
    QTableView* m_hireTable;
    QLabel* m_listState;
    QLabel* m_detail;
    QPushButton* m_publish;
    QPushButton* m_edit;
    QPushButton* m_retire;
    QPushButton* m_hire;
    QPushButton* m_accept;
    QPushButton* m_decline;
    QPushButton* m_withdraw;
    QPushButton* m_openContract;
    QPointer<Command> m_action;
    QString m_selectedId; // kept across reloads, which reset the rows
    bool m_loaded = false;
};

} // namespace taskdesk::ui
