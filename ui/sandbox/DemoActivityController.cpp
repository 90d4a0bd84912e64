#include "DemoActivityController.h"

#include "Console.h"
#include "DemoActivity.h"
#include "DemoSampleTasks.h"
#include "ErrorBanner.h"
#include "MainWindow.h"
#include "Session.h"
#include "UiLogging.h"

#include <QAction>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>

namespace taskdesk::ui {

namespace {
QString enabledKey(const QString& sandboxKey)
{
    return QStringLiteral("demoActivity/%1/enabled").arg(sandboxKey);
}
} // namespace

DemoActivityController::DemoActivityController(Console* console, DemoActivity* activity, QObject* parent)
    : QObject(parent), m_console(console), m_activity(activity)
{
    MainWindow* window = console->window();
    m_samples = new DemoSampleTasks(console->context(), this);

    const QString tip = tr("Simulated agents post tasks, bid and deliver in this sandbox");
    m_action = new QAction(tr("Demo activity"), this);
    m_action->setObjectName(QStringLiteral("demoActivityAction"));
    m_action->setCheckable(true);
    m_action->setToolTip(tip);
    m_action->setStatusTip(tip);
    m_action->setEnabled(false);

    m_box = new QWidget(window);
    m_box->setObjectName(QStringLiteral("demoActivityBox"));
    auto* layout = new QHBoxLayout(m_box);
    layout->setContentsMargins(0, 0, 6, 0);
    layout->setSpacing(6);
    m_switch = new QToolButton(m_box);
    m_switch->setObjectName(QStringLiteral("demoActivitySwitch"));
    m_switch->setDefaultAction(m_action);
    m_switch->setAccessibleName(tr("Demo activity"));
    m_switch->setAccessibleDescription(tip);
    m_switch->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_switch->setAutoRaise(false);
    m_switch->setStyleSheet(QStringLiteral("QToolButton#demoActivitySwitch { padding: 1px 8px; }"
                                           "QToolButton#demoActivitySwitch:checked { background: #d7eedd; "
                                           "border: 1px solid #4f9a62; border-radius: 3px; }"));
    m_state = new QLabel(m_box);
    m_state->setObjectName(QStringLiteral("demoActivityState"));
    m_state->setAccessibleName(tr("Demo activity state"));
    layout->addWidget(m_switch);
    layout->addWidget(m_state);
    // A normal (not permanent) item: it lands after the stretching command
    // status, so just left of the busy indicator and the balance.
    window->statusBar()->addWidget(m_box);
    m_box->hide();

    models::Session* session = console->session();
    connect(session, &models::Session::currentProfileChanged, this, [this] {
        m_signedIn = false;
        onSessionChanged();
    });
    connect(session, &models::Session::signedOut, this, [this] {
        m_signedIn = false;
        onSessionChanged();
    });
    connect(session, &models::Session::tokenReady, this, &DemoActivityController::onTokenReady);
    connect(m_action, &QAction::triggered, this, &DemoActivityController::onTriggered);
    connect(m_samples, &DemoSampleTasks::posted, this, [this](const QStringList& titles) {
        const QString what = titles.size() == 1 ? tr("a sample task") : tr("two sample tasks");
        m_console->window()->banner()->showInfo(
            tr("Demo activity posted %1 from your account (%2). Bids show on the Board, deliveries in "
               "Review; cancel a sample any time to get its credits back.")
                .arg(what, titles.join(QStringLiteral("; "))));
    });
    connect(m_samples, &DemoSampleTasks::skipped, this,
            [](const QString& reason) { qCInfo(lcUi).noquote() << "demo activity:" << reason; });
    if (m_activity) {
        connect(m_activity, &DemoActivity::started, this, &DemoActivityController::onStarted);
        connect(m_activity, &DemoActivity::stopped, this, &DemoActivityController::onStopped);
        connect(m_activity, &DemoActivity::failed, this, &DemoActivityController::onFailed);
        // The agents never outlive the console, whatever way it quits.
        connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, m_activity.data(),
                &DemoActivity::stop);
    }
    onSessionChanged();
    if (session->hasToken())
        onTokenReady();
}

DemoActivityController::~DemoActivityController()
{
    if (m_activity)
        m_activity->stop();
    delete m_box;
}

QString DemoActivityController::sandboxKey() const
{
    const QString key = m_console->session()->current().key();
    return m_console->isSandboxProfile(key) ? key : QString();
}

bool DemoActivityController::enabledSetting(const QString& key) const
{
    QSettings* settings = m_console->context().settings;
    return settings && settings->value(enabledKey(key), false).toBool();
}

void DemoActivityController::setEnabledSetting(const QString& key, bool on)
{
    if (QSettings* settings = m_console->context().settings) {
        settings->setValue(enabledKey(key), on);
        settings->sync();
    }
}

void DemoActivityController::setState(const QString& text, const QString& tip)
{
    m_state->setText(text);
    m_state->setToolTip(tip);
}

void DemoActivityController::onSessionChanged()
{
    const QString key = sandboxKey();
    // Only the sandbox gets simulated agents: on a real server they would be
    // strangers' accounts posting and bidding for real.
    m_box->setVisible(!key.isEmpty() && m_activity);
    m_action->setEnabled(!key.isEmpty() && m_activity && m_signedIn);
    if ((key.isEmpty() || !m_signedIn) && m_activity && m_activity->isRunning()) {
        qCInfo(lcUi) << "demo activity: left the sandbox, stopping the simulated agents";
        m_activity->stop();
    }
    if (key.isEmpty())
        m_action->setChecked(false);
}

void DemoActivityController::onTokenReady()
{
    m_signedIn = true;
    onSessionChanged();
    const QString key = sandboxKey();
    if (key.isEmpty() || !m_activity)
        return;
    const bool on = enabledSetting(key);
    m_action->setChecked(on);
    if (on && !m_activity->isRunning()) {
        setState(tr("Starting agents..."), {});
        m_activity->start(m_console->session()->current().baseUrl());
    }
}

void DemoActivityController::onTriggered(bool on)
{
    const QString key = sandboxKey();
    if (key.isEmpty() || !m_activity || !m_signedIn) {
        m_action->setChecked(false);
        return;
    }
    setEnabledSetting(key, on);
    if (on) {
        setState(tr("Starting agents..."), {});
        m_activity->start(m_console->session()->current().baseUrl());
    } else {
        setState(tr("Stopping agents..."), {});
        m_activity->stop();
    }
}

void DemoActivityController::onStarted()
{
    setState(tr("Agents at work"), tr("Two simulated publishers and three simulated workers are active in "
                                      "this sandbox. Turn Demo activity off to stop them."));
    const QString key = sandboxKey();
    if (!key.isEmpty() && m_action->isChecked())
        m_samples->ensurePosted(key, m_console->session()->current().profileId());
}

void DemoActivityController::onStopped(const QString&)
{
    // The summary is already in the log under the fleet's own category.
    if (!m_activity || !m_activity->isRunning())
        setState({}, {});
}

void DemoActivityController::onFailed(const QString& message)
{
    m_action->setChecked(false);
    // Off in the settings too: a restart should not fail the same way again
    // before the user has done something about it.
    if (const QString key = sandboxKey(); !key.isEmpty())
        setEnabledSetting(key, false);
    setState(tr("Demo activity stopped"), message);
    m_console->window()->banner()->showError(message, false);
}

} // namespace taskdesk::ui
