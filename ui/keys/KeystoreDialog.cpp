#include "KeystoreDialog.h"

#include "KeyVault.h"
#include "SecureBuffer.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace taskdesk::ui {

using crypto::SecureBuffer;
using models::KeyVault;

namespace {

constexpr int kMinLength = 10;

// The typed passphrase into secure memory, then out of the widget. QLineEdit
// keeps its own copy of the text; clearing it is the most a widget allows.
SecureBuffer takePassphrase(QLineEdit* edit)
{
    QString text = edit->text();
    SecureBuffer out = SecureBuffer::fromUtf8(text);
    SecureBuffer::wipe(text);
    edit->clear();
    return out;
}

} // namespace

KeystoreDialog::KeystoreDialog(Mode mode, KeyVault* vault, QWidget* parent)
    : QDialog(parent), m_mode(mode), m_vault(vault)
{
    setObjectName(QStringLiteral("keystoreDialog"));
    auto* layout = new QVBoxLayout(this);
    m_intro = new QLabel(this);
    m_intro->setObjectName(QStringLiteral("keystoreIntro"));
    m_intro->setWordWrap(true);
    layout->addWidget(m_intro);

    auto* form = new QFormLayout;
    if (needsPath()) {
        m_path = new QLineEdit(this);
        m_path->setObjectName(QStringLiteral("backupPath"));
        m_path->setAccessibleName(tr("Backup file"));
        auto* browseButton = new QPushButton(tr("Browse..."), this);
        browseButton->setObjectName(QStringLiteral("browseBackupButton"));
        auto* row = new QHBoxLayout;
        row->addWidget(m_path, 1);
        row->addWidget(browseButton);
        form->addRow(tr("Backup &file"), row);
        connect(browseButton, &QPushButton::clicked, this, &KeystoreDialog::browse);
        connect(m_path, &QLineEdit::textChanged, this, &KeystoreDialog::updateState);
    }
    m_passphrase = new QLineEdit(this);
    m_passphrase->setObjectName(QStringLiteral("passphraseEdit"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_passphrase->setAccessibleName(tr("Passphrase"));
    form->addRow(mode == Mode::ExportBackup || mode == Mode::ImportBackup ? tr("Backup &passphrase")
                                                                          : tr("&Passphrase"),
                 m_passphrase);
    if (needsConfirmation()) {
        m_confirm = new QLineEdit(this);
        m_confirm->setObjectName(QStringLiteral("passphraseConfirmEdit"));
        m_confirm->setEchoMode(QLineEdit::Password);
        m_confirm->setAccessibleName(tr("Passphrase again"));
        form->addRow(tr("&Again"), m_confirm);
        m_strength = new QLabel(this);
        m_strength->setObjectName(QStringLiteral("passphraseStrength"));
        m_strength->setAccessibleName(tr("Passphrase strength"));
        form->addRow(QString(), m_strength);
        connect(m_confirm, &QLineEdit::textChanged, this, &KeystoreDialog::updateState);
    }
    layout->addLayout(form);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("keystoreMessage"));
    m_message->setAccessibleName(tr("Keystore message"));
    m_message->setWordWrap(true);
    m_message->setStyleSheet(QStringLiteral("color: #cf222e;"));
    m_message->hide();
    layout->addWidget(m_message);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->hide();
    layout->addWidget(m_busy);

    m_hint = new QLabel(this);
    m_hint->setObjectName(QStringLiteral("keystoreHint"));
    m_hint->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(this);
    m_ok = buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    m_ok->setObjectName(QStringLiteral("keystoreOkButton"));
    m_ok->setDefault(true);
    auto* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("keystoreCancelButton"));
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_hint, 1);
    bottom->addWidget(buttons);
    layout->addLayout(bottom);

    const QString file = vault ? vault->filePath() : QString();
    switch (mode) {
    case Mode::Create:
        setWindowTitle(tr("Create the keystore"));
        m_intro->setText(
            tr("The keystore keeps the keys of your protected tasks and the console's signing key "
               "on this computer, encrypted under a passphrase. Nobody can recover it for you: "
               "choose one you will remember, and keep a backup.\n%1")
                .arg(file));
        m_ok->setText(tr("Create"));
        break;
    case Mode::Unlock:
        setWindowTitle(tr("Unlock the keystore"));
        m_intro->setText(tr("Enter the keystore's passphrase.\n%1").arg(file));
        m_ok->setText(tr("Unlock"));
        break;
    case Mode::ExportBackup:
        setWindowTitle(tr("Back up the keystore"));
        m_intro->setText(tr("Writes every key to a new file, encrypted under a backup passphrase of its own. "
                            "Keep the file somewhere else than this computer."));
        m_ok->setText(tr("Back up"));
        break;
    case Mode::ImportBackup:
        setWindowTitle(tr("Restore from a backup"));
        m_intro->setText(tr("Adds the keys of a backup file to this keystore. Keys already here are kept."));
        m_ok->setText(tr("Restore"));
        break;
    }
    setAccessibleName(windowTitle());
    m_ok->setAccessibleName(m_ok->text());

    connect(m_passphrase, &QLineEdit::textChanged, this, &KeystoreDialog::updateState);
    connect(m_ok, &QPushButton::clicked, this, &KeystoreDialog::submit);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    if (vault)
        connect(vault, &KeyVault::operationFinished, this,
                [this](KeyVault::Operation, const crypto::Keystore::Result& r) {
                    if (m_running)
                        onFinished(r);
                });
    updateState();
}

bool KeystoreDialog::needsConfirmation() const
{
    return m_mode == Mode::Create || m_mode == Mode::ExportBackup;
}

bool KeystoreDialog::needsPath() const
{
    return m_mode == Mode::ExportBackup || m_mode == Mode::ImportBackup;
}

void KeystoreDialog::setBackupPath(const QString& path)
{
    if (m_path)
        m_path->setText(path);
}

void KeystoreDialog::browse()
{
    const QString path =
        m_mode == Mode::ExportBackup
            ? QFileDialog::getSaveFileName(this, tr("Back up to"), m_path->text(),
                                           tr("TaskDesk keystore backups (*.tdkb);;All files (*)"))
            : QFileDialog::getOpenFileName(this, tr("Restore from"), m_path->text(),
                                           tr("TaskDesk keystore backups (*.tdkb);;All files (*)"));
    if (!path.isEmpty())
        m_path->setText(path);
}

int KeystoreDialog::strength(const QString& passphrase)
{
    // A rough pool-size times length estimate (KeePassXC uses zxcvbn; Debian
    // has no C++ port, and a hint does not need more): bits = length x
    // log2(pool), with repeated characters counted once.
    if (passphrase.isEmpty())
        return 0;
    int pool = 0;
    bool lower = false, upper = false, digit = false, other = false;
    for (QChar c : passphrase) {
        if (c.isLower())
            lower = true;
        else if (c.isUpper())
            upper = true;
        else if (c.isDigit())
            digit = true;
        else
            other = true;
    }
    pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (other ? 33 : 0);
    const QSet<QChar> distinct(passphrase.begin(), passphrase.end());
    const double effectiveLength = std::min<double>(passphrase.size(), distinct.size() * 1.5);
    const double bits = effectiveLength * std::log2(std::max(pool, 2));
    if (passphrase.size() < kMinLength || bits < 40)
        return bits < 28 ? 0 : 1;
    if (bits < 60)
        return 2;
    if (bits < 80)
        return 3;
    return 4;
}

QString KeystoreDialog::strengthText(int strength)
{
    switch (strength) {
    case 0:
        return tr("Very weak");
    case 1:
        return tr("Weak");
    case 2:
        return tr("Fair");
    case 3:
        return tr("Good");
    default:
        return tr("Strong");
    }
}

QString KeystoreDialog::problem() const
{
    if (m_path && m_path->text().trimmed().isEmpty())
        return tr("Choose the backup file.");
    if (m_passphrase->text().isEmpty())
        return tr("Enter the passphrase.");
    if (needsConfirmation()) {
        if (m_passphrase->text().size() < kMinLength)
            return tr("Use at least %1 characters.").arg(kMinLength);
        if (m_confirm->text() != m_passphrase->text())
            return tr("The two passphrases differ.");
    }
    return {};
}

void KeystoreDialog::updateState()
{
    if (m_strength) {
        const QString text = m_passphrase->text();
        const int s = strength(text);
        m_strength->setText(text.isEmpty() ? QString() : tr("Strength: %1").arg(strengthText(s)));
        m_strength->setProperty("strength", s);
        static const char* colours[] = {"#cf222e", "#cf222e", "#9a6700", "#1a7f37", "#1a7f37"};
        m_strength->setStyleSheet(QStringLiteral("color: %1;").arg(QLatin1String(colours[s])));
    }
    const QString why = problem();
    m_hint->setText(m_running ? tr("Working (deriving the key takes a moment)...") : why);
    m_ok->setEnabled(!m_running && why.isEmpty() && m_vault && !m_vault->isBusy());
    m_passphrase->setEnabled(!m_running);
    if (m_confirm)
        m_confirm->setEnabled(!m_running);
    m_busy->setVisible(m_running);
}

void KeystoreDialog::submit()
{
    if (!problem().isEmpty() || m_running || !m_vault || m_vault->isBusy())
        return;
    m_message->hide();
    SecureBuffer passphrase = takePassphrase(m_passphrase);
    if (m_confirm)
        m_confirm->clear();
    m_running = true;
    switch (m_mode) {
    case Mode::Create:
        m_vault->create(std::move(passphrase));
        break;
    case Mode::Unlock:
        m_vault->unlock(std::move(passphrase));
        break;
    case Mode::ExportBackup:
        m_vault->exportBackup(m_path->text().trimmed(), std::move(passphrase));
        break;
    case Mode::ImportBackup:
        m_vault->importBackup(m_path->text().trimmed(), std::move(passphrase));
        break;
    }
    updateState();
}

void KeystoreDialog::onFinished(const crypto::Keystore::Result& result)
{
    m_running = false;
    m_result = result;
    if (result) {
        accept();
        return;
    }
    m_message->setText(result.message);
    m_message->setProperty("error", int(result.error));
    m_message->show();
    updateState();
    m_passphrase->setFocus();
}

} // namespace taskdesk::ui
