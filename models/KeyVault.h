#pragma once

#include "ApiRequests.h"
#include "KeyPairs.h"
#include "Keystore.h"
#include "SecureBuffer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

class QThread;

namespace taskdesk::models {

class PagedListJob;

// The console's keys, in one object the composition root makes and hands to
// the views (never a global): a wrapper around crypto::Keystore that
//  - creates, unlocks and locks the keystore file, with the Argon2id work on a
//    worker thread so the window stays responsive (about a second at MODERATE);
//  - keeps a payload key per protected task (name = task id) with what the
//    console needs to grant it later (title, SHA-256 of the ciphertext it
//    posted, field names, the agents it was granted to);
//  - holds the console's own X25519 and Ed25519 keys, made with the keystore,
//    and registers their public halves on the signed-in profile
//    (POST /api/agent/me/keys), so grants can be signed and checked;
//  - seals a payload key to an agent and signs the grant.
// Secrets stay in crypto::SecureBuffer; nothing here logs or stores them elsewhere.
class KeyVault : public QObject
{
    Q_OBJECT
public:
    using Result = crypto::Keystore::Result;

    enum class Operation
    {
        Create,
        Unlock,
        ExportBackup,
        ImportBackup,
        ChangePassphrase,
    };
    Q_ENUM(Operation)

    struct PayloadKeyInfo
    {
        QString taskId;
        QString title;
        QString profileId; // who posted the task
        QDateTime createdAt;
        QStringList fields;
        QString ciphertextSha256; // hex of what was posted
        QJsonArray grants;        // [{requestId, agentId, agentLabel, grantedAt}]
    };

    struct Grant
    {
        QByteArray sealedKey; // crypto_box_seal(payload key, agent key)
        QByteArray signature; // Ed25519 over GrantSignature::message
    };

    explicit KeyVault(QString filePath, crypto::Keystore::Options options = {}, QObject* parent = nullptr);
    ~KeyVault() override;

    // Where the keystore file is; only changes while locked.
    bool setFilePath(const QString& filePath, crypto::Keystore::Options options = {});
    QString filePath() const;
    // The API the public keys are registered through (the signed-in profile's).
    void setApi(const ApiRequests& api);

    bool exists() const;
    bool isUnlocked() const;
    // A create/unlock/backup runs on the worker thread; nothing else may start meanwhile.
    bool isBusy() const { return m_busy; }

    // Asynchronous (operationFinished() follows). The passphrase is moved in and
    // wiped when the work is done.
    void create(crypto::SecureBuffer passphrase);
    void unlock(crypto::SecureBuffer passphrase);
    void exportBackup(const QString& path, crypto::SecureBuffer backupPassphrase);
    void importBackup(const QString& path, crypto::SecureBuffer backupPassphrase);
    void changePassphrase(crypto::SecureBuffer newPassphrase);
    // Wipes every secret held in memory.
    void lock();

    // Payload keys (the keystore must be unlocked); with profileId, only the
    // keys of tasks that profile posted.
    QList<PayloadKeyInfo> payloadKeys(const QString& profileId = {}) const;
    std::optional<PayloadKeyInfo> payloadKeyInfo(const QString& taskId) const;
    bool hasPayloadKey(const QString& taskId) const;
    std::optional<crypto::SecureBuffer> payloadKey(const QString& taskId) const;
    Result storePayloadKey(const QString& taskId, const QString& title, const crypto::SecureBuffer& key,
                           const QByteArray& ciphertext, const QStringList& fields, const QString& profileId);
    Result recordGrant(const QString& taskId, const QString& requestId, const QString& agentId,
                       const QString& agentLabel);

    // The console's own public keys (empty when locked).
    QByteArray signingPublicKey() const;
    QByteArray boxPublicKey() const;

    // Seals the task's payload key to the agent's X25519 key and signs the
    // grant over the ciphertext the server holds. Refuses when the ciphertext
    // is not the one this console posted (a server that swapped it would get
    // the publisher's signature on someone else's data). error says why.
    std::optional<Grant> makeGrant(const QString& taskId, const QByteArray& ciphertext,
                                   const QByteArray& agentPublicKey, QString* error) const;

    // Registers the public keys on the signed-in profile unless they are there
    // already; registrationFinished() says how it went. Safe to call repeatedly.
    void registerKeys();
    bool areKeysRegistered() const { return m_registered; }

    static QString sha256Hex(QByteArrayView bytes);

signals:
    void stateChanged();
    // Payload keys or grants changed.
    void entriesChanged();
    void operationFinished(taskdesk::models::KeyVault::Operation operation,
                           const taskdesk::crypto::Keystore::Result& result);
    void registrationFinished(bool ok, const QString& message);

private:
    void runInWorker(Operation operation, std::function<Result()> work);
    // Makes the console's X25519 and Ed25519 keys if the store lacks them.
    Result ensureIdentityKeys();
    std::optional<crypto::SigningKeyPair> signingKeyPair() const;
    void onKeysListed(const QJsonArray& keys);

    std::unique_ptr<crypto::Keystore> m_store;
    crypto::Keystore::Options m_options;
    std::optional<ApiRequests> m_api;
    QPointer<PagedListJob> m_listJob;
    QThread* m_worker = nullptr;
    int m_pendingRegistrations = 0;
    bool m_registered = false;
    bool m_busy = false;
};

} // namespace taskdesk::models
