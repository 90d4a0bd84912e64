#include "ProtectedFieldsBox.h"

#include "Base64.h"
#include "KeyVault.h"
#include "PayloadCipher.h"
#include "keys/KeystoreDialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using crypto::PayloadCipher;
using crypto::SecureBuffer;
using models::KeyVault;

ProtectedFieldsBox::ProtectedFieldsBox(const ViewContext& context, QWidget* parent)
    : QGroupBox(tr("Protected fields"), parent), m_context(context)
{
    setObjectName(QStringLiteral("protectedFieldsBox"));
    setAccessibleName(tr("Protected fields"));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Encrypted on this computer; the server stores ciphertext only. You share them with "
                      "the agent you hire from the Keys view. Leave empty for an ordinary task."),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_table = new QTableWidget(0, 2, this);
    m_table->setObjectName(QStringLiteral("protectedFieldsTable"));
    m_table->setAccessibleName(tr("Protected fields: name and value"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_table->horizontalHeader()->resizeSection(0, 180);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setMaximumHeight(110);
    m_add = new QPushButton(tr("Add field"), this);
    m_add->setObjectName(QStringLiteral("addProtectedFieldButton"));
    m_remove = new QPushButton(tr("Remove"), this);
    m_remove->setObjectName(QStringLiteral("removeProtectedFieldButton"));
    auto* side = new QVBoxLayout;
    side->addWidget(m_add);
    side->addWidget(m_remove);
    side->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addWidget(m_table, 1);
    row->addLayout(side);
    layout->addLayout(row);

    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("protectedKeystoreState"));
    m_state->setWordWrap(true);
    m_keystoreButton = new QPushButton(this);
    m_keystoreButton->setObjectName(QStringLiteral("protectedKeystoreButton"));
    auto* stateRow = new QHBoxLayout;
    stateRow->addWidget(m_state, 1);
    stateRow->addWidget(m_keystoreButton);
    layout->addLayout(stateRow);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("protectedKeyError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #ffffff; background: #cf222e; padding: 6px; "
                                          "font-weight: bold; border-radius: 4px; }"));
    m_error->hide();
    m_retry = new QPushButton(tr("Save the key again"), this);
    m_retry->setObjectName(QStringLiteral("retrySaveKeyButton"));
    m_retry->hide();
    layout->addWidget(m_error);
    layout->addWidget(m_retry);

    connect(m_add, &QPushButton::clicked, this, [this] {
        addRow();
        m_table->setCurrentCell(m_table->rowCount() - 1, 0);
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(m_remove, &QPushButton::clicked, this, [this] {
        const int r = m_table->currentRow();
        if (r >= 0)
            m_table->removeRow(r);
        invalidate();
    });
    connect(m_table, &QTableWidget::itemChanged, this, &ProtectedFieldsBox::invalidate);
    connect(m_table, &QTableWidget::currentCellChanged, this, &ProtectedFieldsBox::updateState);
    connect(m_keystoreButton, &QPushButton::clicked, this, &ProtectedFieldsBox::openKeystore);
    connect(m_retry, &QPushButton::clicked, this, &ProtectedFieldsBox::retryKeep);
    if (KeyVault* vault = context.keys)
        connect(vault, &KeyVault::stateChanged, this, [this] {
            updateState();
            emit changed();
        });
    addRow();
    updateState();
}

ProtectedFieldsBox::~ProtectedFieldsBox()
{
    clear();
}

void ProtectedFieldsBox::addRow(const QString& name, const QString& value)
{
    const int r = m_table->rowCount();
    const QSignalBlocker blocker(m_table);
    m_table->insertRow(r);
    m_table->setItem(r, 0, new QTableWidgetItem(name));
    m_table->setItem(r, 1, new QTableWidgetItem(value));
    invalidate();
}

QStringList ProtectedFieldsBox::fieldNames() const
{
    QStringList names;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QTableWidgetItem* item = m_table->item(r, 0);
        const QString name = item ? item->text().trimmed() : QString();
        if (!name.isEmpty())
            names << name;
    }
    return names;
}

bool ProtectedFieldsBox::isEmpty() const
{
    return fieldNames().isEmpty();
}

QString ProtectedFieldsBox::problem() const
{
    if (keyPending())
        return tr("The task is posted, but its key is not saved yet: save the key again (above).");
    if (isEmpty())
        return {};
    const QStringList names = fieldNames();
    if (names.size() > kMaxFields)
        return tr("At most %1 protected fields.").arg(kMaxFields);
    if (QSet<QString>(names.begin(), names.end()).size() != names.size())
        return tr("Two protected fields have the same name.");
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QTableWidgetItem* name = m_table->item(r, 0);
        const QTableWidgetItem* value = m_table->item(r, 1);
        if (name && !name->text().trimmed().isEmpty() && (!value || value->text().isEmpty()))
            return tr("Give the protected field \"%1\" a value.").arg(name->text().trimmed());
        if ((!name || name->text().trimmed().isEmpty()) && value && !value->text().isEmpty())
            return tr("Name every protected field.");
    }
    KeyVault* vault = m_context.keys;
    if (!vault)
        return tr("This console has no keystore for protected fields.");
    if (!vault->isUnlocked())
        return vault->exists() ? tr("Unlock the keystore to post protected fields.")
                               : tr("Create the keystore to post protected fields.");
    return {};
}

void ProtectedFieldsBox::invalidate()
{
    if (keyPending())
        return; // the posted encryption must stay until its key is kept
    m_key = SecureBuffer();
    m_sealed = {};
    updateState();
    emit changed();
}

std::optional<QJsonObject> ProtectedFieldsBox::sealedPayload() const
{
    if (isEmpty() || (!problem().isEmpty() && !keyPending()))
        return std::nullopt;
    if (!m_sealed.isEmpty())
        return m_sealed;
    QJsonObject fields;
    QStringList names;
    for (int r = 0; r < m_table->rowCount(); ++r) {
        const QString name = m_table->item(r, 0) ? m_table->item(r, 0)->text().trimmed() : QString();
        if (name.isEmpty())
            continue;
        fields.insert(name, m_table->item(r, 1) ? m_table->item(r, 1)->text() : QString());
        names << name;
    }
    QByteArray json = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    const SecureBuffer plaintext = SecureBuffer::copyOf(json);
    SecureBuffer::wipe(json);
    m_key = PayloadCipher::newKey();
    const PayloadCipher::Sealed sealed = PayloadCipher::encrypt(m_key, plaintext);
    if (sealed.ciphertext.isEmpty()) {
        m_key = SecureBuffer();
        return std::nullopt;
    }
    m_sealed = QJsonObject{
        {QStringLiteral("alg"), QLatin1String(PayloadCipher::kAlgorithm)},
        {QStringLiteral("nonce"), QString::fromLatin1(crypto::Base64::encode(sealed.nonce))},
        {QStringLiteral("ciphertext"), QString::fromLatin1(crypto::Base64::encode(sealed.ciphertext))},
        {QStringLiteral("fields"), QJsonArray::fromStringList(names)}};
    return m_sealed;
}

crypto::Keystore::Result ProtectedFieldsBox::keepKey(const QString& taskId, const QString& title,
                                                     const QString& profileId)
{
    m_pendingTaskId = taskId;
    m_pendingTitle = title;
    m_pendingProfileId = profileId;
    m_pendingCiphertext =
        crypto::Base64::decode(m_sealed.value(QLatin1String("ciphertext")).toString().toLatin1())
            .value_or(QByteArray());
    crypto::Keystore::Result r;
    if (m_key.isEmpty() || !m_context.keys) {
        r.error = crypto::Keystore::Result::Error::NotFound;
        r.message = tr("The payload key is gone.");
    } else {
        r = m_context.keys->storePayloadKey(taskId, title, m_key, m_pendingCiphertext, fieldNames(),
                                            profileId);
    }
    if (r) {
        m_pendingTaskId.clear();
        m_error->hide();
        m_retry->hide();
        clear();
        return r;
    }
    // The task exists with data nobody can read without this key: say so
    // plainly and keep everything so the user can try again.
    m_error->setText(
        tr("The task %1 is posted, but its payload key could not be saved in the keystore: %2\n"
           "Without the key nobody, not even you, can read or share its protected fields. Keep this "
           "window open, fix the keystore (unlock it, free disk space) and save the key again.")
            .arg(taskId, r.message));
    m_error->show();
    m_retry->show();
    updateState();
    emit changed();
    return r;
}

void ProtectedFieldsBox::retryKeep()
{
    if (!keyPending() || !m_context.keys)
        return;
    if (!m_context.keys->isUnlocked()) {
        openKeystore();
        return;
    }
    const QString taskId = m_pendingTaskId;
    if (keepKey(taskId, m_pendingTitle, m_pendingProfileId))
        emit keyKept();
}

void ProtectedFieldsBox::clear()
{
    const QSignalBlocker blocker(m_table);
    // QTableWidgetItem keeps its text in a QString: overwrite it before it goes.
    for (int r = 0; r < m_table->rowCount(); ++r)
        if (QTableWidgetItem* v = m_table->item(r, 1)) {
            QString text = v->text();
            SecureBuffer::wipe(text);
            v->setText(QString());
        }
    m_table->setRowCount(0);
    m_key = SecureBuffer();
    m_sealed = {};
    if (!keyPending())
        m_pendingCiphertext.clear();
}

void ProtectedFieldsBox::openKeystore()
{
    KeyVault* vault = m_context.keys;
    if (!vault || vault->isUnlocked())
        return;
    if (m_dialog) {
        m_dialog->raise();
        return;
    }
    auto* dialog = new KeystoreDialog(
        vault->exists() ? KeystoreDialog::Mode::Unlock : KeystoreDialog::Mode::Create, vault, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    dialog->open();
}

void ProtectedFieldsBox::updateState()
{
    KeyVault* vault = m_context.keys;
    const bool unlocked = vault && vault->isUnlocked();
    const bool pending = keyPending();
    m_add->setEnabled(!pending && m_table->rowCount() < kMaxFields);
    m_remove->setEnabled(!pending && m_table->currentRow() >= 0);
    m_table->setEnabled(!pending);
    m_keystoreButton->setVisible(vault && !unlocked);
    if (!vault) {
        m_state->setText(tr("No keystore in this console."));
    } else if (vault->isBusy()) {
        m_state->setText(tr("Working on the keystore..."));
    } else if (unlocked) {
        m_state->setText(tr("Keystore unlocked: the key of this task will be kept there."));
    } else if (vault->exists()) {
        m_state->setText(tr("The keystore is locked."));
        m_keystoreButton->setText(tr("Unlock..."));
    } else {
        m_state->setText(tr("There is no keystore yet."));
        m_keystoreButton->setText(tr("Create keystore..."));
    }
}

} // namespace taskdesk::ui
