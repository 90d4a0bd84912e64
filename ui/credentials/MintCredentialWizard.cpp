#include "MintCredentialWizard.h"

#include "commands/CommandRunner.h"
#include "credentials/MintCredentialCommand.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::CredentialScopes;

namespace {

// "50" or "12.5" -> cents; -1 when not an amount with at most 2 decimals.
qint64 parseCents(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,10})(?:\\.(\\d{1,2}))?$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return -1;
    QString frac = m.captured(2);
    while (frac.size() < 2)
        frac += QLatin1Char('0');
    return m.captured(1).toLongLong() * 100 + frac.toLongLong();
}

QLabel* errorLabel(const QString& name, QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setObjectName(name);
    l->setWordWrap(true);
    l->setStyleSheet(QStringLiteral("color: #cf222e;"));
    return l;
}

} // namespace

MintCredentialWizard::MintCredentialWizard(const ViewContext& context, models::ApiRequests api,
                                           QWidget* parent)
    : QWizard(parent), m_context(context), m_api(std::move(api))
{
    setObjectName(QStringLiteral("mintCredentialWizard"));
    setWindowTitle(tr("Mint a credential"));
    setAccessibleName(windowTitle());
    setWizardStyle(QWizard::ClassicStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setButtonText(QWizard::FinishButton, tr("Mint"));
    button(QWizard::NextButton)->setObjectName(QStringLiteral("wizardNextButton"));
    button(QWizard::FinishButton)->setObjectName(QStringLiteral("wizardMintButton"));
    button(QWizard::BackButton)->setObjectName(QStringLiteral("wizardBackButton"));
    button(QWizard::CancelButton)->setObjectName(QStringLiteral("wizardCancelButton"));
    resize(720, 560);
    addPage(buildAgentPage());
    addPage(buildScopesPage());
    addPage(buildPreviewPage());
    connect(this, &QWizard::currentIdChanged, this, [this] {
        updatePreview();
        m_mintError->clear();
    });
    choosePreset(CredentialScopes::Preset::Worker);
}

QWizardPage* MintCredentialWizard::buildAgentPage()
{
    auto* page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("agentPage"));
    page->setTitle(tr("Which agent"));
    page->setSubTitle(
        tr("A new agent is a profile you own and fund; an existing agent keeps its own identity and "
           "credentials and gives you a linking code."));
    auto* form = new QFormLayout(page);
    m_label = new QLineEdit(page);
    m_label->setObjectName(QStringLiteral("credentialLabel"));
    m_label->setAccessibleName(tr("Label"));
    m_label->setPlaceholderText(tr("What this credential is for, e.g. \"Scraper fleet, node 3\""));
    m_label->setMaxLength(100);
    form->addRow(tr("&Label"), m_label);
    m_newAgent = new QRadioButton(tr("A new agent"), page);
    m_newAgent->setObjectName(QStringLiteral("newAgentRadio"));
    m_newAgent->setChecked(true);
    m_existingAgent = new QRadioButton(tr("An existing agent, by its linking code"), page);
    m_existingAgent->setObjectName(QStringLiteral("existingAgentRadio"));
    form->addRow(m_newAgent);
    m_handle = new QLineEdit(page);
    m_handle->setObjectName(QStringLiteral("agentHandle"));
    m_handle->setAccessibleName(tr("Agent handle"));
    m_handle->setPlaceholderText(tr("3-32 letters, digits or _"));
    m_handle->setMaxLength(32);
    m_displayName = new QLineEdit(page);
    m_displayName->setObjectName(QStringLiteral("agentDisplayName"));
    m_displayName->setAccessibleName(tr("Agent display name"));
    form->addRow(tr("&Handle"), m_handle);
    form->addRow(tr("&Display name"), m_displayName);
    form->addRow(m_existingAgent);
    m_linkingCode = new QLineEdit(page);
    m_linkingCode->setObjectName(QStringLiteral("linkingCode"));
    m_linkingCode->setAccessibleName(tr("Linking code"));
    m_linkingCode->setPlaceholderText(tr("8 characters, from the agent (valid 10 minutes)"));
    m_linkingCode->setMaxLength(16);
    form->addRow(tr("Linking &code"), m_linkingCode);
    m_agentError = errorLabel(QStringLiteral("agentError"), page);
    form->addRow(m_agentError);
    auto sync = [this] {
        const bool isNew = m_newAgent->isChecked();
        m_handle->setEnabled(isNew);
        m_displayName->setEnabled(isNew);
        m_linkingCode->setEnabled(!isNew);
        m_agentError->clear();
    };
    connect(m_newAgent, &QRadioButton::toggled, this, sync);
    sync();
    return page;
}

QWizardPage* MintCredentialWizard::buildScopesPage()
{
    auto* page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("scopesPage"));
    page->setTitle(tr("What it may do"));
    page->setSubTitle(tr("Start from a preset; any change makes it custom. A credential never gets more than "
                         "your own sign-in holds."));
    auto* layout = new QVBoxLayout(page);
    auto* form = new QFormLayout;
    m_preset = new QComboBox(page);
    m_preset->setObjectName(QStringLiteral("scopePreset"));
    m_preset->setAccessibleName(tr("Scope preset"));
    for (auto p : {CredentialScopes::Preset::Worker, CredentialScopes::Preset::Publisher,
                   CredentialScopes::Preset::ReadOnly, CredentialScopes::Preset::Custom})
        m_preset->addItem(CredentialScopes::presetName(p), int(p));
    form->addRow(tr("&Preset"), m_preset);
    layout->addLayout(form);
    m_scopes = new QListWidget(page);
    m_scopes->setObjectName(QStringLiteral("scopeList"));
    m_scopes->setAccessibleName(tr("Scopes"));
    for (const QString& scope : CredentialScopes::all()) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1  \u2014  %2").arg(scope, CredentialScopes::describe(scope)), m_scopes);
        item->setData(Qt::UserRole, scope);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    layout->addWidget(m_scopes, 1);

    auto* limits = new QFormLayout;
    m_limitEnabled = new QCheckBox(tr("Limit the escrow it can commit to"), page);
    m_limitEnabled->setObjectName(QStringLiteral("spendLimitEnabled"));
    m_limitEnabled->setChecked(true);
    m_limit = new QLineEdit(page);
    m_limit->setObjectName(QStringLiteral("spendLimit"));
    m_limit->setAccessibleName(tr("Spend limit in CREDITS"));
    m_limit->setPlaceholderText(tr("e.g. 50.00"));
    auto* limitRow = new QHBoxLayout;
    limitRow->addWidget(m_limitEnabled);
    limitRow->addWidget(m_limit);
    limitRow->addWidget(new QLabel(QStringLiteral("CREDITS"), page));
    limits->addRow(tr("Spend limit"), limitRow);
    m_expiryEnabled = new QCheckBox(tr("Expires on"), page);
    m_expiryEnabled->setObjectName(QStringLiteral("expiryEnabled"));
    m_expiryEnabled->setChecked(true);
    m_expiry = new QDateTimeEdit(QDateTime::currentDateTime().addDays(30), page);
    m_expiry->setObjectName(QStringLiteral("expiry"));
    m_expiry->setAccessibleName(tr("Expiry"));
    m_expiry->setCalendarPopup(true);
    m_expiry->setMinimumDateTime(QDateTime::currentDateTime());
    auto* expiryRow = new QHBoxLayout;
    expiryRow->addWidget(m_expiryEnabled);
    expiryRow->addWidget(m_expiry, 1);
    limits->addRow(tr("Expiry"), expiryRow);
    layout->addLayout(limits);
    m_scopesError = errorLabel(QStringLiteral("scopesError"), page);
    layout->addWidget(m_scopesError);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &MintCredentialWizard::onPresetChanged);
    connect(m_scopes, &QListWidget::itemChanged, this, &MintCredentialWizard::onScopeToggled);
    connect(m_limitEnabled, &QCheckBox::toggled, m_limit, &QWidget::setEnabled);
    connect(m_expiryEnabled, &QCheckBox::toggled, m_expiry, &QWidget::setEnabled);
    return page;
}

QWizardPage* MintCredentialWizard::buildPreviewPage()
{
    auto* page = new QWizardPage(this);
    page->setObjectName(QStringLiteral("previewPage"));
    page->setTitle(tr("Before it exists"));
    page->setSubTitle(
        tr("Read what the credential will be able to do. Mint makes it and shows its bundle once."));
    page->setFinalPage(true);
    auto* layout = new QVBoxLayout(page);
    m_preview = new QLabel(page);
    m_preview->setObjectName(QStringLiteral("credentialPreview"));
    m_preview->setAccessibleName(tr("What the credential can do"));
    m_preview->setWordWrap(true);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_preview->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_preview, 1);
    m_mintError = errorLabel(QStringLiteral("mintError"), page);
    layout->addWidget(m_mintError);
    return page;
}

void MintCredentialWizard::choosePreset(CredentialScopes::Preset preset)
{
    m_preset->setCurrentIndex(m_preset->findData(int(preset)));
    onPresetChanged();
}

void MintCredentialWizard::onPresetChanged()
{
    const auto preset = CredentialScopes::Preset(m_preset->currentData().toInt());
    if (preset == CredentialScopes::Preset::Custom)
        return; // keep the ticks; the user edits them
    const QStringList scopes = CredentialScopes::preset(preset);
    m_settingPreset = true;
    for (int i = 0; i < m_scopes->count(); ++i) {
        QListWidgetItem* item = m_scopes->item(i);
        item->setCheckState(scopes.contains(item->data(Qt::UserRole).toString()) ? Qt::Checked
                                                                                 : Qt::Unchecked);
    }
    m_settingPreset = false;
    updatePreview();
}

void MintCredentialWizard::onScopeToggled()
{
    if (m_settingPreset)
        return;
    const auto preset = CredentialScopes::presetOf(selectedScopes());
    const QSignalBlocker blocker(m_preset);
    m_preset->setCurrentIndex(m_preset->findData(int(preset)));
    m_scopesError->clear();
    updatePreview();
}

QStringList MintCredentialWizard::selectedScopes() const
{
    QStringList out;
    for (int i = 0; i < m_scopes->count(); ++i)
        if (m_scopes->item(i)->checkState() == Qt::Checked)
            out << m_scopes->item(i)->data(Qt::UserRole).toString();
    return out;
}

qint64 MintCredentialWizard::spendLimitCents() const
{
    return m_limitEnabled->isChecked() ? parseCents(m_limit->text()) : -1;
}

QDateTime MintCredentialWizard::expiresAt() const
{
    return m_expiryEnabled->isChecked() ? m_expiry->dateTime() : QDateTime();
}

QString MintCredentialWizard::previewText() const
{
    return m_preview->text();
}

void MintCredentialWizard::updatePreview()
{
    m_preview->setText(CredentialScopes::preview(selectedScopes(), spendLimitCents(), expiresAt()));
}

QString MintCredentialWizard::agentProblem() const
{
    if (m_label->text().trimmed().isEmpty())
        return tr("Give the credential a label.");
    if (m_newAgent->isChecked()) {
        static const QRegularExpression handle(QStringLiteral("^[A-Za-z0-9_]{3,32}$"));
        if (!handle.match(m_handle->text().trimmed()).hasMatch())
            return tr("The handle is 3 to 32 letters, digits or underscores.");
    } else if (m_linkingCode->text().trimmed().size() < 6) {
        return tr("Enter the linking code the agent made.");
    }
    return {};
}

QString MintCredentialWizard::scopesProblem() const
{
    if (selectedScopes().isEmpty())
        return tr("Choose at least one thing it may do.");
    if (m_limitEnabled->isChecked()) {
        const qint64 cents = parseCents(m_limit->text());
        if (cents <= 0)
            return tr("The spend limit is an amount above 0 with at most 2 decimals, e.g. 50.00.");
        if (cents > qint64(1'000'000'000) * 100)
            return tr("The spend limit can be at most 1,000,000,000 CREDITS.");
    }
    if (m_expiryEnabled->isChecked() && m_expiry->dateTime() <= QDateTime::currentDateTime())
        return tr("The expiry must be in the future.");
    return {};
}

bool MintCredentialWizard::validateCurrentPage()
{
    if (currentPage()->objectName() == QLatin1String("agentPage")) {
        m_agentError->setText(agentProblem());
        return m_agentError->text().isEmpty();
    }
    if (currentPage()->objectName() == QLatin1String("scopesPage")) {
        m_scopesError->setText(scopesProblem());
        return m_scopesError->text().isEmpty();
    }
    return true;
}

QJsonObject MintCredentialWizard::body() const
{
    QJsonObject agent;
    if (m_newAgent->isChecked()) {
        agent.insert(QStringLiteral("mode"), QStringLiteral("new"));
        agent.insert(QStringLiteral("handle"), m_handle->text().trimmed());
        const QString name = m_displayName->text().trimmed();
        if (!name.isEmpty())
            agent.insert(QStringLiteral("displayName"), name);
    } else {
        agent.insert(QStringLiteral("mode"), QStringLiteral("existing"));
        agent.insert(QStringLiteral("linkingCode"), m_linkingCode->text().trimmed());
    }
    QJsonObject body{{QStringLiteral("label"), m_label->text().trimmed()},
                     {QStringLiteral("agent"), agent},
                     {QStringLiteral("scopes"), QJsonArray::fromStringList(selectedScopes())}};
    const qint64 limit = spendLimitCents();
    if (limit >= 0)
        body.insert(QStringLiteral("spendLimit"),
                    QJsonObject{{QStringLiteral("amount"), double(limit) / 100.0},
                                {QStringLiteral("currency"), QStringLiteral("CREDITS")}});
    const QDateTime expiry = expiresAt();
    if (expiry.isValid())
        body.insert(QStringLiteral("expiresAt"), expiry.toUTC().toString(Qt::ISODate));
    return body;
}

void MintCredentialWizard::accept()
{
    if (m_command && m_command->isRunning())
        return;
    const QString why = agentProblem().isEmpty() ? scopesProblem() : agentProblem();
    if (!why.isEmpty()) {
        m_mintError->setText(why);
        return;
    }
    m_mintError->clear();
    if (m_command)
        m_command->deleteLater();
    m_command = new MintCredentialCommand(m_api, body(), this);
    m_command->setFailureShownByCaller(true);
    button(QWizard::FinishButton)->setEnabled(false);
    connect(m_command, &Command::failed, this, [this](const QString& message) {
        m_mintError->setText(tr("Not minted: %1").arg(message));
        button(QWizard::FinishButton)->setEnabled(true);
    });
    connect(m_command, &Command::succeeded, this, [this] {
        MintCredentialCommand* command = m_command;
        m_command = nullptr;
        command->setParent(nullptr);
        emit minted(command->delegation(), command);
        QWizard::accept();
    });
    m_context.commands->run(m_command);
}

} // namespace taskdesk::ui
