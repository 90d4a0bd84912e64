#include "Keystore.h"

#include "SodiumInit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>
#include <cstring>
#include <map>
#include <sodium.h>
#include <vector>

Q_LOGGING_CATEGORY(lcKeystore, "taskdesk.crypto.keystore", QtInfoMsg)

namespace taskdesk::crypto {

namespace {

using Error = Keystore::Result::Error;

constexpr quint16 kKindKeystore = 1;
constexpr quint16 kKindBackup = 2;
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr char kKeyCheckContext[] = "taskdesk-keystore-key-check-v1";
constexpr char kPlainMagic[] = "TDKE"; // start of the decrypted entry list

// Header field offsets; see the layout in Keystore.h.
constexpr std::size_t kOffVersion = 4;
constexpr std::size_t kOffKind = 6;
constexpr std::size_t kOffAlg = 8;
constexpr std::size_t kOffOps = 12;
constexpr std::size_t kOffMem = 20;
constexpr std::size_t kOffSalt = 28;
constexpr std::size_t kOffCheck = kOffSalt + Keystore::kSaltBytes;
constexpr std::size_t kOffNonce = kOffCheck + Keystore::kKeyCheckBytes;
constexpr std::size_t kOffLength = kOffNonce + Keystore::kNonceBytes;
static_assert(kOffLength + 4 == Keystore::kHeaderBytes);
static_assert(Keystore::kSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(Keystore::kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);

// Larger parameters than libsodium's SENSITIVE are refused, so that a damaged or
// hostile header cannot make unlock() try to allocate gigabytes or run for minutes.
constexpr quint64 kMaxOps = 4 * crypto_pwhash_OPSLIMIT_SENSITIVE;
constexpr quint64 kMaxMem = crypto_pwhash_MEMLIMIT_SENSITIVE;

template <typename T> void putLe(unsigned char* p, T v)
{
    for (std::size_t i = 0; i < sizeof(T); ++i)
        p[i] = static_cast<unsigned char>((quint64(v) >> (8 * i)) & 0xff);
}

template <typename T> T getLe(const unsigned char* p)
{
    quint64 v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        v |= quint64(p[i]) << (8 * i);
    return static_cast<T>(v);
}

struct KdfParams
{
    quint32 alg = crypto_pwhash_ALG_ARGON2ID13;
    quint64 ops = crypto_pwhash_OPSLIMIT_MODERATE;
    quint64 mem = crypto_pwhash_MEMLIMIT_MODERATE;
    unsigned char salt[Keystore::kSaltBytes] = {};
};

KdfParams freshParams(Keystore::KdfStrength strength)
{
    KdfParams p;
    if (strength == Keystore::KdfStrength::Interactive) {
        p.ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        p.mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    }
    randombytes_buf(p.salt, sizeof p.salt);
    return p;
}

bool deriveKey(const SecureBuffer& passphrase, const KdfParams& params, SecureBuffer& key)
{
    key = SecureBuffer(kKeyBytes);
    return crypto_pwhash(key.data(), kKeyBytes, passphrase.constChar(), passphrase.size(), params.salt,
                         params.ops, std::size_t(params.mem), int(params.alg)) == 0;
}

void keyCheck(const SecureBuffer& key, unsigned char out[Keystore::kKeyCheckBytes])
{
    crypto_generichash(out, Keystore::kKeyCheckBytes,
                       reinterpret_cast<const unsigned char*>(kKeyCheckContext), sizeof kKeyCheckContext - 1,
                       key.data(), key.size());
}

QString fileName(const QString& path)
{
    return QFileInfo(path).fileName();
}

Keystore::Result fail(Error error, const QString& message)
{
    Keystore::Result r;
    r.error = error;
    r.message = message;
    return r;
}

// One entry as held in memory while the store is unlocked.
struct Stored
{
    Keystore::Entry entry;
    SecureBuffer secret;
};

using EntryMap = std::map<QString, Stored>;

// Plaintext layout: "TDKE" | u32 count | per entry: u32 len + UTF-8 name | u32 len +
// UTF-8 kind | i64 createdAt (ms since epoch, UTC) | u32 len + compact JSON meta |
// u32 len + secret bytes. Built and parsed in secure memory so the secrets are
// never in an ordinary heap block.
SecureBuffer serialize(const std::vector<const Stored*>& list)
{
    struct Texts
    {
        QByteArray name, kind, meta;
    };
    std::vector<Texts> texts;
    texts.reserve(list.size());
    std::size_t total = 8;
    for (const Stored* s : list) {
        Texts t{s->entry.name.toUtf8(), s->entry.kind.toUtf8(),
                QJsonDocument(s->entry.meta).toJson(QJsonDocument::Compact)};
        total += 4 + std::size_t(t.name.size()) + 4 + std::size_t(t.kind.size()) + 8 + 4 +
                 std::size_t(t.meta.size()) + 4 + s->secret.size();
        texts.push_back(std::move(t));
    }
    SecureBuffer out(total);
    unsigned char* p = out.data();
    std::memcpy(p, kPlainMagic, 4);
    putLe<quint32>(p + 4, quint32(list.size()));
    p += 8;
    auto putBytes = [&p](const void* data, std::size_t n) {
        putLe<quint32>(p, quint32(n));
        if (n)
            std::memcpy(p + 4, data, n);
        p += 4 + n;
    };
    for (std::size_t i = 0; i < list.size(); ++i) {
        putBytes(texts[i].name.constData(), std::size_t(texts[i].name.size()));
        putBytes(texts[i].kind.constData(), std::size_t(texts[i].kind.size()));
        putLe<qint64>(p, list[i]->entry.createdAt.toMSecsSinceEpoch());
        p += 8;
        putBytes(texts[i].meta.constData(), std::size_t(texts[i].meta.size()));
        putBytes(list[i]->secret.data(), list[i]->secret.size());
    }
    Q_ASSERT(p == out.data() + total);
    return out;
}

bool parse(const SecureBuffer& plain, EntryMap& out)
{
    const unsigned char* p = plain.data();
    const unsigned char* end = p + plain.size();
    if (plain.size() < 8 || std::memcmp(p, kPlainMagic, 4) != 0)
        return false;
    const quint32 count = getLe<quint32>(p + 4);
    p += 8;
    auto take = [&p, end](const unsigned char*& data, std::size_t& n) {
        if (end - p < 4)
            return false;
        n = getLe<quint32>(p);
        p += 4;
        if (std::size_t(end - p) < n)
            return false;
        data = p;
        p += n;
        return true;
    };
    for (quint32 i = 0; i < count; ++i) {
        const unsigned char *name, *kind, *meta, *secret;
        std::size_t nameLen, kindLen, metaLen, secretLen;
        if (!take(name, nameLen) || !take(kind, kindLen) || end - p < 8)
            return false;
        const qint64 created = getLe<qint64>(p);
        p += 8;
        if (!take(meta, metaLen) || !take(secret, secretLen))
            return false;
        Stored s;
        s.entry.name = QString::fromUtf8(reinterpret_cast<const char*>(name), qsizetype(nameLen));
        s.entry.kind = QString::fromUtf8(reinterpret_cast<const char*>(kind), qsizetype(kindLen));
        s.entry.createdAt = QDateTime::fromMSecsSinceEpoch(created, Qt::UTC);
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(
            QByteArray(reinterpret_cast<const char*>(meta), qsizetype(metaLen)), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject() || s.entry.name.isEmpty())
            return false;
        s.entry.meta = doc.object();
        s.secret = SecureBuffer::copyOf(secret, secretLen);
        const QString key = s.entry.name;
        if (!out.emplace(key, std::move(s)).second)
            return false; // a name twice: not something this code writes
    }
    return p == end;
}

// What a successfully opened file yields.
struct Opened
{
    KdfParams params;
    SecureBuffer key;
    EntryMap entries;
    quint16 kind = 0;
};

Keystore::Result openFile(const QString& path, const SecureBuffer& passphrase, bool acceptKeystore,
                          bool acceptBackup, Opened& out)
{
    detail::ensureSodium();
    const QString name = fileName(path);
    const QString what = acceptKeystore ? QStringLiteral("keystore") : QStringLiteral("backup");
    const QString restore =
        acceptKeystore
            ? QStringLiteral("Nothing was changed; restore it from a backup or from %1.previous.").arg(name)
            : QStringLiteral("Nothing was changed; use another copy of the backup.");

    QFile file(path);
    if (!file.exists())
        return fail(Error::NotFound, QStringLiteral("There is no %1 file at %2.").arg(what, path));
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::Io, QStringLiteral("Could not read %1: %2. Check that the file is readable.")
                                   .arg(path, file.errorString()));
    // A file chosen by mistake (a video, a disk image) is refused on its first bytes
    // rather than read whole into memory.
    const QByteArray head = file.peek(4);
    if (head.size() == 4 && head != QByteArrayView(Keystore::kMagic, 4))
        return fail(Error::NotAKeystore,
                    QStringLiteral("%1 is not a TaskDesk %2 file. Choose another file.").arg(name, what));
    const QByteArray bytes = file.readAll(); // ciphertext only: nothing secret yet
    const auto* b = reinterpret_cast<const unsigned char*>(bytes.constData());
    const std::size_t size = std::size_t(bytes.size());

    const QByteArrayView magic(Keystore::kMagic, 4);
    if (size < 4) {
        // An empty file or a prefix of the magic is most likely an interrupted copy.
        if (magic.startsWith(QByteArrayView(bytes)))
            return fail(Error::Truncated,
                        QStringLiteral("The %1 file %2 is incomplete (it ends inside its header). "
                                       "%3")
                            .arg(what, name, restore));
        return fail(Error::NotAKeystore,
                    QStringLiteral("%1 is not a TaskDesk %2 file. Choose another file.").arg(name, what));
    }
    if (QByteArrayView(bytes).first(4) != magic)
        return fail(Error::NotAKeystore,
                    QStringLiteral("%1 is not a TaskDesk %2 file. Choose another file.").arg(name, what));
    if (size < kOffKind)
        return fail(Error::Truncated,
                    QStringLiteral("The %1 file %2 is incomplete (it ends inside its header). %3")
                        .arg(what, name, restore));
    const quint16 version = getLe<quint16>(b + kOffVersion);
    if (version != Keystore::kFormatVersion)
        return fail(
            Error::UnsupportedVersion,
            QStringLiteral("The %1 file %2 has format version %3, which this version of TaskDesk cannot "
                           "read. Update TaskDesk to open it; nothing was changed.")
                .arg(what, name)
                .arg(version));
    if (size < Keystore::kHeaderBytes)
        return fail(Error::Truncated,
                    QStringLiteral("The %1 file %2 is incomplete (it ends inside its header). %3")
                        .arg(what, name, restore));

    const quint16 kind = getLe<quint16>(b + kOffKind);
    if (kind == kKindBackup && !acceptBackup)
        return fail(Error::NotAKeystore,
                    QStringLiteral("%1 is a keystore backup, not a keystore. Use \"Import "
                                   "backup\" to bring its entries into your keystore.")
                        .arg(name));
    if (kind == kKindKeystore && !acceptKeystore)
        return fail(
            Error::NotAKeystore,
            QStringLiteral("%1 is a keystore, not a keystore backup. Choose a backup file.").arg(name));
    if (kind != kKindKeystore && kind != kKindBackup)
        return fail(Error::Corrupted,
                    QStringLiteral("The %1 file %2 is damaged (its header is not valid). %3")
                        .arg(what, name, restore));

    KdfParams params;
    params.alg = getLe<quint32>(b + kOffAlg);
    params.ops = getLe<quint64>(b + kOffOps);
    params.mem = getLe<quint64>(b + kOffMem);
    std::memcpy(params.salt, b + kOffSalt, sizeof params.salt);
    if (params.alg != crypto_pwhash_ALG_ARGON2ID13)
        return fail(
            Error::UnsupportedVersion,
            QStringLiteral("The %1 file %2 uses a key derivation this version of TaskDesk does not know. "
                           "Update TaskDesk to open it; nothing was changed.")
                .arg(what, name));
    if (params.ops < crypto_pwhash_OPSLIMIT_MIN || params.ops > kMaxOps ||
        params.mem < crypto_pwhash_MEMLIMIT_MIN || params.mem > kMaxMem)
        return fail(Error::Corrupted,
                    QStringLiteral("The %1 file %2 is damaged (its header is not valid). %3")
                        .arg(what, name, restore));

    const quint32 ctLen = getLe<quint32>(b + kOffLength);
    if (size - Keystore::kHeaderBytes < ctLen)
        return fail(
            Error::Truncated,
            QStringLiteral("The %1 file %2 is incomplete (it is shorter than it says it is, perhaps from an "
                           "interrupted copy). %3")
                .arg(what, name, restore));
    if (size - Keystore::kHeaderBytes > ctLen || ctLen < kTagBytes)
        return fail(Error::Corrupted,
                    QStringLiteral("The %1 file %2 is damaged (its length does not match its "
                                   "header). %3")
                        .arg(what, name, restore));

    SecureBuffer key;
    if (!deriveKey(passphrase, params, key))
        return fail(Error::Io,
                    QStringLiteral("There is not enough memory to open the %1 (the passphrase check "
                                   "needs %2 MiB). Close other programs and try again.")
                        .arg(what)
                        .arg(params.mem / (1024 * 1024)));
    unsigned char check[Keystore::kKeyCheckBytes];
    keyCheck(key, check);
    // Compared before decrypting: a mismatch means the passphrase is wrong, whereas a
    // match followed by a failed decryption means the file is damaged.
    if (sodium_memcmp(check, b + kOffCheck, sizeof check) != 0)
        return fail(
            Error::WrongPassphrase,
            QStringLiteral("The passphrase is not correct for the %1 %2. Nothing was changed; check the "
                           "passphrase (and the keyboard layout) and try again.")
                .arg(what, name));

    SecureBuffer plain(ctLen - kTagBytes);
    unsigned long long plainLen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &plainLen, nullptr,
                                                   b + Keystore::kHeaderBytes, ctLen, b,
                                                   Keystore::kHeaderBytes, b + kOffNonce, key.data()) != 0)
        return fail(Error::Corrupted,
                    QStringLiteral("The %1 file %2 is damaged (it failed its integrity check). %3")
                        .arg(what, name, restore));
    EntryMap entries;
    if (!parse(plain, entries))
        return fail(Error::Corrupted,
                    QStringLiteral("The %1 file %2 is damaged (its contents are not readable). %3")
                        .arg(what, name, restore));

    out.params = params;
    out.key = std::move(key);
    out.entries = std::move(entries);
    out.kind = kind;
    return {};
}

// The whole file: header (associated data) + ciphertext of the serialized entries.
QByteArray sealFile(quint16 kind, const KdfParams& params, const SecureBuffer& key, const SecureBuffer& plain)
{
    const std::size_t ctLen = plain.size() + kTagBytes;
    QByteArray out(qsizetype(Keystore::kHeaderBytes + ctLen), '\0');
    auto* b = reinterpret_cast<unsigned char*>(out.data());
    std::memcpy(b, Keystore::kMagic, 4);
    putLe<quint16>(b + kOffVersion, Keystore::kFormatVersion);
    putLe<quint16>(b + kOffKind, kind);
    putLe<quint32>(b + kOffAlg, params.alg);
    putLe<quint64>(b + kOffOps, params.ops);
    putLe<quint64>(b + kOffMem, params.mem);
    std::memcpy(b + kOffSalt, params.salt, sizeof params.salt);
    keyCheck(key, b + kOffCheck);
    randombytes_buf(b + kOffNonce, Keystore::kNonceBytes);
    putLe<quint32>(b + kOffLength, quint32(ctLen));
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(b + Keystore::kHeaderBytes, &len, plain.data(), plain.size(),
                                               b, Keystore::kHeaderBytes, nullptr, b + kOffNonce, key.data());
    return out;
}

QByteArray readFileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// QSaveFile: the content goes to a temporary file beside the target, is flushed, and
// only then renamed over it, so a crash or a full disk leaves the old file intact.
bool saveAtomically(const QString& path, const QByteArray& content, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = file.errorString();
        return false;
    }
    // Before any content is written, so the bytes are never readable by others.
    if (!file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        *error = QStringLiteral("cannot restrict the file's permissions");
        file.cancelWriting();
        return false;
    }
    if (file.write(content) != content.size()) {
        *error = file.errorString();
        file.cancelWriting();
        return false;
    }
    if (!file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

// Keeps the version being replaced as <file>.previous, so a bad write or a mistaken
// removal can be undone by hand, then replaces the file. A copy rather than a rename:
// the keystore file itself never disappears, even between the two steps.
Keystore::Result writeKeystore(const QString& path, const QString& previousPath,
                               const std::vector<const Stored*>& list, const KdfParams& params,
                               const SecureBuffer& key)
{
    const QByteArray content = sealFile(kKindKeystore, params, key, serialize(list));
    QString why;
    QFile current(path);
    if (current.exists()) {
        if (!current.open(QIODevice::ReadOnly))
            return fail(Error::Io,
                        QStringLiteral("Could not read the keystore %1 to keep a copy: %2. Nothing was "
                                       "changed.")
                            .arg(path, current.errorString()));
        const QByteArray old = current.readAll();
        current.close();
        if (!saveAtomically(previousPath, old, &why))
            return fail(Error::Io,
                        QStringLiteral("Could not write %1: %2. Nothing was changed; check that the "
                                       "folder is writable and the disk is not full.")
                            .arg(previousPath, why));
    }
    if (!saveAtomically(path, content, &why))
        return fail(Error::Io,
                    QStringLiteral("Could not write the keystore %1: %2. Nothing was changed; check "
                                   "that the folder is writable and the disk is not full.")
                        .arg(path, why));
    return {};
}

} // namespace

struct Keystore::State
{
    KdfParams params;
    SecureBuffer key;
    EntryMap entries;
};

Keystore::Keystore(QString filePath) : Keystore(std::move(filePath), Options{}) {}

Keystore::Keystore(QString filePath, Options options) : m_filePath(std::move(filePath)), m_options(options) {}

Keystore::~Keystore() = default;

bool Keystore::exists() const
{
    return QFileInfo::exists(m_filePath);
}

Keystore::Result Keystore::create(const SecureBuffer& passphrase)
{
    detail::ensureSodium();
    if (passphrase.isEmpty())
        return fail(Error::InvalidArgument, QStringLiteral("Choose a passphrase for the keystore."));
    if (exists())
        return fail(Error::AlreadyExists,
                    QStringLiteral("A keystore already exists at %1. Unlock it instead, or "
                                   "move it away first if you really want a new one.")
                        .arg(m_filePath));
    const QFileInfo info(m_filePath);
    if (!info.absoluteDir().exists()) {
        if (!QDir().mkpath(info.absolutePath()))
            return fail(Error::Io,
                        QStringLiteral("Could not create the folder %1 for the keystore. Check that "
                                       "its parent folder is writable.")
                            .arg(info.absolutePath()));
        QFile::setPermissions(info.absolutePath(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    auto state = std::make_unique<State>();
    state->params = freshParams(m_options.kdf);
    if (!deriveKey(passphrase, state->params, state->key))
        return fail(Error::Io,
                    QStringLiteral("There is not enough memory to protect the keystore. Close other "
                                   "programs and try again."));
    const QByteArray content = sealFile(kKindKeystore, state->params, state->key, serialize({}));
    QString why;
    if (!saveAtomically(m_filePath, content, &why))
        return fail(Error::Io,
                    QStringLiteral("Could not write the keystore %1: %2. Check that the folder exists "
                                   "and is writable.")
                        .arg(m_filePath, why));
    m_state = std::move(state);
    qCDebug(lcKeystore) << "created keystore" << fileName(m_filePath);
    return {};
}

Keystore::Result Keystore::unlock(const SecureBuffer& passphrase)
{
    Opened opened;
    Result r = openFile(m_filePath, passphrase, true, false, opened);
    if (!r) {
        qCDebug(lcKeystore) << "unlock refused:" << int(r.error);
        return r;
    }
    auto state = std::make_unique<State>();
    state->params = opened.params;
    state->key = std::move(opened.key);
    state->entries = std::move(opened.entries);
    m_state = std::move(state);
    return {};
}

void Keystore::lock()
{
    // Destroying the state frees every SecureBuffer, which wipes the derived key and
    // each secret (sodium_free zeroes before unmapping).
    m_state.reset();
}

bool Keystore::isUnlocked() const
{
    return bool(m_state);
}

QList<Keystore::Entry> Keystore::entries(const QString& kind) const
{
    QList<Entry> out;
    if (!m_state)
        return out;
    for (const auto& [name, stored] : m_state->entries)
        if (kind.isEmpty() || stored.entry.kind == kind)
            out.append(stored.entry);
    return out;
}

std::optional<Keystore::Entry> Keystore::entry(const QString& name) const
{
    if (!m_state)
        return std::nullopt;
    const auto it = m_state->entries.find(name);
    if (it == m_state->entries.end())
        return std::nullopt;
    return it->second.entry;
}

std::optional<SecureBuffer> Keystore::secret(const QString& name) const
{
    if (!m_state)
        return std::nullopt;
    const auto it = m_state->entries.find(name);
    if (it == m_state->entries.end())
        return std::nullopt;
    return SecureBuffer::copyOf(it->second.secret.data(), it->second.secret.size());
}

namespace {
Keystore::Result lockedResult()
{
    return fail(Error::Locked,
                QStringLiteral("The keystore is locked. Unlock it with its passphrase first."));
}
} // namespace

Keystore::Result Keystore::put(const QString& name, const QString& kind, const SecureBuffer& secret,
                               const QJsonObject& meta)
{
    if (!m_state)
        return lockedResult();
    if (name.isEmpty() || kind.isEmpty())
        return fail(Error::InvalidArgument, QStringLiteral("A keystore entry needs a name and a kind."));
    Stored fresh;
    fresh.entry.name = name;
    fresh.entry.kind = kind;
    fresh.entry.meta = meta;
    fresh.entry.createdAt = QDateTime::currentDateTimeUtc();
    fresh.secret = SecureBuffer::copyOf(secret.data(), secret.size());

    std::vector<const Stored*> list;
    for (const auto& [n, s] : m_state->entries)
        if (n != name)
            list.push_back(&s);
    list.push_back(&fresh);
    Result r = writeKeystore(m_filePath, previousFilePath(), list, m_state->params, m_state->key);
    if (!r)
        return r;
    m_state->entries.insert_or_assign(name, std::move(fresh));
    return {};
}

Keystore::Result Keystore::remove(const QString& name)
{
    if (!m_state)
        return lockedResult();
    if (m_state->entries.find(name) == m_state->entries.end())
        return fail(Error::NotFound, QStringLiteral("The keystore has no entry named %1.").arg(name));
    std::vector<const Stored*> list;
    for (const auto& [n, s] : m_state->entries)
        if (n != name)
            list.push_back(&s);
    Result r = writeKeystore(m_filePath, previousFilePath(), list, m_state->params, m_state->key);
    if (!r)
        return r;
    m_state->entries.erase(name);
    return {};
}

Keystore::Result Keystore::changePassphrase(const SecureBuffer& newPassphrase)
{
    if (!m_state)
        return lockedResult();
    if (newPassphrase.isEmpty())
        return fail(Error::InvalidArgument, QStringLiteral("Choose a new passphrase for the keystore."));
    KdfParams params = freshParams(m_options.kdf);
    SecureBuffer key;
    if (!deriveKey(newPassphrase, params, key))
        return fail(Error::Io,
                    QStringLiteral("There is not enough memory to protect the keystore. Close other "
                                   "programs and try again."));
    std::vector<const Stored*> list;
    for (const auto& [n, s] : m_state->entries)
        list.push_back(&s);
    Result r = writeKeystore(m_filePath, previousFilePath(), list, params, key);
    if (!r)
        return r;
    m_state->params = params;
    m_state->key = std::move(key);
    // Someone who changes a passphrase may do so because the old one leaked: the prior
    // version must not stay beside the keystore under it. The copy becomes the new file.
    QString why;
    if (!saveAtomically(previousFilePath(), readFileBytes(m_filePath), &why) &&
        !QFile::remove(previousFilePath())) {
        Result warn;
        warn.message =
            QStringLiteral("The passphrase was changed, but %1 still opens with the old passphrase "
                           "and could not be replaced (%2). Delete it by hand.")
                .arg(previousFilePath(), why);
        return warn;
    }
    return {};
}

Keystore::Result Keystore::exportBackup(const QString& backupPath, const SecureBuffer& backupPassphrase) const
{
    if (!m_state)
        return lockedResult();
    if (backupPassphrase.isEmpty())
        return fail(Error::InvalidArgument, QStringLiteral("Choose a passphrase for the backup."));
    if (QFileInfo::exists(backupPath))
        return fail(Error::AlreadyExists,
                    QStringLiteral("%1 already exists. Choose another name for the backup.").arg(backupPath));
    KdfParams params = freshParams(m_options.kdf);
    SecureBuffer key;
    if (!deriveKey(backupPassphrase, params, key))
        return fail(Error::Io, QStringLiteral("There is not enough memory to protect the backup. Close other "
                                              "programs and try again."));
    std::vector<const Stored*> list;
    for (const auto& [n, s] : m_state->entries)
        list.push_back(&s);
    const QByteArray content = sealFile(kKindBackup, params, key, serialize(list));
    QString why;
    if (!saveAtomically(backupPath, content, &why))
        return fail(Error::Io, QStringLiteral("Could not write the backup %1: %2. Check that the folder is "
                                              "writable and the disk is not full.")
                                   .arg(backupPath, why));
    Result r;
    r.added = int(list.size());
    return r;
}

Keystore::Result Keystore::inspectBackup(const QString& backupPath, const SecureBuffer& backupPassphrase)
{
    Opened opened;
    Result r = openFile(backupPath, backupPassphrase, false, true, opened);
    if (r)
        r.added = int(opened.entries.size());
    return r;
}

Keystore::Result Keystore::importBackup(const QString& backupPath, const SecureBuffer& backupPassphrase)
{
    if (!m_state)
        return lockedResult();
    Opened opened;
    Result r = openFile(backupPath, backupPassphrase, false, true, opened);
    if (!r)
        return r;
    Result counts;
    std::vector<const Stored*> list;
    for (const auto& [n, s] : m_state->entries)
        list.push_back(&s);
    std::vector<QString> toAdd;
    for (const auto& [name, incoming] : opened.entries) {
        const auto it = m_state->entries.find(name);
        if (it == m_state->entries.end()) {
            list.push_back(&incoming);
            toAdd.push_back(name);
            ++counts.added;
        } else if (it->second.entry.kind == incoming.entry.kind &&
                   it->second.entry.meta == incoming.entry.meta &&
                   it->second.secret.equals(incoming.secret)) {
            ++counts.unchanged;
        } else {
            // Never overwrite what is here: the local entry may be newer than the backup.
            ++counts.skipped;
        }
    }
    if (counts.added > 0) {
        Result w = writeKeystore(m_filePath, previousFilePath(), list, m_state->params, m_state->key);
        if (!w)
            return w;
        for (const QString& name : toAdd)
            m_state->entries.insert_or_assign(name, std::move(opened.entries.at(name)));
    }
    counts.message = QStringLiteral("%1 added, %2 already there, %3 kept as they were (an entry of that name "
                                    "with different contents exists).")
                         .arg(counts.added)
                         .arg(counts.unchanged)
                         .arg(counts.skipped);
    return counts;
}

} // namespace taskdesk::crypto
