#pragma once

#include "Keystore.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace taskdesk::models {
class KeyVault;
}

namespace taskdesk::ui {

// Asks for a passphrase and runs one keystore operation with it: create the
// keystore (passphrase twice, with a strength hint), unlock it, export a
// backup under a backup passphrase, or import one. The typed text goes
// straight into a crypto::SecureBuffer and the fields are cleared; the
// dialog stays open with the keystore's own message when the operation
// fails (a wrong passphrase and a damaged file say different things) and
// accepts when it succeeds. Opened with open(), so the window keeps running.
class KeystoreDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Create,
        Unlock,
        ExportBackup,
        ImportBackup,
    };

    KeystoreDialog(Mode mode, models::KeyVault* vault, QWidget* parent = nullptr);

    Mode mode() const { return m_mode; }
    // The last operation's result (for the caller's summary, e.g. import counts).
    const crypto::Keystore::Result& result() const { return m_result; }
    void setBackupPath(const QString& path);

    // A rough strength estimate of a passphrase, 0 (very weak) to 4 (strong),
    // from its length and the kinds of characters in it; and its words.
    static int strength(const QString& passphrase);
    static QString strengthText(int strength);

private:
    void updateState();
    void submit();
    void browse();
    void onFinished(const crypto::Keystore::Result& result);
    QString problem() const;
    bool needsConfirmation() const;
    bool needsPath() const;

    Mode m_mode;
    QPointer<models::KeyVault> m_vault;
    crypto::Keystore::Result m_result;
    QLabel* m_intro;
    QLineEdit* m_path = nullptr;
    QLineEdit* m_passphrase;
    QLineEdit* m_confirm = nullptr;
    QLabel* m_strength = nullptr;
    QLabel* m_message;
    QLabel* m_hint;
    QProgressBar* m_busy;
    QPushButton* m_ok;
    bool m_running = false;
};

} // namespace taskdesk::ui
