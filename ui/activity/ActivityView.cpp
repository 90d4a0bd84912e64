#include "ActivityView.h"

#include "ActivityNotifier.h"
#include "ApiClient.h"
#include "BidJobs.h"
#include "EntityJob.h"
#include "Formatting.h"
#include "LiveUpdates.h"
#include "NotificationJobs.h"
#include "NotificationListModel.h"
#include "NotificationTableProxy.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::NotificationListModel;

namespace {
const QString kHeaderKey = QStringLiteral("activityView/header");
const QString kFilterKey = QStringLiteral("activityView/unreadOnly");

QString str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

ActivityView::ActivityView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("activityView"));
    m_model = new NotificationListModel(context.client, this);
    m_model->setPageSize(50);
    m_proxy = new NotificationTableProxy(this);
    m_proxy->setSourceModel(m_model);
    m_notifier = new ActivityNotifier(this);

    m_filter = new QComboBox(this);
    m_filter->setObjectName(QStringLiteral("activityFilter"));
    m_filter->setAccessibleName(tr("Show"));
    m_filter->addItem(tr("All notifications"), false);
    m_filter->addItem(tr("Unread only"), true);
    m_open = new QPushButton(tr("Open"), this);
    m_open->setObjectName(QStringLiteral("openNotificationButton"));
    m_open->setAccessibleName(tr("Open notification"));
    m_open->setToolTip(tr("Mark it read and go to what it is about (Enter)"));
    m_open->setEnabled(false);
    m_markAll = new QPushButton(tr("Mark all read"), this);
    m_markAll->setObjectName(QStringLiteral("markAllReadButton"));
    m_markAll->setAccessibleName(tr("Mark all read"));
    m_markAll->setEnabled(false);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_filter);
    bar->addStretch(1);
    bar->addWidget(m_open);
    bar->addWidget(m_markAll);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("notificationTable"));
    m_table->setAccessibleName(tr("Notifications"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(NotificationListModel::Created, Qt::DescendingOrder);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    QHeaderView* header = m_table->horizontalHeader();
    header->moveSection(header->visualIndex(NotificationListModel::Created), 0);
    header->moveSection(header->visualIndex(NotificationListModel::Message),
                        NotificationListModel::ColumnCount - 1);
    header->setSectionResizeMode(NotificationListModel::Created, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(NotificationListModel::Type, QHeaderView::ResizeToContents);
    // Bold marks what is unread (the detail line says when it was read).
    header->setSectionHidden(NotificationListModel::Entity, true);
    header->setSectionHidden(NotificationListModel::Read, true);
    header->setStretchLastSection(true);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    auto* openAction = new QAction(tr("Open"), m_table);
    openAction->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    openAction->setShortcutContext(Qt::WidgetShortcut);
    m_table->addAction(openAction);

    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("notificationDetail"));
    m_detail->setAccessibleName(tr("Notification"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setMinimumHeight(m_detail->fontMetrics().lineSpacing() * 3);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("activityState"));
    m_state->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_detail);
    layout->addWidget(m_state);

    if (QSettings* s = context.settings) {
        m_table->horizontalHeader()->restoreState(s->value(kHeaderKey).toByteArray());
        m_filter->setCurrentIndex(s->value(kFilterKey, false).toBool() ? 1 : 0);
    }
    m_model->setUnreadOnly(m_filter->currentData().toBool());

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(style()->standardIcon(QStyle::SP_MessageBoxInformation), this);
        m_tray->setObjectName(QStringLiteral("activityTray"));
        m_tray->setToolTip(tr("TaskDesk"));
        m_tray->show();
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, &ActivityView::onTrayMessageClicked);
        connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger) {
                window()->showNormal();
                window()->raise();
                window()->activateWindow();
            }
        });
    }

    connect(m_filter, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setUnreadOnly(m_filter->currentData().toBool());
        if (QSettings* s = this->context().settings)
            s->setValue(kFilterKey, m_filter->currentData().toBool());
        if (m_loaded)
            m_model->refresh();
    });
    connect(m_table, &QTableView::doubleClicked, this, &ActivityView::openCurrent);
    connect(openAction, &QAction::triggered, this, &ActivityView::openCurrent);
    connect(m_open, &QPushButton::clicked, this, &ActivityView::openCurrent);
    connect(m_markAll, &QPushButton::clicked, this, &ActivityView::markAllRead);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ActivityView::updateActions);
    connect(m_model, &ApiListModel::refreshed, this, &ActivityView::updateActions);
    connect(m_model, &ApiListModel::pageLoaded, this, &ActivityView::updateActions);
    connect(m_model, &ApiListModel::loadFailed, this, [this](const models::ApiError& error) {
        m_state->setText(tr("Could not load notifications: %1").arg(error.message()));
    });
    connect(m_notifier, &ActivityNotifier::announce, this,
            [this](const QString& title, const QString& message) { onAnnounce(title, message); });
    models::LiveUpdates* live = context.live;
    connect(live, &models::LiveUpdates::eventsArrived, m_notifier, &ActivityNotifier::handleEvents);
    connect(live, &models::LiveUpdates::eventsArrived, this, [this] {
        if (m_loaded)
            refresh();
    });
    connect(live, &models::LiveUpdates::notificationsChanged, this, [this] {
        // The count also moves when something is read elsewhere (another console).
        if (m_loaded)
            refresh();
        updateActions();
    });
}

ActivityView::~ActivityView()
{
    if (QSettings* s = context().settings)
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

QIcon ActivityView::icon() const
{
    return style()->standardIcon(QStyle::SP_MessageBoxInformation);
}

void ActivityView::activate()
{
    m_loaded = true;
    refresh();
}

void ActivityView::reset()
{
    m_loaded = false;
    m_model->clear();
    m_detail->clear();
    m_state->clear();
    updateActions();
}

void ActivityView::refresh()
{
    if (!m_model->isLoading())
        m_model->refresh();
}

void ActivityView::updateActions()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    m_open->setEnabled(current.isValid());
    bool anyUnread = context().live->unreadCount() > 0;
    for (int row = 0; row < m_model->rowCount() && !anyUnread; ++row)
        anyUnread = m_model->index(row, 0).data(NotificationListModel::UnreadRole).toBool();
    m_markAll->setEnabled(m_loaded && anyUnread && !(m_markAllCommand && m_markAllCommand->isRunning()));
    if (current.isValid()) {
        const QJsonObject n = current.data(ApiListModel::RawJsonRole).toJsonObject();
        const QString read = str(n, "readAt").isEmpty()
                                 ? tr("unread")
                                 : tr("read %1").arg(models::Formatting::localTime(str(n, "readAt")));
        m_detail->setText(
            tr("<b>%1</b> &middot; %2 &middot; %3<br>%4")
                .arg(NotificationTableProxy::eventName(str(n, "type")).toHtmlEscaped(),
                     models::Formatting::localTime(str(n, "createdAt")), read,
                     str(n, "message").toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"))));
    } else {
        m_detail->setText(!m_loaded ? QString()
                          : m_model->rowCount() == 0
                              ? tr("Nothing here. Events about your tasks, bids and "
                                   "contracts show up as they happen.")
                              : tr("Select a notification; Enter or a double-click opens "
                                   "it and marks it read."));
    }
    if (m_model->lastError().kind() == models::ApiError::Kind::None)
        m_state->clear();
}

void ActivityView::openCurrent()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const QJsonObject n = current.data(ApiListModel::RawJsonRole).toJsonObject();
    if (current.data(NotificationListModel::UnreadRole).toBool()) {
        models::ApiClient* client = context().client;
        const QString id = str(n, "id");
        auto* command = new ApiCommand(tr("Mark notification read"),
                                       [client, id] { return client->notifications().markRead(id); });
        connect(command, &Command::succeeded, this, [this] {
            context().live->pollNow();
            refresh();
        });
        context().commands->run(command);
    }
    navigateFor(n);
}

void ActivityView::navigateFor(const QJsonObject& n)
{
    const QString type = str(n, "type");
    const QString entityType = str(n, "entityType");
    const QString id = str(n, "entityId");
    if (type == QLatin1String("delivery.submitted")) {
        emit navigateRequested(QStringLiteral("reviewView"), id);
    } else if (entityType == QLatin1String("contract")) {
        emit navigateRequested(QStringLiteral("contractsView"), id);
    } else if (entityType == QLatin1String("task")) {
        emit navigateRequested(QStringLiteral("boardView"), id);
    } else if (entityType == QLatin1String("bid")) {
        // The board shows tasks; a bid's notification names the bid, so ask which task it is on.
        auto* job = context().client->bids().get(id);
        connect(job, &models::EntityJob::received, this, [this](const QJsonObject& bid) {
            emit navigateRequested(QStringLiteral("boardView"), str(bid, "taskId"));
        });
        connect(job, &models::ApiJob::failed, this, [this](const models::ApiError& error) {
            if (error.kind() != models::ApiError::Kind::Aborted)
                emit navigateRequested(QStringLiteral("boardView"), QString());
        });
        job->start();
    }
}

void ActivityView::markAllRead()
{
    models::ApiClient* client = context().client;
    auto* command =
        new ApiCommand(tr("Mark all read"), [client] { return client->notifications().markAllRead(); });
    m_markAllCommand = command;
    connect(command, &Command::runningChanged, this, &ActivityView::updateActions);
    connect(command, &Command::succeeded, this, [this] {
        context().live->pollNow();
        refresh();
    });
    context().commands->run(command);
}

void ActivityView::onAnnounce(const QString& title, const QString& message)
{
    if (m_tray && m_tray->isVisible())
        m_tray->showMessage(title, message, QSystemTrayIcon::Information, 8000);
}

void ActivityView::onTrayMessageClicked()
{
    QWidget* w = window();
    w->showNormal();
    w->raise();
    w->activateWindow();
    emit navigateRequested(m_notifier->lastView().isEmpty() ? QStringLiteral("reviewView")
                                                            : m_notifier->lastView(),
                           m_notifier->lastId());
}

} // namespace taskdesk::ui
