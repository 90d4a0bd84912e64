#include "MainWindow.h"

#include "ApiClient.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "LiveUpdates.h"
#include "Session.h"
#include "View.h"
#include "WalletJob.h"
#include "WalletJobs.h"
#include "activity/ActivityView.h"
#include "board/BoardView.h"
#include "commands/Command.h"
#include "commands/CommandRunner.h"
#include "contracts/ContractsView.h"
#include "credentials/CredentialsView.h"
#include "disputes/DisputesView.h"
#include "keys/KeysView.h"
#include "review/ReviewView.h"
#include "skills/SkillsView.h"
#include "wallet/WalletView.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiError;
using models::ConnectionProfile;
using models::Formatting;
using models::LiveUpdates;
using models::Session;

namespace {
const QString kConnectItem = QStringLiteral("connect:");
const QString kSignOutItem = QStringLiteral("signout:");

// Views only some roles may use: their navigation entry is hidden from
// everyone else, and looked at again whenever who is signed in changes.
void updateRoleViews(QListWidget* navigation, const Session* session)
{
    const bool support = session->current().roles().contains(QStringLiteral("support"));
    for (int i = 0; i < navigation->count(); ++i) {
        QListWidgetItem* item = navigation->item(i);
        if (item->data(Qt::UserRole).toString() != QLatin1String("disputesView"))
            continue;
        item->setHidden(!support);
        if (!support && navigation->currentRow() == i)
            navigation->setCurrentRow(0);
    }
}
} // namespace

MainWindow::MainWindow(const ViewContext& context, QWidget* parent) : QMainWindow(parent), m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("TaskDesk"));
    resize(1280, 800);

    m_navigation = new QListWidget(this);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Views"));
    m_navigation->setIconSize(QSize(22, 22));
    m_navigation->setMaximumWidth(200);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setStyleSheet(
        QStringLiteral("QListWidget#navigation { background: #f3f5f8; padding-top: 8px; }"
                       "QListWidget#navigation::item { padding: 8px 10px; border-radius: 4px; }"
                       "QListWidget#navigation::item:selected { background: #dce7f3; "
                       "color: #14324f; }"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/taskdesk.svg")));
    m_stack = new QStackedWidget(this);
    m_stack->setObjectName(QStringLiteral("views"));
    m_banner = new ErrorBanner(this);

    auto* splitter = new QSplitter(this);
    splitter->addWidget(m_navigation);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({170, 1100});
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);
    m_profiles = new QComboBox(this);
    m_profiles->setObjectName(QStringLiteral("profileSwitcher"));
    m_profiles->setAccessibleName(tr("Connection"));
    m_profiles->setMinimumContentsLength(28);
    m_profiles->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    auto* spacer = new QWidget(this);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_bell = new QToolButton(this);
    m_bell->setObjectName(QStringLiteral("notificationBell"));
    m_bell->setAccessibleName(tr("Notifications"));
    m_bell->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_bell->setIcon(QIcon(QStringLiteral(":/icons/activity.svg")));
    m_bell->setText(tr("No new notifications"));
    auto* refresh = new QAction(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Refresh"), this);
    refresh->setObjectName(QStringLiteral("refreshAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    toolbar->addAction(refresh);
    toolbar->addWidget(spacer);
    toolbar->addWidget(m_bell);
    toolbar->addSeparator();
    toolbar->addWidget(m_profiles);

    m_connection = new QLabel(tr("Not connected"), this);
    m_connection->setObjectName(QStringLiteral("connectionState"));
    m_commandStatus = new QLabel(this);
    m_commandStatus->setObjectName(QStringLiteral("commandStatus"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("busyIndicator"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(14);
    m_busy->hide();
    m_balanceLabel = new QLabel(this);
    m_balanceLabel->setObjectName(QStringLiteral("balanceLabel"));
    statusBar()->addWidget(m_connection, 1);
    statusBar()->addWidget(m_commandStatus, 1);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_balanceLabel);

    addView(new BoardView(m_context, this));
    addView(new ReviewView(m_context, this));
    addView(new ContractsView(m_context, this));
    addView(new SkillsView(m_context, this));
    addView(new WalletView(m_context, this));
    addView(new CredentialsView(m_context, this));
    addView(new KeysView(m_context, this));
    addView(new DisputesView(m_context, this));
    addView(new ActivityView(m_context, this));
    updateRoleViews(m_navigation, m_context.session);

    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::onNavigation);
    connect(m_bell, &QToolButton::clicked, this, [this] { showView(QStringLiteral("activityView")); });
    connect(refresh, &QAction::triggered, this, [this] {
        if (View* v = currentView(); v && m_signedIn)
            v->activate();
        refreshBalance();
    });
    connect(m_profiles, &QComboBox::activated, this, [this](int index) {
        const QString key = m_profiles->itemData(index).toString();
        if (key == kConnectItem)
            emit connectRequested();
        else if (key == kSignOutItem)
            emit signOutRequested();
        else if (key != m_context.session->current().key())
            emit profileSwitchRequested(key);
        rebuildProfileSwitcher();
    });
    connect(m_banner, &ErrorBanner::retryRequested, m_context.commands, &CommandRunner::retryLastFailed);
    connect(m_banner, &ErrorBanner::dismissed, m_context.commands, &CommandRunner::dismissLastFailed);

    Session* session = m_context.session;
    connect(session, &Session::profilesChanged, this, &MainWindow::rebuildProfileSwitcher);
    connect(session, &Session::currentProfileChanged, this, &MainWindow::onProfileChanged);
    connect(session, &Session::tokenReady, this, &MainWindow::onTokenReady);
    connect(session, &Session::currentProfileChanged, this,
            [this] { updateRoleViews(m_navigation, m_context.session); });
    connect(session, &Session::tokenReady, this,
            [this] { updateRoleViews(m_navigation, m_context.session); });
    connect(session, &Session::signedOut, this, [this] {
        m_signedIn = false;
        m_context.live->stop();
        updateConnectionLabel();
    });
    connect(session, &Session::tokenPersistenceChanged, this, [this](bool persisted, const QString& message) {
        if (!persisted && !message.isEmpty())
            m_banner->showInfo(message);
    });

    LiveUpdates* live = m_context.live;
    connect(live, &LiveUpdates::notificationsChanged, this, &MainWindow::onUnreadChanged);
    connect(live, &LiveUpdates::eventsArrived, this, [this] { m_balanceDebounce.start(); });
    connect(live, &LiveUpdates::errorOccurred, this, &MainWindow::onLiveError);
    connect(live, &LiveUpdates::recovered, this, &MainWindow::onLiveRecovered);

    CommandRunner* runner = m_context.commands;
    connect(runner, &CommandRunner::commandStarted, this, &MainWindow::onCommandStarted);
    connect(runner, &CommandRunner::commandProgress, this,
            [this](Command*, const QString& message) { m_commandStatus->setText(message); });
    connect(runner, &CommandRunner::commandFinished, this, &MainWindow::onCommandFinished);
    connect(runner, &CommandRunner::commandSucceeded, this, [this] { m_balanceDebounce.start(); });
    connect(runner, &CommandRunner::commandFailed, this, &MainWindow::onCommandFailed);
    connect(runner, &CommandRunner::busyChanged, m_busy, &QWidget::setVisible);

    m_balanceDebounce.setSingleShot(true);
    m_balanceDebounce.setInterval(300);
    connect(&m_balanceDebounce, &QTimer::timeout, this, &MainWindow::refreshBalance);
    // Money can move without a notification to this profile (a post from
    // another client, a payout release): the figure is also re-read now and then.
    m_balancePoll.setInterval(30'000);
    connect(&m_balancePoll, &QTimer::timeout, this, &MainWindow::refreshBalance);

    rebuildProfileSwitcher();
    if (m_context.settings)
        restoreGeometry(m_context.settings->value(QStringLiteral("window/geometry")).toByteArray());
}

MainWindow::~MainWindow()
{
    if (m_context.settings)
        m_context.settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
}

void MainWindow::addView(View* view)
{
    m_views << view;
    m_stack->addWidget(view);
    QIcon icon = view->icon();
    if (icon.isNull()) {
        QString name = view->objectName();
        name.chop(4); // "boardView" -> "board"
        icon = QIcon(QStringLiteral(":/icons/%1.svg").arg(name));
    }
    auto* item = new QListWidgetItem(icon, view->title(), m_navigation);
    item->setData(Qt::UserRole, view->objectName());
    connect(view, &View::navigateRequested, this, &MainWindow::showView);
    if (m_navigation->count() == 1)
        m_navigation->setCurrentRow(0);
}

View* MainWindow::view(const QString& name) const
{
    for (View* v : m_views)
        if (v->objectName() == name)
            return v;
    return nullptr;
}

View* MainWindow::currentView() const
{
    return qobject_cast<View*>(m_stack->currentWidget());
}

void MainWindow::showView(const QString& name, const QString& selectId)
{
    for (int i = 0; i < m_views.size(); ++i) {
        if (m_views[i]->objectName() != name)
            continue;
        if (!selectId.isEmpty())
            m_views[i]->setProperty("taskdesk.selectId", selectId);
        if (m_navigation->currentRow() == i)
            onNavigation(i);
        else
            m_navigation->setCurrentRow(i);
        return;
    }
}

void MainWindow::onNavigation(int row)
{
    if (row < 0 || row >= m_views.size())
        return;
    m_stack->setCurrentWidget(m_views[row]);
    if (m_signedIn)
        m_views[row]->activate();
}

void MainWindow::onProfileChanged(const ConnectionProfile& profile)
{
    m_signedIn = false;
    m_context.live->stop();
    m_balancePoll.stop();
    for (View* v : m_views)
        v->reset();
    m_balance = {};
    m_balanceLabel->clear();
    m_bell->setText(tr("No new notifications"));
    setWindowTitle(tr("TaskDesk - %1").arg(profile.name()));
    rebuildProfileSwitcher();
    updateConnectionLabel();
}

void MainWindow::onTokenReady()
{
    m_signedIn = true;
    m_liveError.clear();
    updateConnectionLabel();
    m_context.live->stop();
    m_context.live->start();
    m_balancePoll.start();
    refreshBalance();
    if (View* v = currentView())
        v->activate();
}

void MainWindow::rebuildProfileSwitcher()
{
    const QSignalBlocker blocker(m_profiles);
    m_profiles->clear();
    const QString current = m_context.session->current().key();
    int currentIndex = -1;
    for (const ConnectionProfile& p : m_context.session->profiles()) {
        m_profiles->addItem(p.name(), p.key());
        if (p.key() == current)
            currentIndex = m_profiles->count() - 1;
    }
    if (m_profiles->count() > 0)
        m_profiles->insertSeparator(m_profiles->count());
    m_profiles->addItem(tr("Connect to a server..."), kConnectItem);
    if (currentIndex >= 0)
        m_profiles->addItem(tr("Sign out"), kSignOutItem);
    m_profiles->setCurrentIndex(currentIndex >= 0 ? currentIndex : -1);
}

void MainWindow::onUnreadChanged(int unread)
{
    m_bell->setText(unread > 0 ? tr("%n unread", nullptr, unread) : tr("No new notifications"));
    m_bell->setProperty("unreadCount", unread);
    m_balanceDebounce.start();
}

void MainWindow::onLiveError(const ApiError& error)
{
    m_liveError = error.message();
    updateConnectionLabel();
}

void MainWindow::onLiveRecovered()
{
    m_liveError.clear();
    updateConnectionLabel();
    refreshBalance();
}

void MainWindow::updateConnectionLabel()
{
    const ConnectionProfile& p = m_context.session->current();
    if (!p.isValid())
        m_connection->setText(tr("Not connected"));
    else if (!m_signedIn)
        m_connection->setText(tr("Signed out of %1").arg(p.baseUrl().toDisplayString()));
    else if (!m_liveError.isEmpty())
        m_connection->setText(tr("Connection problem: %1").arg(m_liveError));
    else
        m_connection->setText(tr("Connected to %1 as @%2").arg(p.baseUrl().toDisplayString(), p.handle()));
    m_connection->setProperty("online", m_signedIn && m_liveError.isEmpty());
}

void MainWindow::onCommandStarted(Command* command)
{
    m_commandStatus->setText(tr("%1...").arg(command->title()));
}

void MainWindow::onCommandFinished()
{
    if (!m_context.commands->isBusy())
        m_commandStatus->clear();
}

void MainWindow::onCommandFailed(Command* command, const QString& message)
{
    m_banner->showError(tr("%1 failed: %2").arg(command->title(), message), command->canRetry());
}

void MainWindow::refreshBalance()
{
    if (!m_signedIn || m_walletJob)
        return;
    m_walletJob = m_context.client->wallet().balance();
    connect(m_walletJob, &models::WalletJob::walletReceived, this, [this](const models::WalletBalance& b) {
        m_balance = b;
        const QString currency = b.currency.isEmpty() ? QStringLiteral("CREDITS") : b.currency;
        m_balanceLabel->setText(tr("Available %1").arg(Formatting::cents(b.availableCents, currency)));
        QString tip =
            tr("Available: %1\nPending: %2\nIn escrow: %3")
                .arg(Formatting::cents(b.availableCents, currency),
                     Formatting::cents(b.pendingCents, currency), Formatting::cents(b.escrowCents, currency));
        if (b.nextReleaseAt.isValid())
            tip += tr("\nNext release: %1")
                       .arg(QLocale().toString(b.nextReleaseAt.toLocalTime(), QLocale::ShortFormat));
        m_balanceLabel->setToolTip(tip);
    });
    m_walletJob->start();
}

} // namespace taskdesk::ui
