#pragma once

#include "SecureBuffer.h"

#include <QDialog>
#include <QMessageBox>
#include <QPointer>

class QComboBox;
class QLabel;
class QLineEdit;

class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace taskdesk::ui {

// The bundle of a freshly minted credential (token, API key and secret, base
// URL, scopes, limits), shown this once. It can be copied to the clipboard or
// saved to a file as it is, sealed to the agent's X25519 public key, or under
// a passphrase (crypto::HandoffBundle); the agent opens either with
// `taskdesk-agent bundle-open`. Closing asks first, since nobody can show it
// again; then the text, the secure buffer and a clipboard still holding the
// bundle are wiped.
class BundleDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Protection
    {
        Plain,
        Sealed,
        Passphrase,
    };

    BundleDialog(crypto::SecureBuffer bundle, const QString& agentLabel, QWidget* parent = nullptr);
    ~BundleDialog() override;

    // Writes the bundle to path with the chosen protection (the form's fields
    // supply the key or passphrase). False with a reason shown in the dialog.
    bool saveTo(const QString& path);
    // The close confirmation while it is open (tests answer it).
    QMessageBox* closeConfirmation() const { return m_confirm; }
    bool isWiped() const { return m_bundle.isEmpty(); }

    void done(int result) override;

private:
    void copy();
    void save();
    void updateState();
    void wipe();
    QString problem() const;
    Protection protection() const;

    crypto::SecureBuffer m_bundle;
    QPlainTextEdit* m_text;
    QComboBox* m_protection;
    QStackedWidget* m_protectionPages;
    QLineEdit* m_agentKey;
    QLineEdit* m_passphrase;
    QLineEdit* m_passphraseConfirm;
    QLineEdit* m_path;
    QPushButton* m_copy;
    QPushButton* m_save;
    QPushButton* m_close;
    QLabel* m_status;
    QPointer<QMessageBox> m_confirm;
    bool m_confirmed = false;
    bool m_copied = false;
};

} // namespace taskdesk::ui
