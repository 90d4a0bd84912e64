#pragma once

#include "View.h"

#include <QPointer>

class QComboBox;
class QLabel;
class QPushButton;
class QSystemTrayIcon;
class QTableView;

namespace taskdesk::models {
class NotificationListModel;
}

namespace taskdesk::ui {

class ActivityNotifier;
class Command;
class NotificationTableProxy;

// My notifications, newest first, unread in bold; opening one (double-click
// or Enter) marks it read and goes to what it is about. "Mark all read"
// clears the bell. Live events refresh the list, and the ones that mean work
// for me are announced on the desktop through the tray (when there is one).
class ActivityView : public View
{
    Q_OBJECT
public:
    explicit ActivityView(const ViewContext& context, QWidget* parent = nullptr);
    ~ActivityView() override;

    QString title() const override { return tr("Activity"); }
    QIcon icon() const override;
    void activate() override;
    void reset() override;

    ActivityNotifier* notifier() const { return m_notifier; }
    // Opens the notification in the table's current row.
    void openCurrent();

private:
    void refresh();
    void updateActions();
    void markAllRead();
    void onAnnounce(const QString& title, const QString& message);
    void onTrayMessageClicked();
    void navigateFor(const QJsonObject& notification);

    models::NotificationListModel* m_model;
    NotificationTableProxy* m_proxy;
    ActivityNotifier* m_notifier;
    QSystemTrayIcon* m_tray = nullptr;
    QComboBox* m_filter;
    QTableView* m_table;
    QPushButton* m_open;
    QPushButton* m_markAll;
    QLabel* m_detail;
    QLabel* m_state;
    QPointer<Command> m_markAllCommand;
    bool m_loaded = false;
};

} // namespace taskdesk::ui
