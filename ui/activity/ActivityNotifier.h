#pragma once

#include <QJsonArray>
#include <QObject>
#include <QString>

namespace taskdesk::ui {

// Decides which live events deserve a desktop notification: work that waits
// for me (a new submission to review, the other party asking to cancel), not
// every bid or credit. One burst of events makes at most one announcement per
// kind, so a busy task does not flood the desktop. Widget-free, so the logic is
// tested without a system tray; the Activity view shows what it announces.
class ActivityNotifier : public QObject
{
    Q_OBJECT
public:
    explicit ActivityNotifier(QObject* parent = nullptr);

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool isEnabled() const { return m_enabled; }

    // Feed LiveUpdates::eventsArrived here.
    void handleEvents(const QJsonArray& events);

    // Where a click on the last announcement should take the user.
    const QString& lastView() const { return m_lastView; }
    const QString& lastId() const { return m_lastId; }

signals:
    // viewName/id: what the announcement is about ("reviewView", a contract id).
    void announce(const QString& title, const QString& message, const QString& viewName, const QString& id);

private:
    QString m_lastView;
    QString m_lastId;
    bool m_enabled = true;
};

} // namespace taskdesk::ui
