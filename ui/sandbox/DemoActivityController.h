#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QLabel;
class QToolButton;
class QWidget;

namespace taskdesk::ui {

class Console;
class DemoActivity;
class DemoSampleTasks;

// The "Demo activity" switch in the status bar, for the local sandbox only:
// on, it starts the simulated agents (DemoActivity) against the sandbox and,
// for a user with no open task, posts two sample tasks of theirs; off, it
// stops the agents. The agents also stop when the console switches away from
// the sandbox (or signs out of it) and start again on the way back. Whether it
// is on is kept per sandbox in the settings, so the agents come back with the
// console. A failure turns the switch off and says what to do in the banner.
class DemoActivityController : public QObject
{
    Q_OBJECT
public:
    // Puts the switch into the console's status bar; activity is the caller's.
    DemoActivityController(Console* console, DemoActivity* activity, QObject* parent = nullptr);
    ~DemoActivityController() override;

    QAction* toggleAction() const { return m_action; }
    DemoSampleTasks* samples() const { return m_samples; }

private:
    void onSessionChanged();
    void onTokenReady();
    void onTriggered(bool on);
    void onStarted();
    void onStopped(const QString& summary);
    void onFailed(const QString& message);
    // The sandbox profile's key while the console is signed in to it, else empty.
    QString sandboxKey() const;
    bool enabledSetting(const QString& key) const;
    void setEnabledSetting(const QString& key, bool on);
    void setState(const QString& text, const QString& tip);

    Console* m_console;
    QPointer<DemoActivity> m_activity;
    DemoSampleTasks* m_samples;
    QPointer<QWidget> m_box; // the window owns it; it goes with this controller
    QAction* m_action;
    QToolButton* m_switch;
    QLabel* m_state;
    bool m_signedIn = false;
};

} // namespace taskdesk::ui
