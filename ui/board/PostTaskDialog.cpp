#include "PostTaskDialog.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonJob.h"
#include "Session.h"
#include "TaskJobs.h"
#include "WalletJob.h"
#include "WalletJobs.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"
#include "keys/ProtectedFieldsBox.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::Formatting;

namespace {

const QString kCredits = QStringLiteral("CREDITS");

QStringList splitSkills(const QString& text)
{
    QStringList out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString s = part.trimmed();
        if (!s.isEmpty() && !out.contains(s, Qt::CaseInsensitive))
            out << s;
    }
    return out;
}

// "12.5" -> 1250 cents; -1 when it is not an amount with at most 2 decimals.
qint64 parseCents(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,10})(?:\\.(\\d{1,2}))?$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return -1;
    QString frac = m.captured(2);
    while (frac.size() < 2)
        frac += QLatin1Char('0');
    return m.captured(1).toLongLong() * 100 + frac.toLongLong();
}

// The field a server reason belongs to: "acceptanceCriteria[1]" -> "acceptanceCriteria".
QString baseField(const QString& name)
{
    const qsizetype cut = name.indexOf(QRegularExpression(QStringLiteral("[\\[.]")));
    return cut < 0 ? name : name.left(cut);
}

} // namespace

PostTaskDialog::PostTaskDialog(const ViewContext& context, QWidget* parent)
    : QDialog(parent), m_context(context)
{
    setObjectName(QStringLiteral("postTaskDialog"));
    setWindowTitle(tr("Post a task"));
    setAccessibleName(tr("Post a task"));
    resize(1000, 860);

    auto* layout = new QVBoxLayout(this);
    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("errorBanner"));
    layout->addWidget(m_banner);
    // Made first: the columns' signals ask problem(), which asks the box.
    m_protected = new ProtectedFieldsBox(m_context, this);
    auto* columns = new QHBoxLayout;
    columns->addWidget(buildTaskColumn(), 1);
    columns->addWidget(buildTermsColumn(), 1);
    layout->addLayout(columns, 1);
    layout->addWidget(m_protected);

    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("postHint"));
    m_hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(this);
    m_postButton = buttons->addButton(tr("Post task"), QDialogButtonBox::AcceptRole);
    m_postButton->setObjectName(QStringLiteral("postButton"));
    m_postButton->setAccessibleName(tr("Post task"));
    m_postButton->setDefault(true);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_hint, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);

    connect(m_postButton, &QPushButton::clicked, this, &PostTaskDialog::submit);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_banner, &ErrorBanner::retryRequested, this, &PostTaskDialog::submit);

    // One command per dialog: retrying an unchanged form reuses the Idempotency-Key,
    // so a post that reached the server before the connection broke is not made twice.
    m_postCommand = new ApiCommand(
        tr("Post task"), [this]() -> models::JsonJob* { return m_context.client->tasks().post(taskBody()); },
        this);
    connect(m_postCommand, &ApiCommand::resultReady, this, [this](const QJsonObject& json) {
        const QJsonObject task = json.value(QLatin1String("task")).toObject();
        if (!m_protected->isEmpty()) {
            // The key goes into the keystore only now that the task exists; if
            // that fails the box says so loudly and the dialog stays open.
            const QString profileId =
                m_context.session ? m_context.session->current().profileId() : QString();
            if (!m_protected->keepKey(task.value(QLatin1String("id")).toString(),
                                      task.value(QLatin1String("title")).toString(), profileId)) {
                m_postedTask = task;
                updateState();
                return;
            }
        }
        emit posted(task);
        accept();
    });
    connect(m_protected, &ProtectedFieldsBox::changed, this, &PostTaskDialog::updateState);
    connect(m_protected, &ProtectedFieldsBox::keyKept, this, [this] {
        emit posted(std::exchange(m_postedTask, {}));
        accept();
    });
    connect(m_postCommand, &Command::failed, this, [this] {
        m_banner->showError(m_postCommand->errorString(), m_postCommand->canRetry());
        showFieldErrors();
        updateState();
    });
    connect(m_postCommand, &Command::runningChanged, this, &PostTaskDialog::updateState);

    m_checkCommand = new ApiCommand(
        tr("Test verification rule"),
        [this]() -> models::JsonJob* {
            QString error;
            const QJsonValue output = sampleOutput(&error);
            if (!error.isEmpty())
                return nullptr;
            return m_context.client->tasks().checkVerification(verificationRule(), output);
        },
        this);
    connect(m_checkCommand, &ApiCommand::resultReady, this, [this](const QJsonObject& json) {
        const bool passed = json.value(QLatin1String("passed")).toBool();
        const QString reason = json.value(QLatin1String("reason")).toString();
        m_checkResult->setProperty("passed", passed);
        m_checkResult->setStyleSheet(passed ? QStringLiteral("color: #1a7f37; font-weight: bold;")
                                            : QStringLiteral("color: #cf222e; font-weight: bold;"));
        QString text = passed ? tr("Passes: %1").arg(reason) : tr("Fails: %1").arg(reason);
        if (json.value(QLatin1String("wouldAutoAccept")).toBool())
            text += tr(" (a submission like this is accepted and paid at once)");
        m_checkResult->setText(text);
    });
    connect(m_checkCommand, &Command::failed, this, [this] {
        m_checkResult->setProperty("passed", QVariant());
        m_checkResult->setStyleSheet(QStringLiteral("color: #cf222e;"));
        const QString reason = m_checkCommand->lastError().fieldReason(QStringLiteral("verification"));
        m_checkResult->setText(reason.isEmpty() ? tr("Could not test: %1").arg(m_checkCommand->errorString())
                                                : tr("The rule is not valid: %1").arg(reason));
    });
    connect(m_checkCommand, &Command::runningChanged, this, &PostTaskDialog::updateState);

    // What the escrow will take, against what there is.
    m_walletJob = m_context.client->wallet().balance();
    connect(m_walletJob, &models::WalletJob::walletReceived, this, [this](const models::WalletBalance& b) {
        m_availableCents = b.availableCents;
        updateEscrowNote();
    });
    m_walletJob->start();

    updateState();
}

QWidget* PostTaskDialog::buildTaskColumn()
{
    auto* box = new QGroupBox(tr("The task"), this);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_title = new QLineEdit(box);
    m_title->setObjectName(QStringLiteral("taskTitle"));
    m_title->setAccessibleName(tr("Title"));
    m_title->setPlaceholderText(tr("What needs doing, in a few words"));
    m_title->setMaxLength(120);
    form->addRow(tr("&Title"), m_title);
    form->addRow(QString(), fieldError(QStringLiteral("title")));

    m_description = new QPlainTextEdit(box);
    m_description->setObjectName(QStringLiteral("taskDescription"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setPlaceholderText(tr("Context, inputs, what a good result looks like"));
    m_description->setTabChangesFocus(true);
    m_description->setMinimumHeight(110);
    form->addRow(tr("&Description"), m_description);
    form->addRow(QString(), fieldError(QStringLiteral("description")));

    auto* modeBox = new QWidget(box);
    auto* modeLayout = new QVBoxLayout(modeBox);
    modeLayout->setContentsMargins(0, 0, 0, 0);
    modeLayout->setSpacing(2);
    m_modes = new QButtonGroup(this);
    m_modeBid = new QRadioButton(tr("Bids: agents bid, you hire one"), modeBox);
    m_modeBid->setObjectName(QStringLiteral("modeBid"));
    m_modeClaim = new QRadioButton(tr("Claim: the first matching agent takes it"), modeBox);
    m_modeClaim->setObjectName(QStringLiteral("modeClaim"));
    m_requireApproval = new QCheckBox(tr("Claims need my approval"), modeBox);
    m_requireApproval->setObjectName(QStringLiteral("requireApproval"));
    m_modeOpen = new QRadioButton(tr("Open: anyone submits, you accept the best"), modeBox);
    m_modeOpen->setObjectName(QStringLiteral("modeOpen"));
    m_modeBid->setChecked(true);
    m_modes->addButton(m_modeBid);
    m_modes->addButton(m_modeClaim);
    m_modes->addButton(m_modeOpen);
    modeLayout->addWidget(m_modeBid);
    modeLayout->addWidget(m_modeClaim);
    auto* approvalRow = new QHBoxLayout;
    approvalRow->addSpacing(24);
    approvalRow->addWidget(m_requireApproval);
    approvalRow->addStretch(1);
    modeLayout->addLayout(approvalRow);
    modeLayout->addWidget(m_modeOpen);
    form->addRow(tr("Mode"), modeBox);
    form->addRow(QString(), fieldError(QStringLiteral("mode")));

    auto* criteriaBox = new QWidget(box);
    auto* criteriaLayout = new QGridLayout(criteriaBox);
    criteriaLayout->setContentsMargins(0, 0, 0, 0);
    m_criteria = new QListWidget(criteriaBox);
    m_criteria->setObjectName(QStringLiteral("criteriaList"));
    m_criteria->setAccessibleName(tr("Acceptance criteria"));
    m_criteria->setDragDropMode(QAbstractItemView::InternalMove);
    m_criteria->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_criteria->setMinimumHeight(90);
    m_criterionEdit = new QLineEdit(criteriaBox);
    m_criterionEdit->setObjectName(QStringLiteral("criterionEdit"));
    m_criterionEdit->setAccessibleName(tr("New acceptance criterion"));
    m_criterionEdit->setPlaceholderText(tr("A checkable condition; Enter adds it"));
    m_addCriterion = new QPushButton(tr("Add"), criteriaBox);
    m_addCriterion->setObjectName(QStringLiteral("addCriterionButton"));
    m_addCriterion->setAccessibleName(tr("Add criterion"));
    m_removeCriterion = new QPushButton(tr("Remove"), criteriaBox);
    m_removeCriterion->setObjectName(QStringLiteral("removeCriterionButton"));
    m_removeCriterion->setAccessibleName(tr("Remove criterion"));
    m_criterionUp = new QPushButton(style()->standardIcon(QStyle::SP_ArrowUp), QString(), criteriaBox);
    m_criterionUp->setObjectName(QStringLiteral("criterionUpButton"));
    m_criterionUp->setAccessibleName(tr("Move criterion up"));
    m_criterionUp->setToolTip(tr("Move up"));
    m_criterionDown = new QPushButton(style()->standardIcon(QStyle::SP_ArrowDown), QString(), criteriaBox);
    m_criterionDown->setObjectName(QStringLiteral("criterionDownButton"));
    m_criterionDown->setAccessibleName(tr("Move criterion down"));
    m_criterionDown->setToolTip(tr("Move down"));
    auto* side = new QVBoxLayout;
    side->addWidget(m_removeCriterion);
    side->addWidget(m_criterionUp);
    side->addWidget(m_criterionDown);
    side->addStretch(1);
    criteriaLayout->addWidget(m_criterionEdit, 0, 0);
    criteriaLayout->addWidget(m_addCriterion, 0, 1);
    criteriaLayout->addWidget(m_criteria, 1, 0);
    criteriaLayout->addLayout(side, 1, 1);
    form->addRow(tr("Acceptance\ncriteria"), criteriaBox);
    form->addRow(QString(), fieldError(QStringLiteral("acceptanceCriteria")));

    m_skills = new QLineEdit(box);
    m_skills->setObjectName(QStringLiteral("skillsEdit"));
    m_skills->setAccessibleName(tr("Skills"));
    m_skills->setPlaceholderText(tr("Comma separated, e.g. python, data-cleaning"));
    form->addRow(tr("&Skills"), m_skills);
    form->addRow(QString(), fieldError(QStringLiteral("skillsTags")));

    connect(m_title, &QLineEdit::textChanged, this, &PostTaskDialog::updateState);
    connect(m_description, &QPlainTextEdit::textChanged, this, &PostTaskDialog::updateState);
    connect(m_modes, &QButtonGroup::buttonToggled, this, &PostTaskDialog::updateState);
    connect(m_criterionEdit, &QLineEdit::returnPressed, this, &PostTaskDialog::addCriterion);
    connect(m_criterionEdit, &QLineEdit::textChanged, this, &PostTaskDialog::updateState);
    connect(m_addCriterion, &QPushButton::clicked, this, &PostTaskDialog::addCriterion);
    connect(m_removeCriterion, &QPushButton::clicked, this, [this] {
        delete m_criteria->currentItem();
        updateState();
    });
    connect(m_criterionUp, &QPushButton::clicked, this, [this] { moveCriterion(-1); });
    connect(m_criterionDown, &QPushButton::clicked, this, [this] { moveCriterion(1); });
    connect(m_criteria, &QListWidget::currentRowChanged, this, &PostTaskDialog::updateState);
    return box;
}

QWidget* PostTaskDialog::buildTermsColumn()
{
    auto* column = new QWidget(this);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* box = new QGroupBox(tr("Terms"), column);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    auto* budgetRow = new QHBoxLayout;
    m_budget = new QLineEdit(box);
    m_budget->setObjectName(QStringLiteral("budgetAmount"));
    m_budget->setAccessibleName(tr("Budget amount"));
    m_budget->setPlaceholderText(tr("e.g. 250.00"));
    m_currency = new QComboBox(box);
    m_currency->setObjectName(QStringLiteral("budgetCurrency"));
    m_currency->setAccessibleName(tr("Budget currency"));
    m_currency->addItems({kCredits, QStringLiteral("USDC"), QStringLiteral("USDT"), QStringLiteral("ETH"),
                          QStringLiteral("SOL"), QStringLiteral("BTC"), QStringLiteral("BNB"),
                          QStringLiteral("MOLT"), QStringLiteral("USD"), QStringLiteral("OTHER")});
    m_currencyCustom = new QLineEdit(box);
    m_currencyCustom->setObjectName(QStringLiteral("budgetCurrencyCustom"));
    m_currencyCustom->setAccessibleName(tr("Currency name"));
    m_currencyCustom->setPlaceholderText(tr("Currency"));
    m_currencyCustom->setMaxLength(10);
    m_currencyCustom->setMaximumWidth(90);
    m_currencyCustom->hide();
    budgetRow->addWidget(m_budget, 1);
    budgetRow->addWidget(m_currency);
    budgetRow->addWidget(m_currencyCustom);
    form->addRow(tr("Budget"), budgetRow);
    m_escrowNote = new QLabel(box);
    m_escrowNote->setObjectName(QStringLiteral("escrowNote"));
    m_escrowNote->setWordWrap(true);
    form->addRow(QString(), m_escrowNote);
    form->addRow(QString(), fieldError(QStringLiteral("budgetAmount")));

    auto* deadlineRow = new QHBoxLayout;
    m_deadlineEnabled = new QCheckBox(tr("Due by"), box);
    m_deadlineEnabled->setObjectName(QStringLiteral("deadlineEnabled"));
    m_deadline = new QDateTimeEdit(QDateTime::currentDateTime().addDays(7), box);
    m_deadline->setObjectName(QStringLiteral("deadlineEdit"));
    m_deadline->setAccessibleName(tr("Deadline"));
    m_deadline->setCalendarPopup(true);
    m_deadline->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    m_deadline->setEnabled(false);
    deadlineRow->addWidget(m_deadlineEnabled);
    deadlineRow->addWidget(m_deadline, 1);
    form->addRow(tr("Deadline"), deadlineRow);
    form->addRow(QString(), fieldError(QStringLiteral("deadline")));

    m_visibility = new QComboBox(box);
    m_visibility->setObjectName(QStringLiteral("visibility"));
    m_visibility->setAccessibleName(tr("Visibility"));
    m_visibility->addItem(tr("Public: listed on the board"), QStringLiteral("public"));
    m_visibility->addItem(tr("Unlisted: only people with the link"), QStringLiteral("unlisted"));
    form->addRow(tr("&Visibility"), m_visibility);

    m_reviewWindow = new QSpinBox(box);
    m_reviewWindow->setObjectName(QStringLiteral("reviewWindowHours"));
    m_reviewWindow->setAccessibleName(tr("Review window in hours"));
    m_reviewWindow->setRange(1, 720);
    m_reviewWindow->setValue(72);
    m_reviewWindow->setSuffix(tr(" hours"));
    m_reviewWindow->setToolTip(tr("A submission you have not reviewed by then is accepted automatically."));
    form->addRow(tr("&Review within"), m_reviewWindow);
    form->addRow(QString(), fieldError(QStringLiteral("reviewWindowHours")));
    layout->addWidget(box);
    layout->addWidget(buildVerificationBox());
    layout->addStretch(1);

    connect(m_budget, &QLineEdit::textChanged, this, &PostTaskDialog::updateState);
    connect(m_currency, &QComboBox::currentIndexChanged, this, &PostTaskDialog::updateState);
    connect(m_currencyCustom, &QLineEdit::textChanged, this, &PostTaskDialog::updateState);
    connect(m_deadlineEnabled, &QCheckBox::toggled, m_deadline, &QWidget::setEnabled);
    connect(m_deadlineEnabled, &QCheckBox::toggled, this, &PostTaskDialog::updateState);
    connect(m_deadline, &QDateTimeEdit::dateTimeChanged, this, &PostTaskDialog::updateState);
    return column;
}

QWidget* PostTaskDialog::buildVerificationBox()
{
    auto* box = new QGroupBox(tr("Machine verification"), this);
    auto* layout = new QVBoxLayout(box);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_verificationType = new QComboBox(box);
    m_verificationType->setObjectName(QStringLiteral("verificationType"));
    m_verificationType->setAccessibleName(tr("Verification rule"));
    m_verificationType->addItem(tr("None: I review by hand"), QString());
    m_verificationType->addItem(tr("Regular expression found in the output"), QStringLiteral("regex"));
    m_verificationType->addItem(tr("SHA-256 of the output"), QStringLiteral("sha256"));
    m_verificationType->addItem(tr("JSON schema the output must meet"), QStringLiteral("json-schema"));
    form->addRow(tr("Rule"), m_verificationType);

    m_verificationPages = new QStackedWidget(box);
    m_verificationPages->addWidget(new QWidget(box));
    m_pattern = new QLineEdit(box);
    m_pattern->setObjectName(QStringLiteral("verificationPattern"));
    m_pattern->setAccessibleName(tr("Regular expression"));
    m_pattern->setPlaceholderText(tr("e.g. ^total: \\d+$ (searched, not anchored)"));
    m_verificationPages->addWidget(m_pattern);
    m_sha256 = new QLineEdit(box);
    m_sha256->setObjectName(QStringLiteral("verificationSha256"));
    m_sha256->setAccessibleName(tr("Expected SHA-256"));
    m_sha256->setPlaceholderText(tr("64 hex digits"));
    m_verificationPages->addWidget(m_sha256);
    m_schema = new QPlainTextEdit(box);
    m_schema->setObjectName(QStringLiteral("verificationSchema"));
    m_schema->setAccessibleName(tr("JSON schema"));
    m_schema->setPlaceholderText(QStringLiteral("{\"type\": \"object\", \"required\": [\"result\"]}"));
    m_schema->setTabChangesFocus(true);
    m_verificationPages->addWidget(m_schema);
    m_verificationPages->hide(); // "None" needs no input
    form->addRow(QString(), m_verificationPages);
    m_autoAccept = new QCheckBox(tr("Accept and pay a passing submission at once"), box);
    m_autoAccept->setObjectName(QStringLiteral("autoAccept"));
    form->addRow(QString(), m_autoAccept);
    form->addRow(QString(), fieldError(QStringLiteral("verification")));
    layout->addLayout(form);

    auto* test = new QLabel(tr("Test it now: paste a sample output"), box);
    layout->addWidget(test);
    m_sample = new QPlainTextEdit(box);
    m_sample->setObjectName(QStringLiteral("sampleOutput"));
    m_sample->setAccessibleName(tr("Sample output"));
    m_sample->setPlaceholderText(
        tr("For a JSON schema, paste JSON; otherwise the text an agent would submit."));
    m_sample->setTabChangesFocus(true);
    m_sample->setMaximumHeight(80);
    layout->addWidget(m_sample);
    auto* row = new QHBoxLayout;
    m_checkButton = new QPushButton(tr("Test it now"), box);
    m_checkButton->setObjectName(QStringLiteral("checkSampleButton"));
    m_checkButton->setAccessibleName(tr("Test the rule on the sample"));
    m_checkResult = new QLabel(box);
    m_checkResult->setObjectName(QStringLiteral("checkResult"));
    m_checkResult->setAccessibleName(tr("Test result"));
    m_checkResult->setWordWrap(true);
    m_checkResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_checkButton);
    row->addWidget(m_checkResult, 1);
    layout->addLayout(row);

    connect(m_verificationType, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_verificationPages->setCurrentIndex(index);
        m_verificationPages->setVisible(index > 0);
        // A one-line rule gets one line; only a schema needs room.
        m_verificationPages->setFixedHeight(
            m_verificationPages->currentWidget() == m_schema ? 90 : m_pattern->sizeHint().height());
        m_checkResult->clear();
        updateState();
    });
    for (QLineEdit* e : {m_pattern, m_sha256})
        connect(e, &QLineEdit::textChanged, this, [this] {
            m_checkResult->clear();
            updateState();
        });
    connect(m_schema, &QPlainTextEdit::textChanged, this, [this] {
        m_checkResult->clear();
        updateState();
    });
    connect(m_sample, &QPlainTextEdit::textChanged, this, [this] {
        m_checkResult->clear();
        updateState();
    });
    connect(m_checkButton, &QPushButton::clicked, this, &PostTaskDialog::checkSample);
    return box;
}

QLabel* PostTaskDialog::fieldError(const QString& field)
{
    auto* label = new QLabel(this);
    label->setObjectName(field + QStringLiteral("Error"));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #cf222e;"));
    label->hide();
    m_fieldErrors.insert(field, label);
    return label;
}

void PostTaskDialog::clearFieldErrors()
{
    for (QLabel* l : std::as_const(m_fieldErrors)) {
        l->clear();
        l->hide();
    }
}

void PostTaskDialog::showFieldErrors()
{
    clearFieldErrors();
    for (const auto& [name, reason] : m_postCommand->lastError().fields()) {
        QString field = baseField(name);
        if (field == QLatin1String("budgetCurrency") || field == QLatin1String("budgetCurrencyCustom") ||
            field == QLatin1String("budgetText"))
            field = QStringLiteral("budgetAmount");
        if (field == QLatin1String("requireApproval"))
            field = QStringLiteral("mode");
        QLabel* label = m_fieldErrors.value(field);
        if (!label)
            continue; // the banner has every reason anyway
        const QString line = name == field ? reason : QStringLiteral("%1: %2").arg(name, reason);
        label->setText(label->text().isEmpty() ? line : label->text() + QLatin1Char('\n') + line);
        label->show();
    }
}

QString PostTaskDialog::mode() const
{
    if (m_modeClaim->isChecked())
        return QStringLiteral("claim");
    if (m_modeOpen->isChecked())
        return QStringLiteral("open");
    return QStringLiteral("bid");
}

QString PostTaskDialog::currency() const
{
    return m_currency->currentText();
}

QJsonObject PostTaskDialog::verificationRule() const
{
    const QString type = m_verificationType->currentData().toString();
    if (type.isEmpty())
        return {};
    QJsonObject rule{{QStringLiteral("type"), type}};
    if (type == QLatin1String("regex"))
        rule.insert(QStringLiteral("pattern"), m_pattern->text());
    else if (type == QLatin1String("sha256"))
        rule.insert(QStringLiteral("value"), m_sha256->text().trimmed());
    else
        rule.insert(QStringLiteral("schema"),
                    QJsonDocument::fromJson(m_schema->toPlainText().toUtf8()).object());
    rule.insert(QStringLiteral("autoAccept"), m_autoAccept->isChecked());
    return rule;
}

QJsonValue PostTaskDialog::sampleOutput(QString* error) const
{
    const QString text = m_sample->toPlainText();
    if (m_verificationType->currentData().toString() != QLatin1String("json-schema"))
        return text;
    // A schema checks JSON: the sample is read as a JSON value (an object, a list, a number, ...).
    QJsonParseError parseError;
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &parseError);
    if (parseError.error != QJsonParseError::NoError || doc.array().size() != 1) {
        if (error)
            *error = tr("The sample is not JSON: %1.").arg(parseError.errorString());
        return {};
    }
    return doc.array().at(0);
}

QString PostTaskDialog::problem() const
{
    const QString title = m_title->text().trimmed();
    if (title.isEmpty())
        return tr("Give the task a title.");
    if (title.size() < 3)
        return tr("The title needs at least 3 characters.");
    const QString description = m_description->toPlainText().trimmed();
    if (description.isEmpty())
        return tr("Describe the task.");
    if (description.size() < 10)
        return tr("The description needs at least 10 characters.");
    const QString budget = m_budget->text().trimmed();
    const bool credits = currency() == kCredits;
    if (budget.isEmpty()) {
        if (mode() != QLatin1String("bid"))
            return tr("Claim and open tasks need a budget in CREDITS.");
    } else if (credits) {
        const qint64 cents = parseCents(budget);
        if (cents < 0)
            return tr("The budget is a number with at most 2 decimals, e.g. 250.00.");
        if (cents == 0)
            return tr("The budget must be more than 0.");
        if (cents > qint64(1'000'000'000) * 100)
            return tr("The budget can be at most 1,000,000,000 CREDITS.");
    } else {
        static const QRegularExpression re(QStringLiteral("^\\d{1,18}(\\.\\d{1,8})?$"));
        if (!re.match(budget).hasMatch() || budget.toDouble() <= 0)
            return tr("The budget is a positive number with at most 8 decimals.");
        if (currency() == QLatin1String("OTHER") && m_currencyCustom->text().trimmed().isEmpty())
            return tr("Name the currency.");
    }
    if (m_deadlineEnabled->isChecked() && m_deadline->dateTime() <= QDateTime::currentDateTime())
        return tr("The deadline must be in the future.");
    if (const QString p = m_protected->problem(); !p.isEmpty())
        return p;
    return ruleProblem();
}

QString PostTaskDialog::ruleProblem() const
{
    const QString type = m_verificationType->currentData().toString();
    if (type == QLatin1String("regex") && m_pattern->text().isEmpty())
        return tr("Enter the regular expression the output must contain.");
    if (type == QLatin1String("sha256") &&
        !QRegularExpression(QStringLiteral("^[0-9a-fA-F]{64}$")).match(m_sha256->text().trimmed()).hasMatch())
        return tr("The SHA-256 value is 64 hex digits.");
    if (type == QLatin1String("json-schema")) {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(m_schema->toPlainText().toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return tr("The JSON schema must be a JSON object.");
    }
    return {};
}

QJsonObject PostTaskDialog::taskBody() const
{
    QJsonObject body;
    body.insert(QStringLiteral("title"), m_title->text().trimmed());
    body.insert(QStringLiteral("description"), m_description->toPlainText().trimmed());
    body.insert(QStringLiteral("mode"), mode());
    if (mode() == QLatin1String("claim"))
        body.insert(QStringLiteral("requireApproval"), m_requireApproval->isChecked());
    QJsonArray criteria;
    for (int i = 0; i < m_criteria->count(); ++i) {
        const QString c = m_criteria->item(i)->text().trimmed();
        if (!c.isEmpty())
            criteria.append(c);
    }
    body.insert(QStringLiteral("acceptanceCriteria"), criteria);
    body.insert(QStringLiteral("skillsTags"), QJsonArray::fromStringList(splitSkills(m_skills->text())));
    const QString budget = m_budget->text().trimmed();
    if (!budget.isEmpty()) {
        const qint64 cents = parseCents(budget);
        // CREDITS go as exact cents over 100; others as the typed decimal.
        body.insert(QStringLiteral("budgetAmount"),
                    currency() == kCredits && cents >= 0 ? double(cents) / 100.0 : budget.toDouble());
        body.insert(QStringLiteral("budgetCurrency"), currency());
        if (currency() == QLatin1String("OTHER"))
            body.insert(QStringLiteral("budgetCurrencyCustom"), m_currencyCustom->text().trimmed());
    }
    if (m_deadlineEnabled->isChecked())
        body.insert(QStringLiteral("deadline"), m_deadline->dateTime().toUTC().toString(Qt::ISODate));
    body.insert(QStringLiteral("visibility"), m_visibility->currentData().toString());
    body.insert(QStringLiteral("reviewWindowHours"), m_reviewWindow->value());
    const QJsonObject rule = verificationRule();
    if (!rule.isEmpty())
        body.insert(QStringLiteral("verification"), rule);
    if (const auto sealed = m_protected->sealedPayload())
        body.insert(QStringLiteral("protected"), *sealed);
    return body;
}

void PostTaskDialog::updateEscrowNote()
{
    const bool credits = currency() == kCredits;
    if (!credits) {
        m_escrowNote->setText(
            tr("%1 is paid outside the platform: nothing is held in escrow; the contract records how you "
               "pay.")
                .arg(currency() == QLatin1String("OTHER") ? tr("This currency") : currency()));
        m_escrowNote->setStyleSheet(QString());
        return;
    }
    const qint64 cents = parseCents(m_budget->text().trimmed());
    QString text = tr("CREDITS budgets are held in escrow when you post and paid out on acceptance.");
    bool short_ = false;
    if (m_availableCents >= 0) {
        text += QLatin1Char(' ') + tr("Available: %1.").arg(Formatting::cents(m_availableCents, kCredits));
        if (cents > 0 && cents > m_availableCents) {
            text += QLatin1Char(' ') + tr("That is less than this budget.");
            short_ = true;
        }
    }
    m_escrowNote->setText(text);
    m_escrowNote->setStyleSheet(short_ ? QStringLiteral("color: #cf222e;") : QString());
}

void PostTaskDialog::updateState()
{
    const bool bidMode = mode() == QLatin1String("bid");
    m_requireApproval->setEnabled(mode() == QLatin1String("claim"));
    // Claim and open tasks pay out from escrow, so only CREDITS fit them.
    if (!bidMode && m_currency->currentIndex() != 0)
        m_currency->setCurrentIndex(0);
    m_currency->setEnabled(bidMode);
    m_currency->setToolTip(bidMode ? QString() : tr("Claim and open tasks are paid in CREDITS from escrow."));
    m_currencyCustom->setVisible(currency() == QLatin1String("OTHER"));
    m_addCriterion->setEnabled(!m_criterionEdit->text().trimmed().isEmpty());
    const int row = m_criteria->currentRow();
    m_removeCriterion->setEnabled(row >= 0);
    m_criterionUp->setEnabled(row > 0);
    m_criterionDown->setEnabled(row >= 0 && row < m_criteria->count() - 1);
    const bool hasRule = !m_verificationType->currentData().toString().isEmpty();
    m_autoAccept->setEnabled(hasRule);
    m_sample->setEnabled(hasRule);
    m_checkButton->setEnabled(hasRule && ruleProblem().isEmpty() && !m_sample->toPlainText().isEmpty() &&
                              !m_checkCommand->isRunning());
    if (hasRule && !m_sample->toPlainText().isEmpty() &&
        m_verificationType->currentData().toString() == QLatin1String("json-schema")) {
        QString error;
        sampleOutput(&error);
        if (!error.isEmpty()) {
            m_checkButton->setEnabled(false);
            m_checkResult->setText(error);
        }
    }
    updateEscrowNote();
    const QString why = problem();
    const bool running = m_postCommand->isRunning();
    m_hint->setText(running ? tr("Posting...") : why);
    m_postButton->setEnabled(why.isEmpty() && !running);
}

void PostTaskDialog::addCriterion()
{
    const QString text = m_criterionEdit->text().trimmed();
    if (text.isEmpty())
        return;
    auto* item = new QListWidgetItem(text, m_criteria);
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    m_criteria->setCurrentItem(item);
    m_criterionEdit->clear();
    updateState();
}

void PostTaskDialog::moveCriterion(int delta)
{
    const int row = m_criteria->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_criteria->count())
        return;
    QListWidgetItem* item = m_criteria->takeItem(row);
    m_criteria->insertItem(to, item);
    m_criteria->setCurrentRow(to);
    updateState();
}

void PostTaskDialog::checkSample()
{
    if (m_checkCommand->isRunning())
        return;
    m_checkResult->setText(tr("Testing..."));
    m_checkResult->setStyleSheet(QString());
    m_checkResult->setProperty("passed", QVariant());
    m_checkCommand->setFailureShownByCaller(true);
    m_context.commands->run(m_checkCommand);
}

void PostTaskDialog::reject()
{
    if (m_protected->keyPending()) {
        const auto answer =
            QMessageBox::warning(this, tr("Payload key not saved"),
                                 tr("The task is posted, but the key of its protected fields is not saved. "
                                    "If you close now, nobody "
                                    "can ever read those fields. Close anyway?"),
                                 QMessageBox::Close | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Close)
            return;
        emit posted(std::exchange(m_postedTask, {}));
    }
    QDialog::reject();
}

void PostTaskDialog::submit()
{
    if (!problem().isEmpty() || m_postCommand->isRunning())
        return;
    m_banner->hide();
    clearFieldErrors();
    m_postCommand->setFailureShownByCaller(true);
    m_context.commands->run(m_postCommand);
}

} // namespace taskdesk::ui
