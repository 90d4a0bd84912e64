#include "BundleDialog.h"

#include "Base64.h"
#include "HandoffBundle.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace taskdesk::ui {

using crypto::HandoffBundle;
using crypto::SecureBuffer;

namespace {
constexpr int kMinPassphrase = 10;
}

BundleDialog::BundleDialog(SecureBuffer bundle, const QString& agentLabel, QWidget* parent)
    : QDialog(parent), m_bundle(std::move(bundle))
{
    setObjectName(QStringLiteral("bundleDialog"));
    setWindowTitle(tr("Credential bundle for %1").arg(agentLabel));
    setAccessibleName(windowTitle());
    resize(760, 620);
    auto* layout = new QVBoxLayout(this);

    auto* warning =
        new QLabel(tr("This is the only time the token and API secret are shown. Hand them to the agent "
                      "now: copy them, or save a file (sealed to the agent's key or under a passphrase "
                      "is safer than plain). Nobody, not even you, can show them again; a lost bundle "
                      "means revoking and minting anew."),
                   this);
    warning->setObjectName(QStringLiteral("bundleWarning"));
    warning->setWordWrap(true);
    warning->setStyleSheet(QStringLiteral("QLabel { background: #fff8c5; border: 1px solid #d4a72c; "
                                          "border-radius: 4px; padding: 8px; }"));
    layout->addWidget(warning);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("bundleText"));
    m_text->setAccessibleName(tr("Bundle"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlainText(QString::fromUtf8(m_bundle.constChar(), qsizetype(m_bundle.size())));
    layout->addWidget(m_text, 1);

    auto* form = new QFormLayout;
    m_protection = new QComboBox(this);
    m_protection->setObjectName(QStringLiteral("bundleProtection"));
    m_protection->setAccessibleName(tr("Protection of the saved file"));
    m_protection->addItem(tr("Sealed to the agent's public key"), int(Protection::Sealed));
    m_protection->addItem(tr("Under a passphrase"), int(Protection::Passphrase));
    m_protection->addItem(tr("Plain (anyone who reads the file can use it)"), int(Protection::Plain));
    form->addRow(tr("Save &as"), m_protection);
    m_protectionPages = new QStackedWidget(this);
    m_agentKey = new QLineEdit(this);
    m_agentKey->setObjectName(QStringLiteral("bundleAgentKey"));
    m_agentKey->setAccessibleName(tr("Agent's X25519 public key (base64)"));
    m_agentKey->setPlaceholderText(tr("The agent's X25519 public key, base64 (44 characters)"));
    m_protectionPages->addWidget(m_agentKey);
    auto* passPage = new QWidget(this);
    auto* passRow = new QHBoxLayout(passPage);
    passRow->setContentsMargins(0, 0, 0, 0);
    m_passphrase = new QLineEdit(passPage);
    m_passphrase->setObjectName(QStringLiteral("bundlePassphrase"));
    m_passphrase->setAccessibleName(tr("Bundle passphrase"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_passphrase->setPlaceholderText(tr("Passphrase"));
    m_passphraseConfirm = new QLineEdit(passPage);
    m_passphraseConfirm->setObjectName(QStringLiteral("bundlePassphraseConfirm"));
    m_passphraseConfirm->setAccessibleName(tr("Bundle passphrase again"));
    m_passphraseConfirm->setEchoMode(QLineEdit::Password);
    m_passphraseConfirm->setPlaceholderText(tr("Again"));
    passRow->addWidget(m_passphrase);
    passRow->addWidget(m_passphraseConfirm);
    m_protectionPages->addWidget(passPage);
    m_protectionPages->addWidget(new QWidget(this));
    form->addRow(QString(), m_protectionPages);
    m_path = new QLineEdit(this);
    m_path->setObjectName(QStringLiteral("bundlePath"));
    m_path->setAccessibleName(tr("File to save to"));
    auto* browse = new QPushButton(tr("Browse..."), this);
    browse->setObjectName(QStringLiteral("bundleBrowseButton"));
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    form->addRow(tr("&File"), pathRow);
    layout->addLayout(form);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("bundleStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto* buttons = new QDialogButtonBox(this);
    m_copy = buttons->addButton(tr("Copy to clipboard"), QDialogButtonBox::ActionRole);
    m_copy->setObjectName(QStringLiteral("copyBundleButton"));
    m_save = buttons->addButton(tr("Save to file"), QDialogButtonBox::ActionRole);
    m_save->setObjectName(QStringLiteral("saveBundleButton"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    m_close->setObjectName(QStringLiteral("closeBundleButton"));
    layout->addWidget(buttons);

    connect(m_copy, &QPushButton::clicked, this, &BundleDialog::copy);
    connect(m_save, &QPushButton::clicked, this, &BundleDialog::save);
    connect(m_close, &QPushButton::clicked, this, &QDialog::reject);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the bundle"), m_path->text(),
                                                          tr("TaskDesk bundles (*.json);;All files (*)"));
        if (!path.isEmpty())
            m_path->setText(path);
    });
    connect(m_protection, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_protectionPages->setCurrentIndex(index);
        updateState();
    });
    for (QLineEdit* e : {m_agentKey, m_passphrase, m_passphraseConfirm, m_path})
        connect(e, &QLineEdit::textChanged, this, &BundleDialog::updateState);
    updateState();
}

BundleDialog::~BundleDialog()
{
    wipe();
}

BundleDialog::Protection BundleDialog::protection() const
{
    return Protection(m_protection->currentData().toInt());
}

QString BundleDialog::problem() const
{
    if (m_bundle.isEmpty())
        return tr("The bundle is gone.");
    if (m_path->text().trimmed().isEmpty())
        return tr("Choose a file to save to.");
    switch (protection()) {
    case Protection::Sealed:
        if (!crypto::Base64::decodeExact(m_agentKey->text().trimmed().toLatin1(), 32))
            return tr("Paste the agent's X25519 public key: 32 bytes in standard base64.");
        break;
    case Protection::Passphrase:
        if (m_passphrase->text().size() < kMinPassphrase)
            return tr("Use a passphrase of at least %1 characters.").arg(kMinPassphrase);
        if (m_passphrase->text() != m_passphraseConfirm->text())
            return tr("The two passphrases differ.");
        break;
    case Protection::Plain:
        break;
    }
    return {};
}

void BundleDialog::updateState()
{
    const QString why = problem();
    m_save->setEnabled(why.isEmpty());
    m_save->setToolTip(why);
    m_copy->setEnabled(!m_bundle.isEmpty());
}

void BundleDialog::copy()
{
    if (m_bundle.isEmpty())
        return;
    QApplication::clipboard()->setText(QString::fromUtf8(m_bundle.constChar(), qsizetype(m_bundle.size())));
    m_copied = true;
    m_status->setText(
        tr("Copied. The clipboard is cleared when this window closes, if it still holds the bundle."));
}

void BundleDialog::save()
{
    saveTo(m_path->text().trimmed());
}

bool BundleDialog::saveTo(const QString& path)
{
    m_path->setText(path);
    const QString why = problem();
    if (!why.isEmpty()) {
        m_status->setText(why);
        return false;
    }
    QByteArray content;
    SecureBuffer plain;
    switch (protection()) {
    case Protection::Plain:
        plain = HandoffBundle::plain(m_bundle);
        break;
    case Protection::Sealed:
        content = HandoffBundle::sealTo(
            m_bundle, *crypto::Base64::decodeExact(m_agentKey->text().trimmed().toLatin1(), 32));
        break;
    case Protection::Passphrase: {
        QString text = m_passphrase->text();
        SecureBuffer pass = SecureBuffer::fromUtf8(text);
        SecureBuffer::wipe(text);
        m_passphrase->clear();
        m_passphraseConfirm->clear();
        QApplication::setOverrideCursor(Qt::WaitCursor);
        content = HandoffBundle::protect(m_bundle, pass);
        QApplication::restoreOverrideCursor();
        break;
    }
    }
    if (content.isEmpty() && plain.isEmpty()) {
        m_status->setText(tr("The bundle could not be protected; nothing was saved."));
        return false;
    }
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        // Only the user may read it, whatever it holds.
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        ok = plain.isEmpty() ? file.write(content) == content.size()
                             : file.write(plain.constChar(), qint64(plain.size())) == qint64(plain.size());
        ok = ok && file.commit();
    }
    if (!ok) {
        m_status->setText(tr("Could not write %1: %2. Nothing was saved.").arg(path, file.errorString()));
        return false;
    }
    m_status->setText(
        protection() == Protection::Plain
            ? tr("Saved to %1 (plain: anyone who can read it can use the credential).").arg(path)
            : tr("Saved to %1. The agent opens it with: taskdesk-agent bundle-open \"%1\"").arg(path));
    updateState();
    return true;
}

void BundleDialog::done(int result)
{
    if (!m_confirmed) {
        if (m_confirm) {
            m_confirm->raise();
            return;
        }
        m_confirm =
            new QMessageBox(QMessageBox::Warning, tr("Close the bundle?"),
                            tr("The token and API secret will not be shown again. Close only when the "
                               "agent has them (copied or saved)."),
                            QMessageBox::NoButton, this);
        m_confirm->setObjectName(QStringLiteral("bundleCloseConfirm"));
        QPushButton* closeAnyway = m_confirm->addButton(tr("Close, I have it"), QMessageBox::AcceptRole);
        closeAnyway->setObjectName(QStringLiteral("confirmCloseBundleButton"));
        QPushButton* stay = m_confirm->addButton(tr("Keep it open"), QMessageBox::RejectRole);
        stay->setObjectName(QStringLiteral("keepBundleOpenButton"));
        m_confirm->setDefaultButton(stay);
        m_confirm->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_confirm, &QMessageBox::buttonClicked, this,
                [this, closeAnyway, result](QAbstractButton* b) {
                    if (b != closeAnyway)
                        return;
                    m_confirmed = true;
                    done(result);
                });
        m_confirm->open();
        return;
    }
    wipe();
    QDialog::done(result);
}

void BundleDialog::wipe()
{
    if (m_copied) {
        QClipboard* clipboard = QApplication::clipboard();
        if (!m_bundle.isEmpty() &&
            clipboard->text() == QString::fromUtf8(m_bundle.constChar(), qsizetype(m_bundle.size())))
            clipboard->clear();
        m_copied = false;
    }
    m_text->clear();
    m_bundle = SecureBuffer();
    updateState();
}

} // namespace taskdesk::ui
