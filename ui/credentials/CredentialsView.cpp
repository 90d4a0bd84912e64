#include "CredentialsView.h"

#include "ApiClient.h"
#include "CredentialScopes.h"
#include "DelegationJobs.h"
#include "DelegationListModel.h"
#include "EntityJob.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "LiveUpdates.h"
#include "PagedListJob.h"
#include "Session.h"
#include "WalletJobs.h"
#include "board/ActionFormDialog.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"
#include "credentials/BundleDialog.h"
#include "credentials/MintCredentialCommand.h"
#include "credentials/MintCredentialWizard.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::DelegationListModel;
using models::Formatting;

namespace {
const QString kHeaderKey = QStringLiteral("credentials/header");
const QString kSplitterKey = QStringLiteral("credentials/splitter");

QString text(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}
} // namespace

CredentialsView::CredentialsView(const ViewContext& context, QWidget* parent)
    : View(context, parent), m_api(context.client, context.session ? context.session->tokenProvider()
                                                                   : models::ApiJob::TokenProvider())
{
    setObjectName(QStringLiteral("credentialsView"));
    setAccessibleName(tr("Credentials"));
    m_model = new DelegationListModel(m_api, this);

    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("credentialsBanner"));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("credentialsCount"));
    m_mint = new QPushButton(tr("Mint credential..."), this);
    m_mint->setObjectName(QStringLiteral("mintCredentialButton"));
    m_mint->setAccessibleName(tr("Mint a credential for an agent"));
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_count, 1);
    bar->addWidget(m_mint);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("delegationsTable"));
    m_table->setAccessibleName(tr("Credentials I minted"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->resizeSection(DelegationListModel::Agent, 130);
    header->resizeSection(DelegationListModel::Label, 170);
    header->resizeSection(DelegationListModel::Scopes, 90);
    header->resizeSection(DelegationListModel::Spend, 170);
    header->resizeSection(DelegationListModel::LastUsed, 130);
    header->resizeSection(DelegationListModel::Expires, 130);

    // Detail: what the credential is, what it has spent, what it did.
    auto* detail = new QWidget(this);
    auto* detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(detail);
    m_title->setObjectName(QStringLiteral("delegationTitle"));
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    m_summary = new QLabel(detail);
    m_summary->setObjectName(QStringLiteral("delegationSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_spendBar = new QProgressBar(detail);
    m_spendBar->setObjectName(QStringLiteral("delegationSpendBar"));
    m_spendBar->setAccessibleName(tr("Spent against the limit"));
    m_spendBar->setTextVisible(false);
    m_spendBar->setMaximumHeight(12);
    m_spend = new QLabel(detail);
    m_spend->setObjectName(QStringLiteral("delegationSpend"));
    m_usage = new QLabel(detail);
    m_usage->setObjectName(QStringLiteral("delegationUsage"));
    m_usage->setWordWrap(true);
    m_revoke = new QPushButton(tr("Revoke..."), detail);
    m_revoke->setObjectName(QStringLiteral("revokeDelegationButton"));
    m_revoke->setAccessibleName(tr("Revoke the credential"));
    m_fund = new QPushButton(tr("Fund agent..."), detail);
    m_fund->setObjectName(QStringLiteral("fundAgentButton"));
    m_fund->setAccessibleName(tr("Transfer credits to the agent"));
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_fund);
    actions->addStretch(1);
    actions->addWidget(m_revoke);
    auto* auditBox = new QGroupBox(tr("Audit trail"), detail);
    m_audit = new QTableWidget(0, 4, auditBox);
    m_audit->setObjectName(QStringLiteral("delegationAudit"));
    m_audit->setAccessibleName(tr("What this credential did"));
    m_audit->setHorizontalHeaderLabels({tr("Time"), tr("Action"), tr("On"), tr("Credential")});
    m_audit->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_audit->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_audit->verticalHeader()->hide();
    m_audit->horizontalHeader()->setStretchLastSection(true);
    m_audit->horizontalHeader()->resizeSection(0, 130);
    m_audit->horizontalHeader()->resizeSection(1, 110);
    m_audit->horizontalHeader()->resizeSection(2, 180);
    auto* auditLayout = new QVBoxLayout(auditBox);
    auditLayout->addWidget(m_audit);
    detailLayout->addWidget(m_title);
    detailLayout->addWidget(m_summary);
    detailLayout->addWidget(m_spendBar);
    detailLayout->addWidget(m_spend);
    detailLayout->addWidget(m_usage);
    detailLayout->addLayout(actions);
    detailLayout->addWidget(auditBox, 1);

    m_splitter = new QSplitter(this);
    m_splitter->setObjectName(QStringLiteral("credentialsSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_table);
    m_splitter->addWidget(detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->addWidget(m_banner);
    layout->addLayout(bar);
    layout->addWidget(m_splitter, 1);

    connect(m_mint, &QPushButton::clicked, this, &CredentialsView::openMintWizard);
    connect(m_revoke, &QPushButton::clicked, this, &CredentialsView::revokeCurrent);
    connect(m_fund, &QPushButton::clicked, this, &CredentialsView::fundCurrent);
    connect(m_banner, &ErrorBanner::retryRequested, this, &CredentialsView::refresh);
    connect(m_model, &DelegationListModel::refreshed, this, [this] {
        QString select = std::exchange(m_selectAfterRefresh, {});
        if (select.isEmpty())
            select = m_shown.isEmpty() ? m_model->idAt(0) : text(m_shown, "id");
        selectId(select);
        updateActions();
    });
    connect(m_model, &DelegationListModel::pageLoaded, this, &CredentialsView::updateActions);
    connect(m_model, &DelegationListModel::loadFailed, this, [this](const models::ApiError& e) {
        m_banner->showError(tr("The credentials could not be read: %1").arg(e.message()), true);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &CredentialsView::onCurrentChanged);

    // Usage changes with the agent's work, which notifies me only sometimes: the
    // list is re-read on events and when the view comes forward.
    m_liveDebounce.setSingleShot(true);
    m_liveDebounce.setInterval(500);
    connect(&m_liveDebounce, &QTimer::timeout, this, [this] {
        if (m_loaded && isVisible())
            refresh();
    });
    if (models::LiveUpdates* live = context.live)
        connect(live, &models::LiveUpdates::eventsArrived, &m_liveDebounce,
                static_cast<void (QTimer::*)()>(&QTimer::start));
    if (QSettings* s = context.settings) {
        header->restoreState(s->value(kHeaderKey).toByteArray());
        m_splitter->restoreState(s->value(kSplitterKey).toByteArray());
    }
    showDelegation({});
}

CredentialsView::~CredentialsView()
{
    if (QSettings* s = context().settings) {
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
        s->setValue(kSplitterKey, m_splitter->saveState());
    }
}

void CredentialsView::activate()
{
    m_loaded = true;
    refresh();
}

void CredentialsView::reset()
{
    m_loaded = false;
    m_model->clear();
    m_banner->hide();
    m_shown = {};
    if (m_detailJob)
        m_detailJob->abort();
    if (m_auditJob)
        m_auditJob->abort();
    showDelegation({});
}

void CredentialsView::refresh()
{
    m_banner->hide();
    m_model->refresh();
}

BundleDialog* CredentialsView::bundleDialog() const
{
    return m_bundleDialog;
}

QString CredentialsView::currentId() const
{
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? m_model->idAt(i.row()) : QString();
}

void CredentialsView::selectId(const QString& id)
{
    const QModelIndex i = m_model->indexOfId(id);
    if (i.isValid())
        m_table->setCurrentIndex(i);
    else
        onCurrentChanged();
}

void CredentialsView::onCurrentChanged()
{
    const QModelIndex i = m_table->currentIndex();
    const QJsonObject d = i.isValid() ? m_model->itemAt(i.row()) : QJsonObject();
    showDelegation(d);
    if (!d.isEmpty()) {
        loadDetail(text(d, "id"));
        loadAudit(text(d, "id"));
    }
}

void CredentialsView::showDelegation(const QJsonObject& d)
{
    m_shown = d;
    if (d.isEmpty()) {
        m_title->setText(tr("No credential selected"));
        m_summary->setText(m_model->rowCount() == 0
                               ? tr("Mint a credential to let an agent work for you with "
                                    "limited rights, a spend limit and an expiry.")
                               : QString());
        m_spendBar->hide();
        m_spend->clear();
        m_usage->clear();
        m_audit->setRowCount(0);
        updateActions();
        return;
    }
    m_title->setText(tr("%1 \u2014 %2").arg(DelegationListModel::agentText(d), text(d, "label")));
    QStringList scopes;
    for (const QJsonValue& s : d.value(QLatin1String("scopes")).toArray())
        scopes << s.toString();
    m_summary->setText(models::CredentialScopes::preview(scopes, DelegationListModel::limitCents(d),
                                                         Formatting::parseTime(text(d, "expiresAt"))));
    const qint64 spent = DelegationListModel::spentCents(d);
    const qint64 limit = DelegationListModel::limitCents(d);
    m_spendBar->setVisible(limit > 0);
    if (limit > 0) {
        // Cents can exceed an int's range; the bar shows per-mille.
        m_spendBar->setRange(0, 1000);
        m_spendBar->setValue(int(std::min<qint64>(1000, spent * 1000 / limit)));
    }
    m_spend->setText(tr("Spent: %1").arg(DelegationListModel::spendText(d)));
    const QJsonObject usage = d.value(QLatin1String("usage")).toObject();
    const QString lastUsed = text(usage, "lastUsedAt");
    QString usageText =
        tr("%n request(s)", nullptr, usage.value(QLatin1String("requests")).toInt()) +
        QStringLiteral(" \u00b7 ") +
        (lastUsed.isEmpty() ? tr("never used") : tr("last used %1").arg(Formatting::localTime(lastUsed)));
    const QString status = text(d, "status");
    if (status == QLatin1String("revoked"))
        usageText +=
            QStringLiteral(" \u00b7 ") + tr("revoked %1").arg(Formatting::localTime(text(d, "revokedAt")));
    else if (status == QLatin1String("expired"))
        usageText += QStringLiteral(" \u00b7 ") + tr("expired");
    m_usage->setText(usageText);
    updateActions();
}

void CredentialsView::loadDetail(const QString& id)
{
    if (m_detailJob) {
        disconnect(m_detailJob, nullptr, this, nullptr);
        m_detailJob->abort();
    }
    m_detailJob = models::DelegationJobs(m_api).get(id);
    connect(m_detailJob, &models::EntityJob::received, this, [this, id](const QJsonObject& d) {
        if (text(m_shown, "id") == id)
            showDelegation(d);
    });
    m_detailJob->start();
}

void CredentialsView::loadAudit(const QString& id)
{
    if (m_auditJob) {
        disconnect(m_auditJob, nullptr, this, nullptr);
        m_auditJob->abort();
    }
    m_audit->setRowCount(0);
    m_auditJob = models::DelegationJobs(m_api).audit(id);
    connect(m_auditJob, &models::PagedListJob::pageReceived, this, [this, id](const QJsonArray& entries) {
        if (text(m_shown, "id") != id)
            return;
        m_audit->setRowCount(int(entries.size()));
        for (int r = 0; r < entries.size(); ++r) {
            const QJsonObject e = entries.at(r).toObject();
            const QString credential = text(e, "credential");
            const QStringList cells{Formatting::localTime(text(e, "createdAt")), text(e, "action"),
                                    QStringLiteral("%1 %2").arg(text(e, "entityType"), text(e, "entityId")),
                                    credential};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells.at(c));
                if (c == 0)
                    item->setToolTip(Formatting::timeToolTip(text(e, "createdAt")));
                m_audit->setItem(r, c, item);
            }
        }
    });
    connect(m_auditJob, &models::ApiJob::failed, this, [this](const models::ApiError& e) {
        if (e.kind() != models::ApiError::Kind::Aborted)
            m_banner->showError(tr("The audit trail could not be read: %1").arg(e.message()), false);
    });
    m_auditJob->start();
}

void CredentialsView::updateActions()
{
    const bool active = text(m_shown, "status") == QLatin1String("active");
    m_revoke->setEnabled(active && !m_revoking);
    // Transfers go to agents I operate through a live delegation.
    m_fund->setEnabled(active);
    m_count->setText(m_model->rowCount() == 0 ? tr("No credentials minted yet.")
                                              : tr("%n credential(s)", nullptr, m_model->rowCount()));
}

MintCredentialWizard* CredentialsView::openMintWizard()
{
    if (m_wizard) {
        m_wizard->raise();
        return m_wizard;
    }
    auto* wizard = new MintCredentialWizard(context(), m_api, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &MintCredentialWizard::minted, this, &CredentialsView::onMinted);
    m_wizard = wizard;
    wizard->open();
    return wizard;
}

void CredentialsView::onMinted(const QJsonObject& delegation, MintCredentialCommand* command)
{
    crypto::SecureBuffer bundle = command->takeBundle();
    command->deleteLater();
    m_selectAfterRefresh = text(delegation, "id");
    refresh();
    auto* dialog = new BundleDialog(std::move(bundle), DelegationListModel::agentText(delegation), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_bundleDialog = dialog;
    dialog->open();
}

void CredentialsView::revokeCurrent()
{
    const QJsonObject d = m_shown;
    const QString id = text(d, "id");
    if (id.isEmpty() || m_revoking)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Warning, tr("Revoke credential"),
        tr("Revoke \"%1\" for %2? Its token and API key stop working at once, and it cannot be undone.")
            .arg(text(d, "label"), DelegationListModel::agentText(d)),
        QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("revokeConfirm"));
    QPushButton* revoke = box->addButton(tr("Revoke"), QMessageBox::DestructiveRole);
    revoke->setObjectName(QStringLiteral("confirmRevokeButton"));
    box->addButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, revoke, id](QAbstractButton* clicked) {
        if (clicked != revoke)
            return;
        auto* command = new ApiCommand(
            tr("Revoke credential"),
            [api = m_api, id]() -> models::JsonJob* { return models::DelegationJobs(api).revoke(id); },
            nullptr);
        m_revoking = true;
        m_selectAfterRefresh = id;
        connect(command, &Command::finished, this, [this] {
            m_revoking = false;
            refresh();
        });
        context().commands->run(command);
        updateActions();
    });
    box->open();
}

void CredentialsView::fundCurrent()
{
    const QJsonObject d = m_shown;
    const QString agentId = d.value(QLatin1String("agent")).toObject().value(QLatin1String("id")).toString();
    if (agentId.isEmpty())
        return;
    ActionFormDialog::Fields fields;
    fields.amountLabel = tr("Amount");
    fields.amountRequired = true;
    fields.textLabel = tr("Memo");
    models::ApiClient* client = context().client;
    auto* dialog = new ActionFormDialog(
        context(), tr("Fund agent"),
        tr("Move credits from your wallet to %1. They stay yours to move back while the delegation is live.")
            .arg(DelegationListModel::agentText(d)),
        tr("Transfer"), fields,
        [client, agentId](const ActionFormDialog& form) -> models::JsonJob* {
            return client->wallet().transfer(agentId, qRound64(form.amountValue() * 100.0), form.text());
        },
        this);
    dialog->setObjectName(QStringLiteral("fundAgentDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ActionFormDialog::succeeded, this, [this] {
        m_banner->showInfo(tr("Transferred. The agent's wallet has it now."));
        refresh();
    });
    dialog->open();
}

} // namespace taskdesk::ui
