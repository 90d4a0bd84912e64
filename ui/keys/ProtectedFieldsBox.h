#pragma once

#include "Keystore.h"
#include "SecureBuffer.h"
#include "ViewContext.h"

#include <QGroupBox>
#include <QJsonObject>
#include <QPointer>
#include <optional>

class QLabel;
class QPushButton;
class QTableWidget;

namespace taskdesk::ui {

class KeystoreDialog;

// Post Task's "Protected fields": name/value rows that leave this computer
// only encrypted. The box makes a random payload key, encrypts the fields as
// one JSON object with crypto::PayloadCipher and hands the task body its
// `protected` object ({alg, nonce, ciphertext, fields}); the key stays here
// until the task exists, then goes into the keystore under the task's id.
// The encryption is made once per content, so retrying a failed post sends
// the same body (and the same Idempotency-Key). It needs an unlocked
// keystore, and offers to unlock or create it in place.
class ProtectedFieldsBox : public QGroupBox
{
    Q_OBJECT
public:
    static constexpr int kMaxFields = 20;

    explicit ProtectedFieldsBox(const ViewContext& context, QWidget* parent = nullptr);
    ~ProtectedFieldsBox() override;

    // No row has a name: the task is not protected.
    bool isEmpty() const;
    // What keeps the protected part from being posted; empty when nothing.
    QString problem() const;
    QStringList fieldNames() const;
    // The `protected` object for the task body; made once per content.
    std::optional<QJsonObject> sealedPayload() const;
    // After the post: keeps the payload key under the task's id. On failure
    // the box shows it loudly, keeps the key and the typed values, and offers
    // to try again (keyPending() stays true).
    crypto::Keystore::Result keepKey(const QString& taskId, const QString& title, const QString& profileId);
    bool keyPending() const { return !m_pendingTaskId.isEmpty(); }
    // Forgets the typed values and the key (after it is safely kept, or when the user gives up).
    void clear();

    void addRow(const QString& name = {}, const QString& value = {});
    QTableWidget* table() const { return m_table; }

signals:
    void changed();
    // keepKey() succeeded after an earlier failure (from "Save the key again").
    void keyKept();

private:
    void updateState();
    void invalidate();
    void openKeystore();
    void retryKeep();

    ViewContext m_context;
    QTableWidget* m_table;
    QPushButton* m_add;
    QPushButton* m_remove;
    QLabel* m_state;
    QPushButton* m_keystoreButton;
    QLabel* m_error;
    QPushButton* m_retry;
    QPointer<KeystoreDialog> m_dialog;
    // The encryption of the current content, made on demand.
    mutable crypto::SecureBuffer m_key;
    mutable QJsonObject m_sealed;
    QString m_pendingTaskId, m_pendingTitle, m_pendingProfileId;
    QByteArray m_pendingCiphertext;
};

} // namespace taskdesk::ui
