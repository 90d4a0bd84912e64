#include "KeyVault.h"

#include "EntityJob.h"
#include "GrantSignature.h"
#include "ModelsLogging.h"
#include "PagedListJob.h"
#include "PublicKeyJobs.h"
#include "SealedBox.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QThread>

namespace taskdesk::models {

using crypto::Keystore;
using crypto::SecureBuffer;

namespace {

const QString kBoxKeyName = QStringLiteral("console/box-key");
const QString kSigningKeyName = QStringLiteral("console/signing-key");
const QString kPurposeEncryption = QStringLiteral("encryption");
const QString kPurposeSigning = QStringLiteral("signing");

Keystore::Result error(Keystore::Result::Error code, const QString& message)
{
    Keystore::Result r;
    r.error = code;
    r.message = message;
    return r;
}

QByteArray publicKeyOf(const Keystore& store, const QString& name)
{
    const auto e = store.entry(name);
    return e ? QByteArray::fromBase64(e->meta.value(QLatin1String("publicKey")).toString().toLatin1())
             : QByteArray();
}

} // namespace

KeyVault::KeyVault(QString filePath, Keystore::Options options, QObject* parent)
    : QObject(parent), m_store(std::make_unique<Keystore>(std::move(filePath), options)), m_options(options)
{}

KeyVault::~KeyVault()
{
    // A worker still deriving a key holds a pointer to the store: let it end
    // (a second at most) before the store goes.
    if (m_worker) {
        m_worker->wait();
        delete m_worker;
    }
    m_store->lock();
}

bool KeyVault::setFilePath(const QString& filePath, Keystore::Options options)
{
    if (m_busy || m_store->isUnlocked())
        return false;
    m_options = options;
    m_store = std::make_unique<Keystore>(filePath, m_options);
    emit stateChanged();
    return true;
}

QString KeyVault::filePath() const
{
    return m_store->filePath();
}

void KeyVault::setApi(const ApiRequests& api)
{
    m_api = api;
}

bool KeyVault::exists() const
{
    return m_store->exists();
}

bool KeyVault::isUnlocked() const
{
    return !m_busy && m_store->isUnlocked();
}

void KeyVault::runInWorker(Operation operation, std::function<Result()> work)
{
    if (m_busy) {
        emit operationFinished(operation, error(Keystore::Result::Error::InvalidArgument,
                                                tr("The keystore is busy with another operation; try again "
                                                   "in a moment.")));
        return;
    }
    m_busy = true;
    emit stateChanged();
    auto result = std::make_shared<Result>();
    QThread* thread = QThread::create([work = std::move(work), result] { *result = work(); });
    m_worker = thread;
    connect(thread, &QThread::finished, this, [this, thread, operation, result] {
        thread->deleteLater();
        m_worker = nullptr;
        m_busy = false;
        if (result->error != Keystore::Result::Error::None)
            qCInfo(lcModelsSession) << "keystore operation" << operation << "failed:" << int(result->error);
        emit operationFinished(operation, *result);
        emit stateChanged();
        emit entriesChanged();
        if (*result && (operation == Operation::Create || operation == Operation::Unlock))
            registerKeys();
    });
    thread->start();
}

void KeyVault::create(SecureBuffer passphrase)
{
    // The keys folder is the user's alone, like the file in it.
    const QFileInfo file(m_store->filePath());
    if (!file.dir().exists()) {
        QDir().mkpath(file.absolutePath());
        QFile::setPermissions(file.absolutePath(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    Keystore* store = m_store.get();
    auto pass = std::make_shared<SecureBuffer>(std::move(passphrase));
    runInWorker(Operation::Create, [this, store, pass]() -> Result {
        Result r = store->create(*pass);
        *pass = SecureBuffer();
        if (!r)
            return r;
        return ensureIdentityKeys();
    });
}

void KeyVault::unlock(SecureBuffer passphrase)
{
    Keystore* store = m_store.get();
    auto pass = std::make_shared<SecureBuffer>(std::move(passphrase));
    runInWorker(Operation::Unlock, [this, store, pass]() -> Result {
        Result r = store->unlock(*pass);
        *pass = SecureBuffer();
        if (!r)
            return r;
        // A keystore restored from another machine or made by an older console
        // may lack the console's own keys: make them now, once.
        return ensureIdentityKeys();
    });
}

void KeyVault::exportBackup(const QString& path, SecureBuffer backupPassphrase)
{
    Keystore* store = m_store.get();
    auto pass = std::make_shared<SecureBuffer>(std::move(backupPassphrase));
    runInWorker(Operation::ExportBackup, [store, pass, path]() -> Result {
        Result r = store->exportBackup(path, *pass);
        *pass = SecureBuffer();
        return r;
    });
}

void KeyVault::importBackup(const QString& path, SecureBuffer backupPassphrase)
{
    Keystore* store = m_store.get();
    auto pass = std::make_shared<SecureBuffer>(std::move(backupPassphrase));
    runInWorker(Operation::ImportBackup, [store, pass, path]() -> Result {
        Result r = store->importBackup(path, *pass);
        *pass = SecureBuffer();
        return r;
    });
}

void KeyVault::changePassphrase(SecureBuffer newPassphrase)
{
    Keystore* store = m_store.get();
    auto pass = std::make_shared<SecureBuffer>(std::move(newPassphrase));
    runInWorker(Operation::ChangePassphrase, [store, pass]() -> Result {
        Result r = store->changePassphrase(*pass);
        *pass = SecureBuffer();
        return r;
    });
}

void KeyVault::lock()
{
    if (m_busy)
        return;
    const bool was = m_store->isUnlocked();
    m_store->lock();
    m_registered = false;
    if (was) {
        emit stateChanged();
        emit entriesChanged();
    }
}

Keystore::Result KeyVault::ensureIdentityKeys()
{
    Keystore& store = *m_store;
    if (!store.entry(kBoxKeyName)) {
        crypto::BoxKeyPair pair = crypto::BoxKeyPair::generate();
        Result r = store.put(
            kBoxKeyName, QString::fromLatin1(Keystore::kKindBoxKey), pair.secretKey,
            QJsonObject{{QStringLiteral("publicKey"), QString::fromLatin1(pair.publicKey.toBase64())}});
        if (!r)
            return r;
    }
    if (!store.entry(kSigningKeyName)) {
        crypto::SigningKeyPair pair = crypto::SigningKeyPair::generate();
        Result r = store.put(
            kSigningKeyName, QString::fromLatin1(Keystore::kKindSigningKey), pair.seed(),
            QJsonObject{{QStringLiteral("publicKey"), QString::fromLatin1(pair.publicKey.toBase64())}});
        if (!r)
            return r;
    }
    return {};
}

QByteArray KeyVault::signingPublicKey() const
{
    return isUnlocked() ? publicKeyOf(*m_store, kSigningKeyName) : QByteArray();
}

QByteArray KeyVault::boxPublicKey() const
{
    return isUnlocked() ? publicKeyOf(*m_store, kBoxKeyName) : QByteArray();
}

std::optional<crypto::SigningKeyPair> KeyVault::signingKeyPair() const
{
    if (!isUnlocked())
        return std::nullopt;
    std::optional<SecureBuffer> seed = m_store->secret(kSigningKeyName);
    if (!seed)
        return std::nullopt;
    return crypto::SigningKeyPair::fromSecret(std::move(*seed));
}

QString KeyVault::sha256Hex(QByteArrayView bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

QList<KeyVault::PayloadKeyInfo> KeyVault::payloadKeys(const QString& profileId) const
{
    QList<PayloadKeyInfo> out;
    if (!isUnlocked())
        return out;
    for (const Keystore::Entry& e : m_store->entries(QString::fromLatin1(Keystore::kKindPayloadKey))) {
        PayloadKeyInfo info;
        info.taskId = e.name;
        info.title = e.meta.value(QLatin1String("title")).toString();
        info.profileId = e.meta.value(QLatin1String("profileId")).toString();
        if (!profileId.isEmpty() && !info.profileId.isEmpty() && info.profileId != profileId)
            continue;
        info.createdAt = e.createdAt;
        for (const QJsonValue& f : e.meta.value(QLatin1String("fields")).toArray())
            info.fields << f.toString();
        info.ciphertextSha256 = e.meta.value(QLatin1String("ciphertextSha256")).toString();
        info.grants = e.meta.value(QLatin1String("grants")).toArray();
        out << info;
    }
    std::sort(out.begin(), out.end(),
              [](const PayloadKeyInfo& a, const PayloadKeyInfo& b) { return a.createdAt > b.createdAt; });
    return out;
}

std::optional<KeyVault::PayloadKeyInfo> KeyVault::payloadKeyInfo(const QString& taskId) const
{
    for (const PayloadKeyInfo& info : payloadKeys())
        if (info.taskId == taskId)
            return info;
    return std::nullopt;
}

bool KeyVault::hasPayloadKey(const QString& taskId) const
{
    if (!isUnlocked())
        return false;
    const auto e = m_store->entry(taskId);
    return e && e->kind == QLatin1String(Keystore::kKindPayloadKey);
}

std::optional<SecureBuffer> KeyVault::payloadKey(const QString& taskId) const
{
    if (!hasPayloadKey(taskId))
        return std::nullopt;
    return m_store->secret(taskId);
}

Keystore::Result KeyVault::storePayloadKey(const QString& taskId, const QString& title,
                                           const SecureBuffer& key, const QByteArray& ciphertext,
                                           const QStringList& fields, const QString& profileId)
{
    if (m_busy)
        return error(Keystore::Result::Error::Locked, tr("The keystore is busy; try again in a moment."));
    if (!m_store->isUnlocked())
        return error(Keystore::Result::Error::Locked, tr("The keystore is locked. Unlock it first."));
    const QJsonObject meta{{QStringLiteral("taskId"), taskId},
                           {QStringLiteral("title"), title},
                           {QStringLiteral("profileId"), profileId},
                           {QStringLiteral("fields"), QJsonArray::fromStringList(fields)},
                           {QStringLiteral("ciphertextSha256"), sha256Hex(ciphertext)},
                           {QStringLiteral("grants"), QJsonArray()}};
    Result r = m_store->put(taskId, QString::fromLatin1(Keystore::kKindPayloadKey), key, meta);
    if (r)
        emit entriesChanged();
    return r;
}

Keystore::Result KeyVault::recordGrant(const QString& taskId, const QString& requestId,
                                       const QString& agentId, const QString& agentLabel)
{
    if (!hasPayloadKey(taskId))
        return error(Keystore::Result::Error::NotFound, tr("This keystore has no key for that task."));
    const auto e = m_store->entry(taskId);
    std::optional<SecureBuffer> key = m_store->secret(taskId);
    if (!e || !key)
        return error(Keystore::Result::Error::NotFound, tr("This keystore has no key for that task."));
    QJsonObject meta = e->meta;
    QJsonArray grants = meta.value(QLatin1String("grants")).toArray();
    for (const QJsonValue& g : std::as_const(grants))
        if (g.toObject().value(QLatin1String("requestId")).toString() == requestId)
            return {};
    grants.append(QJsonObject{
        {QStringLiteral("requestId"), requestId},
        {QStringLiteral("agentId"), agentId},
        {QStringLiteral("agentLabel"), agentLabel},
        {QStringLiteral("grantedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}});
    meta.insert(QStringLiteral("grants"), grants);
    Result r = m_store->put(taskId, e->kind, *key, meta);
    if (r)
        emit entriesChanged();
    return r;
}

std::optional<KeyVault::Grant> KeyVault::makeGrant(const QString& taskId, const QByteArray& ciphertext,
                                                   const QByteArray& agentPublicKey, QString* why) const
{
    auto fail = [why](const QString& message) -> std::optional<Grant> {
        if (why)
            *why = message;
        return std::nullopt;
    };
    if (!isUnlocked())
        return fail(tr("The keystore is locked. Unlock it to grant access."));
    const auto info = payloadKeyInfo(taskId);
    std::optional<SecureBuffer> key = payloadKey(taskId);
    if (!info || !key)
        return fail(tr("This keystore has no key for that task, so its protected fields cannot be shared "
                       "from here."));
    if (!info->ciphertextSha256.isEmpty() && info->ciphertextSha256 != sha256Hex(ciphertext))
        return fail(tr("The encrypted fields the server holds for this task are not the ones this console "
                       "posted. Nothing was granted; check the server before sharing the key."));
    if (agentPublicKey.size() != qsizetype(crypto::BoxKeyPair::kPublicKeyBytes))
        return fail(tr("The agent's public key is not a 32-byte X25519 key."));
    std::optional<crypto::SigningKeyPair> signer = signingKeyPair();
    if (!signer)
        return fail(tr("The keystore has no signing key."));
    Grant g;
    g.sealedKey = crypto::SealedBox::seal(*key, agentPublicKey);
    if (g.sealedKey.isEmpty())
        return fail(tr("The agent's public key cannot be used for sealing."));
    g.signature = crypto::GrantSignature::sign(*signer, taskId, ciphertext, g.sealedKey);
    if (g.signature.isEmpty())
        return fail(tr("The grant could not be signed."));
    return g;
}

void KeyVault::registerKeys()
{
    if (!m_api || !m_api->isSignedIn() || !isUnlocked() || m_listJob || m_pendingRegistrations > 0)
        return;
    m_registered = false; // until this profile's list says so
    m_listJob = PublicKeyJobs(*m_api).list();
    connect(m_listJob, &PagedListJob::pageReceived, this,
            [this](const QJsonArray& items, const QString&) { onKeysListed(items); });
    connect(m_listJob, &ApiJob::failed, this, [this](const ApiError& e) {
        m_registered = false;
        emit registrationFinished(false, tr("Could not read your registered keys: %1").arg(e.message()));
    });
    m_listJob->start();
}

void KeyVault::onKeysListed(const QJsonArray& keys)
{
    struct Wanted
    {
        QString purpose, algorithm, label;
        QByteArray publicKey;
    };
    const QList<Wanted> wanted{
        {kPurposeSigning, QStringLiteral("ed25519"), tr("TaskDesk console signing key"), signingPublicKey()},
        {kPurposeEncryption, QStringLiteral("x25519"), tr("TaskDesk console encryption key"), boxPublicKey()},
    };
    QList<Wanted> missing;
    for (const Wanted& w : wanted) {
        if (w.publicKey.isEmpty())
            continue;
        bool found = false;
        for (const QJsonValue& v : keys) {
            const QJsonObject k = v.toObject();
            if (k.value(QLatin1String("purpose")).toString() == w.purpose &&
                k.value(QLatin1String("publicKey")).toString() == QString::fromLatin1(w.publicKey.toBase64()))
                found = true;
        }
        if (!found)
            missing << w;
    }
    if (missing.isEmpty()) {
        m_registered = true;
        emit registrationFinished(true, {});
        return;
    }
    m_pendingRegistrations = int(missing.size());
    auto failed = std::make_shared<QString>();
    for (const Wanted& w : missing) {
        EntityJob* job = PublicKeyJobs(*m_api).add(w.label, w.purpose, w.algorithm, w.publicKey.toBase64());
        auto done = [this, failed] {
            if (--m_pendingRegistrations > 0)
                return;
            m_registered = failed->isEmpty();
            if (m_registered)
                qCInfo(lcModelsSession) << "console public keys registered";
            emit registrationFinished(m_registered, *failed);
        };
        connect(job, &EntityJob::received, this, done);
        connect(job, &ApiJob::failed, this, [this, failed, done](const ApiError& e) {
            *failed = tr("Could not register the console's public key: %1").arg(e.message());
            done();
        });
        job->start();
    }
}

} // namespace taskdesk::models
