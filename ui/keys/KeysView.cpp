#include "KeysView.h"

#include "AccessRequestListModel.h"
#include "Base64.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "KeyPairs.h"
#include "KeyVault.h"
#include "LiveUpdates.h"
#include "PayloadKeyListModel.h"
#include "ProtectedAccessJobs.h"
#include "Session.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"
#include "keys/GrantAccessCommand.h"
#include "keys/KeystoreDialog.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::AccessRequestListModel;
using models::KeyVault;

namespace {
const QString kSplitterKey = QStringLiteral("keys/splitter");

QTableView* makeTable(const QString& name, const QString& accessibleName, QWidget* parent)
{
    auto* t = new QTableView(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessibleName);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}
} // namespace

KeysView::KeysView(const ViewContext& context, QWidget* parent)
    : View(context, parent), m_api(context.client, context.session ? context.session->tokenProvider()
                                                                   : models::ApiJob::TokenProvider())
{
    setObjectName(QStringLiteral("keysView"));
    setAccessibleName(tr("Keys"));
    m_requests = new AccessRequestListModel(m_api, context.keys, this);
    m_keys = new models::PayloadKeyListModel(context.keys, this);

    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("keysBanner"));

    // The keystore's state and what can be done with it.
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("keystoreState"));
    m_state->setAccessibleName(tr("Keystore state"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto button = [this](const QString& name, const QString& text, const QString& tip) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(name);
        b->setAccessibleName(text);
        b->setToolTip(tip);
        return b;
    };
    m_create = button(QStringLiteral("createKeystoreButton"), tr("Create keystore..."),
                      tr("Make a new keystore file under a passphrase"));
    m_unlock = button(QStringLiteral("unlockKeystoreButton"), tr("Unlock..."), tr("Open the keystore"));
    m_lock = button(QStringLiteral("lockKeystoreButton"), tr("Lock"),
                    tr("Forget every key held in memory until the next unlock"));
    m_backup = button(QStringLiteral("backupKeystoreButton"), tr("Back up..."),
                      tr("Export every key to a file under a backup passphrase"));
    m_restore = button(QStringLiteral("restoreKeystoreButton"), tr("Restore..."),
                       tr("Import the keys of a backup file"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_state, 1);
    for (QPushButton* b : {m_create, m_unlock, m_lock, m_backup, m_restore})
        bar->addWidget(b);

    // Locked or missing: one sentence and the one thing to do.
    auto* lockedPage = new QWidget(this);
    auto* lockedLayout = new QVBoxLayout(lockedPage);
    m_lockedText = new QLabel(lockedPage);
    m_lockedText->setObjectName(QStringLiteral("keystoreLockedText"));
    m_lockedText->setWordWrap(true);
    m_lockedText->setAlignment(Qt::AlignCenter);
    m_lockedAction = new QPushButton(lockedPage);
    m_lockedAction->setObjectName(QStringLiteral("keystoreLockedAction"));
    lockedLayout->addStretch(1);
    lockedLayout->addWidget(m_lockedText);
    auto* actionRow = new QHBoxLayout;
    actionRow->addStretch(1);
    actionRow->addWidget(m_lockedAction);
    actionRow->addStretch(1);
    lockedLayout->addLayout(actionRow);
    lockedLayout->addStretch(2);

    // Unlocked: the request queue with its detail, and the payload keys.
    auto* requestsBox = new QGroupBox(tr("Access requests"), this);
    m_requestCount = new QLabel(requestsBox);
    m_requestCount->setObjectName(QStringLiteral("accessRequestCount"));
    m_requestTable = makeTable(QStringLiteral("accessRequestsTable"), tr("Access requests"), requestsBox);
    m_requestTable->setModel(m_requests);
    m_requestTable->horizontalHeader()->resizeSection(AccessRequestListModel::Task, 260);
    m_requestTable->horizontalHeader()->resizeSection(AccessRequestListModel::Agent, 150);
    m_requestTable->horizontalHeader()->resizeSection(AccessRequestListModel::Status, 130);
    auto* detailPane = new QWidget(requestsBox);
    auto* detailLayout = new QVBoxLayout(detailPane);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_detail = new QLabel(detailPane);
    m_detail->setObjectName(QStringLiteral("accessRequestDetail"));
    m_detail->setAccessibleName(tr("Selected request"));
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::PlainText);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_grant = new QPushButton(tr("Grant"), detailPane);
    m_grant->setObjectName(QStringLiteral("grantAccessButton"));
    m_grant->setAccessibleName(tr("Grant access"));
    m_grant->setToolTip(tr("Seal this task's key to the agent's public key and sign the grant"));
    m_denyReason = new QLineEdit(detailPane);
    m_denyReason->setObjectName(QStringLiteral("denyReasonEdit"));
    m_denyReason->setAccessibleName(tr("Reason for denying"));
    m_denyReason->setPlaceholderText(tr("Why not (required to deny; the agent sees it)"));
    m_deny = new QPushButton(tr("Deny"), detailPane);
    m_deny->setObjectName(QStringLiteral("denyAccessButton"));
    m_deny->setAccessibleName(tr("Deny access"));
    m_registration = new QLabel(detailPane);
    m_registration->setObjectName(QStringLiteral("keyRegistrationState"));
    m_registration->setWordWrap(true);
    auto* denyRow = new QHBoxLayout;
    denyRow->addWidget(m_denyReason, 1);
    denyRow->addWidget(m_deny);
    detailLayout->addWidget(m_detail, 1);
    detailLayout->addWidget(m_grant);
    detailLayout->addLayout(denyRow);
    detailLayout->addWidget(m_registration);
    auto* requestSplit = new QSplitter(requestsBox);
    requestSplit->addWidget(m_requestTable);
    requestSplit->addWidget(detailPane);
    requestSplit->setStretchFactor(0, 3);
    requestSplit->setStretchFactor(1, 2);
    auto* requestsLayout = new QVBoxLayout(requestsBox);
    requestsLayout->addWidget(m_requestCount);
    requestsLayout->addWidget(requestSplit, 1);

    auto* keysBox = new QGroupBox(tr("Payload keys of my protected tasks"), this);
    m_keyTable = makeTable(QStringLiteral("payloadKeysTable"), tr("Payload keys"), keysBox);
    m_keyTable->setModel(m_keys);
    m_keyTable->horizontalHeader()->resizeSection(models::PayloadKeyListModel::Task, 280);
    m_keyTable->horizontalHeader()->resizeSection(models::PayloadKeyListModel::Created, 150);
    m_keyTable->horizontalHeader()->resizeSection(models::PayloadKeyListModel::Fields, 220);
    auto* keysLayout = new QVBoxLayout(keysBox);
    keysLayout->addWidget(m_keyTable);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("keysSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(requestsBox);
    m_splitter->addWidget(keysBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(lockedPage);
    m_pages->addWidget(m_splitter);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_banner);
    layout->addLayout(bar);
    layout->addWidget(m_pages, 1);

    connect(m_create, &QPushButton::clicked, this,
            [this] { openKeystoreDialog(int(KeystoreDialog::Mode::Create)); });
    connect(m_unlock, &QPushButton::clicked, this,
            [this] { openKeystoreDialog(int(KeystoreDialog::Mode::Unlock)); });
    connect(m_backup, &QPushButton::clicked, this,
            [this] { openKeystoreDialog(int(KeystoreDialog::Mode::ExportBackup)); });
    connect(m_restore, &QPushButton::clicked, this,
            [this] { openKeystoreDialog(int(KeystoreDialog::Mode::ImportBackup)); });
    connect(m_lockedAction, &QPushButton::clicked, this, [this] {
        const bool exists = this->context().keys && this->context().keys->exists();
        openKeystoreDialog(int(exists ? KeystoreDialog::Mode::Unlock : KeystoreDialog::Mode::Create));
    });
    connect(m_lock, &QPushButton::clicked, this, [this] {
        if (this->context().keys)
            this->context().keys->lock();
    });
    connect(m_grant, &QPushButton::clicked, this, &KeysView::grantCurrent);
    connect(m_deny, &QPushButton::clicked, this, &KeysView::denyCurrent);
    connect(m_denyReason, &QLineEdit::textChanged, this, &KeysView::updateState);
    connect(m_denyReason, &QLineEdit::returnPressed, this, &KeysView::denyCurrent);
    connect(m_requests, &AccessRequestListModel::refreshed, this, &KeysView::onRequestsRefreshed);
    connect(m_requests, &AccessRequestListModel::loadFailed, this, [this](const models::ApiError& e) {
        m_banner->showError(tr("Some access requests could not be read: %1").arg(e.message()), true);
    });
    connect(m_banner, &ErrorBanner::retryRequested, this, &KeysView::refreshRequests);
    connect(m_requestTable->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &KeysView::onCurrentRequestChanged);

    if (KeyVault* vault = context.keys) {
        connect(vault, &KeyVault::stateChanged, this, [this] {
            updateState();
            if (this->context().keys->isUnlocked())
                refreshRequests();
            else
                m_requests->clear();
        });
        connect(vault, &KeyVault::registrationFinished, this, [this](bool ok, const QString& why) {
            m_registration->setText(ok ? tr("The console's signing key is registered: agents can check your "
                                            "grants.")
                                       : why);
            m_registration->setStyleSheet(ok ? QString() : QStringLiteral("color: #cf222e;"));
        });
    }

    // An access request arrives as a notification (protected_access.requested).
    m_liveDebounce.setSingleShot(true);
    m_liveDebounce.setInterval(400);
    connect(&m_liveDebounce, &QTimer::timeout, this, [this] {
        if (m_active)
            refreshRequests();
    });
    if (models::LiveUpdates* live = context.live) {
        connect(live, &models::LiveUpdates::eventsArrived, &m_liveDebounce,
                static_cast<void (QTimer::*)()>(&QTimer::start));
        connect(live, &models::LiveUpdates::notificationsChanged, &m_liveDebounce,
                static_cast<void (QTimer::*)()>(&QTimer::start));
    }
    if (QSettings* s = context.settings)
        m_splitter->restoreState(s->value(kSplitterKey).toByteArray());
    updateState();
}

KeysView::~KeysView()
{
    if (QSettings* s = context().settings)
        s->setValue(kSplitterKey, m_splitter->saveState());
}

void KeysView::activate()
{
    m_active = true;
    updateState();
    refreshRequests();
}

void KeysView::reset()
{
    m_active = false;
    m_requests->clear();
    m_denyReason->clear();
    m_banner->hide();
    m_registration->clear();
    updateState();
}

void KeysView::refreshRequests()
{
    KeyVault* vault = context().keys;
    if (!vault || !vault->isUnlocked() || !context().session)
        return;
    m_requests->setProfileId(context().session->current().profileId());
    m_keys->reload();
    m_requests->refresh();
}

KeystoreDialog* KeysView::openKeystoreDialog(int mode)
{
    if (m_dialog)
        m_dialog->close();
    auto* dialog = new KeystoreDialog(KeystoreDialog::Mode(mode), context().keys, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (mode == int(KeystoreDialog::Mode::ImportBackup))
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const auto& r = dialog->result();
            m_banner->showInfo(
                tr("Restored: %1 key(s) added, %2 already here, %3 kept as they were (a different "
                   "key of the same name is here).")
                    .arg(r.added)
                    .arg(r.unchanged)
                    .arg(r.skipped));
            refreshRequests();
        });
    if (mode == int(KeystoreDialog::Mode::ExportBackup))
        connect(dialog, &QDialog::accepted, this,
                [this] { m_banner->showInfo(tr("Backup written. Keep it and its passphrase apart.")); });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

void KeysView::updateState()
{
    KeyVault* vault = context().keys;
    const bool exists = vault && vault->exists();
    const bool unlocked = vault && vault->isUnlocked();
    const bool busy = vault && vault->isBusy();
    if (!vault)
        m_state->setText(tr("This console has no keystore."));
    else if (busy)
        m_state->setText(tr("Working on the keystore..."));
    else if (unlocked)
        m_state->setText(tr("Keystore unlocked: %1").arg(vault->filePath()));
    else if (exists)
        m_state->setText(tr("Keystore locked: %1").arg(vault->filePath()));
    else
        m_state->setText(tr("No keystore yet (%1)").arg(vault->filePath()));
    m_state->setProperty("unlocked", unlocked);
    m_create->setVisible(!exists);
    m_unlock->setVisible(exists && !unlocked);
    m_create->setEnabled(vault && !busy);
    m_unlock->setEnabled(vault && !busy);
    m_lock->setEnabled(unlocked);
    m_backup->setEnabled(unlocked);
    m_restore->setEnabled(unlocked);
    m_pages->setCurrentIndex(unlocked ? 1 : 0);
    if (!unlocked) {
        m_lockedText->setText(
            exists
                ? tr("The keystore is locked. Unlock it to see your payload keys and answer access requests.")
                : tr("Protected task fields are encrypted on this computer and their keys kept in a local "
                     "keystore. Create it to post protected tasks and grant agents access."));
        m_lockedAction->setText(exists ? tr("Unlock...") : tr("Create keystore..."));
        m_lockedAction->setEnabled(vault && !busy);
    }

    const QJsonObject r = currentRequest();
    const bool pending = r.value(QLatin1String("status")).toString() == QLatin1String("pending");
    const bool running = !m_runningRequest.isEmpty();
    m_grant->setEnabled(unlocked && pending && !running);
    m_deny->setEnabled(unlocked && pending && !running && !m_denyReason->text().trimmed().isEmpty());
    m_denyReason->setEnabled(unlocked && pending && !running);
    const int pendingCount = m_requests->pendingCount();
    m_requestCount->setText(m_requests->rowCount() == 0
                                ? tr("No access requests.")
                                : tr("%n waiting for you", nullptr, pendingCount) +
                                      tr(" \u00b7 %n in all", nullptr, m_requests->rowCount()));
}

QJsonObject KeysView::currentRequest() const
{
    const QModelIndex i = m_requestTable->currentIndex();
    return i.isValid() ? m_requests->requestAt(i.row()) : QJsonObject();
}

QString KeysView::currentTaskId() const
{
    const QModelIndex i = m_requestTable->currentIndex();
    return i.isValid() ? m_requests->taskIdAt(i.row()) : QString();
}

void KeysView::onCurrentRequestChanged()
{
    const QJsonObject r = currentRequest();
    if (r.isEmpty()) {
        m_detail->setText(tr("Select a request to grant or deny it."));
    } else {
        const QModelIndex i = m_requestTable->currentIndex();
        const QString status = r.value(QLatin1String("status")).toString();
        const auto publicKey =
            crypto::Base64::decode(r.value(QLatin1String("publicKey")).toString().toLatin1())
                .value_or(QByteArray());
        QString text =
            tr("Task: %1\nAgent: %2\nAgent key: %3\nKey fingerprint: %4\nRequested: %5\nStatus: %6")
                .arg(i.siblingAtColumn(AccessRequestListModel::Task).data().toString(),
                     AccessRequestListModel::agentLabel(r), r.value(QLatin1String("keyId")).toString(),
                     publicKey.isEmpty() ? tr("(the server sent no valid key)")
                                         : crypto::keyFingerprint(publicKey),
                     models::Formatting::localTime(r.value(QLatin1String("createdAt")).toString()),
                     i.siblingAtColumn(AccessRequestListModel::Status).data().toString());
        if (status == QLatin1String("denied") && !r.value(QLatin1String("reason")).toString().isEmpty())
            text += tr("\nReason: %1").arg(r.value(QLatin1String("reason")).toString());
        if (status == QLatin1String("pending"))
            text += tr(
                "\n\nGranting seals this task's key to the agent's public key: only that agent can open "
                "the protected fields, and it cannot be taken back. The server reports this key; compare "
                "the fingerprint with the one the agent shows (taskdesk-agent prints it) before granting.");
        m_detail->setText(text);
    }
    updateState();
}

void KeysView::onRequestsRefreshed()
{
    m_keys->reload();
    QString select = std::exchange(m_selectAfterRefresh, {});
    if (select.isEmpty() && m_requests->rowCount() > 0)
        select = m_requests->requestAt(0).value(QLatin1String("id")).toString();
    const int row = m_requests->rowOfId(select);
    if (row >= 0)
        m_requestTable->setCurrentIndex(m_requests->index(row, 0));
    onCurrentRequestChanged();
}

void KeysView::runCommand(Command* command, const QString& requestId)
{
    m_runningRequest = requestId;
    m_selectAfterRefresh = requestId;
    connect(command, &Command::finished, this, [this, command] {
        m_runningRequest.clear();
        if (command->errorString().isEmpty()) {
            m_denyReason->clear();
            refreshRequests();
        }
        updateState();
    });
    context().commands->run(command);
    updateState();
}

void KeysView::grantCurrent()
{
    const QJsonObject r = currentRequest();
    if (r.isEmpty() || !m_grant->isEnabled())
        return;
    auto* command = new GrantAccessCommand(m_api, context().client, context().keys, currentTaskId(), r);
    runCommand(command, r.value(QLatin1String("id")).toString());
}

void KeysView::denyCurrent()
{
    const QJsonObject r = currentRequest();
    const QString reason = m_denyReason->text().trimmed();
    if (r.isEmpty() || reason.isEmpty() || !m_deny->isEnabled())
        return;
    const QString taskId = currentTaskId();
    const QString requestId = r.value(QLatin1String("id")).toString();
    auto* command = new ApiCommand(
        tr("Deny access"),
        [api = m_api, taskId, requestId, reason]() -> models::JsonJob* {
            return models::ProtectedAccessJobs(api).deny(taskId, requestId, reason);
        },
        nullptr);
    runCommand(command, requestId);
}

} // namespace taskdesk::ui
