#include "HandoffBundle.h"

#include "Base64.h"
#include "SealedBox.h"
#include "SodiumInit.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <sodium.h>

namespace taskdesk::crypto {

namespace {

using Failure = HandoffBundle::Failure;
using Protection = HandoffBundle::Protection;

constexpr char kAlg[] = "xchacha20poly1305-ietf";
constexpr char kKdf[] = "argon2id13";
constexpr char kKeyCheckContext[] = "taskdesk-bundle-key-check-v1";
constexpr std::size_t kKeyCheckBytes = 16;
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
// Refused above libsodium's SENSITIVE, so a hostile file cannot make open() allocate
// gigabytes or run for minutes before it says "wrong passphrase".
constexpr quint64 kMaxOps = 4 * crypto_pwhash_OPSLIMIT_SENSITIVE;
constexpr quint64 kMaxMem = crypto_pwhash_MEMLIMIT_SENSITIVE;

QLatin1StringView key(const char* s)
{
    return QLatin1StringView(s);
}

QByteArray associatedData(quint64 ops, quint64 mem, const QByteArray& saltB64)
{
    return QByteArray("taskdesk-bundle-v1|") + QByteArray::number(ops) + '|' + QByteArray::number(mem) + '|' +
           saltB64;
}

QByteArray keyCheck(const SecureBuffer& derived)
{
    QByteArray out(kKeyCheckBytes, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), kKeyCheckBytes,
                       reinterpret_cast<const unsigned char*>(kKeyCheckContext), sizeof kKeyCheckContext - 1,
                       derived.data(), derived.size());
    return out;
}

bool derive(const SecureBuffer& passphrase, const QByteArray& salt, quint64 ops, quint64 mem,
            SecureBuffer& out)
{
    out = SecureBuffer(kKeyBytes);
    return crypto_pwhash(out.data(), kKeyBytes, passphrase.constChar(), passphrase.size(),
                         reinterpret_cast<const unsigned char*>(salt.constData()), ops, std::size_t(mem),
                         crypto_pwhash_ALG_ARGON2ID13) == 0;
}

QByteArray protectWith(const SecureBuffer& bundleJson, const SecureBuffer& passphrase, quint64 ops,
                       quint64 mem)
{
    detail::ensureSodium();
    if (passphrase.isEmpty())
        return {};
    QByteArray salt(crypto_pwhash_SALTBYTES, '\0');
    randombytes_buf(salt.data(), std::size_t(salt.size()));
    SecureBuffer derived;
    if (!derive(passphrase, salt, ops, mem, derived))
        return {};
    QByteArray nonce(kNonceBytes, '\0');
    randombytes_buf(nonce.data(), kNonceBytes);
    const QByteArray saltB64 = Base64::encode(salt);
    const QByteArray ad = associatedData(ops, mem, saltB64);
    QByteArray ct(qsizetype(bundleJson.size() + kTagBytes), '\0');
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(ct.data()), &len, bundleJson.data(), bundleJson.size(),
        reinterpret_cast<const unsigned char*>(ad.constData()), std::size_t(ad.size()), nullptr,
        reinterpret_cast<const unsigned char*>(nonce.constData()), derived.data());
    QJsonObject o{
        {key("format"), key(HandoffBundle::kFormat)},
        {key("version"), HandoffBundle::kVersion},
        {key("protection"), key("passphrase")},
        {key("kdf"), key(kKdf)},
        // As numbers: both limits fit a double exactly (they are far below 2^53).
        {key("opslimit"), double(ops)},
        {key("memlimit"), double(mem)},
        {key("salt"), QString::fromLatin1(saltB64)},
        {key("keyCheck"), QString::fromLatin1(Base64::encode(keyCheck(derived)))},
        {key("alg"), key(kAlg)},
        {key("nonce"), QString::fromLatin1(Base64::encode(nonce))},
        {key("ciphertext"), QString::fromLatin1(Base64::encode(ct))},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

// The outer document of a protected bundle holds no secret, so QJsonDocument is fine
// for it. A plain bundle is the secret itself: parsing it to recognise it leaves
// copies in Qt's heap that cannot be wiped, which is one more reason to prefer the
// protected forms.
std::optional<QJsonObject> parseObject(QByteArrayView content)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(content.toByteArray(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

Protection classify(const QJsonObject& o)
{
    if (o.value(key("format")).toString() == key(HandoffBundle::kFormat)) {
        const QString p = o.value(key("protection")).toString();
        if (p == key("sealed"))
            return Protection::Sealed;
        if (p == key("passphrase"))
            return Protection::Passphrase;
        return Protection::Unknown;
    }
    if (o.value(key("version")).toInt() == 1 && o.value(key("tokenValue")).isString())
        return Protection::Plain;
    return Protection::Unknown;
}

HandoffBundle::Opened failed(Failure failure, Protection protection, const QString& message)
{
    HandoffBundle::Opened o;
    o.ok = false;
    o.failure = failure;
    o.protection = protection;
    o.error = message;
    return o;
}

HandoffBundle::Opened damaged(Protection p)
{
    return failed(
        Failure::Damaged, p,
        QStringLiteral("The bundle file is damaged (a field is missing, malformed or was altered). Ask "
                       "the operator for a fresh copy."));
}

HandoffBundle::Opened succeeded(Protection p, SecureBuffer json)
{
    HandoffBundle::Opened o;
    o.ok = true;
    o.failure = Failure::None;
    o.protection = p;
    o.json = std::move(json);
    return o;
}

std::optional<QByteArray> b64Field(const QJsonObject& o, const char* name)
{
    const QJsonValue v = o.value(key(name));
    if (!v.isString())
        return std::nullopt;
    return Base64::decode(v.toString().toLatin1());
}

HandoffBundle::Opened openSealed(const QJsonObject& o, const BoxKeyPair* boxKey)
{
    if (!boxKey)
        return failed(Failure::NeedsKey, Protection::Sealed,
                      QStringLiteral("This bundle is sealed to an agent's key. Open it with the agent whose "
                                     "public key it was sealed to."));
    const auto recipient = b64Field(o, "recipientPublicKey");
    const auto sealed = b64Field(o, "sealed");
    if (!recipient || recipient->size() != qsizetype(BoxKeyPair::kPublicKeyBytes) || !sealed)
        return damaged(Protection::Sealed);
    // The recipient field is not authenticated; it only lets the message say "another
    // key" instead of "damaged". An altered field at worst changes which message shows.
    if (*recipient != boxKey->publicKey)
        return failed(
            Failure::WrongKey, Protection::Sealed,
            QStringLiteral("This bundle was sealed to a different agent key, so this agent cannot open "
                           "it. Ask the operator to seal it to this agent's public key."));
    auto opened = SealedBox::open(*sealed, *boxKey);
    if (!opened)
        return damaged(Protection::Sealed);
    return succeeded(Protection::Sealed, std::move(*opened));
}

HandoffBundle::Opened openProtected(const QJsonObject& o, const SecureBuffer* passphrase)
{
    if (o.value(key("kdf")).toString() != key(kKdf) || o.value(key("alg")).toString() != key(kAlg))
        return failed(Failure::UnsupportedVersion, Protection::Passphrase,
                      QStringLiteral("This bundle uses an algorithm this version of TaskDesk does not know. "
                                     "Update TaskDesk to open it."));
    if (!passphrase)
        return failed(
            Failure::NeedsPassphrase, Protection::Passphrase,
            QStringLiteral("This bundle is protected by a passphrase. Enter the passphrase the operator "
                           "gave you."));
    const QJsonValue opsV = o.value(key("opslimit"));
    const QJsonValue memV = o.value(key("memlimit"));
    const auto salt = b64Field(o, "salt");
    const auto check = b64Field(o, "keyCheck");
    const auto nonce = b64Field(o, "nonce");
    const auto ct = b64Field(o, "ciphertext");
    if (!opsV.isDouble() || !memV.isDouble() || !salt || salt->size() != crypto_pwhash_SALTBYTES || !check ||
        check->size() != qsizetype(kKeyCheckBytes) || !nonce || nonce->size() != qsizetype(kNonceBytes) ||
        !ct || ct->size() < qsizetype(kTagBytes))
        return damaged(Protection::Passphrase);
    const double opsD = opsV.toDouble();
    const double memD = memV.toDouble();
    if (opsD < double(crypto_pwhash_OPSLIMIT_MIN) || opsD > double(kMaxOps) ||
        memD < double(crypto_pwhash_MEMLIMIT_MIN) || memD > double(kMaxMem) ||
        opsD != double(quint64(opsD)) || memD != double(quint64(memD)))
        return damaged(Protection::Passphrase);
    const quint64 ops = quint64(opsD);
    const quint64 mem = quint64(memD);

    SecureBuffer derived;
    if (!derive(*passphrase, *salt, ops, mem, derived))
        return failed(
            Failure::Damaged, Protection::Passphrase,
            QStringLiteral("There is not enough memory to check the passphrase. Close other programs "
                           "and try again."));
    const QByteArray mine = keyCheck(derived);
    if (sodium_memcmp(mine.constData(), check->constData(), kKeyCheckBytes) != 0)
        return failed(Failure::WrongPassphrase, Protection::Passphrase,
                      QStringLiteral("The passphrase does not open this bundle. Check it (and the keyboard "
                                     "layout) and try again."));
    // The salt's own base64 text, re-encoded canonically, is what was authenticated.
    const QByteArray ad = associatedData(ops, mem, Base64::encode(*salt));
    SecureBuffer plain(std::size_t(ct->size()) - kTagBytes);
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain.data(), &len, nullptr, reinterpret_cast<const unsigned char*>(ct->constData()),
            std::size_t(ct->size()), reinterpret_cast<const unsigned char*>(ad.constData()),
            std::size_t(ad.size()), reinterpret_cast<const unsigned char*>(nonce->constData()),
            derived.data()) != 0)
        return damaged(Protection::Passphrase);
    return succeeded(Protection::Passphrase, std::move(plain));
}

} // namespace

SecureBuffer HandoffBundle::plain(const SecureBuffer& bundleJson)
{
    return SecureBuffer::copyOf(bundleJson.data(), bundleJson.size());
}

QByteArray HandoffBundle::sealTo(const SecureBuffer& bundleJson, QByteArrayView agentPublicKey)
{
    const QByteArray sealed = SealedBox::seal(bundleJson, agentPublicKey);
    if (sealed.isEmpty())
        return {};
    QJsonObject o{
        {key("format"), key(kFormat)},
        {key("version"), kVersion},
        {key("protection"), key("sealed")},
        {key("recipientPublicKey"), QString::fromLatin1(Base64::encode(agentPublicKey))},
        {key("sealed"), QString::fromLatin1(Base64::encode(sealed))},
    };
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

QByteArray HandoffBundle::protect(const SecureBuffer& bundleJson, const SecureBuffer& passphrase)
{
    return protectWith(bundleJson, passphrase, crypto_pwhash_OPSLIMIT_MODERATE,
                       crypto_pwhash_MEMLIMIT_MODERATE);
}

QByteArray HandoffBundle::protectFast(const SecureBuffer& bundleJson, const SecureBuffer& passphrase)
{
    return protectWith(bundleJson, passphrase, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                       crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

HandoffBundle::Protection HandoffBundle::detect(QByteArrayView fileContent)
{
    const auto o = parseObject(fileContent);
    return o ? classify(*o) : Protection::Unknown;
}

HandoffBundle::Opened HandoffBundle::open(QByteArrayView fileContent, const BoxKeyPair* boxKey,
                                          const SecureBuffer* passphrase)
{
    detail::ensureSodium();
    const auto o = parseObject(fileContent);
    if (!o)
        return failed(
            Failure::NotABundle, Protection::Unknown,
            QStringLiteral("This file is not a TaskDesk handoff bundle (it is not a JSON object)."));
    if (o->value(key("format")).toString() == key(kFormat) && o->value(key("version")).toInt() != kVersion)
        return failed(
            Failure::UnsupportedVersion, Protection::Unknown,
            QStringLiteral("This bundle was made by a newer version of TaskDesk. Update TaskDesk to "
                           "open it."));
    switch (classify(*o)) {
    case Protection::Plain:
        return succeeded(Protection::Plain, SecureBuffer::copyOf(fileContent));
    case Protection::Sealed:
        return openSealed(*o, boxKey);
    case Protection::Passphrase:
        return openProtected(*o, passphrase);
    case Protection::Unknown:
        break;
    }
    return failed(Failure::NotABundle, Protection::Unknown,
                  QStringLiteral("This file is not a TaskDesk handoff bundle. Choose the bundle file the "
                                 "operator gave you."));
}

} // namespace taskdesk::crypto
