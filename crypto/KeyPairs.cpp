#include "KeyPairs.h"

#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

static_assert(BoxKeyPair::kPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(BoxKeyPair::kSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(SigningKeyPair::kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(SigningKeyPair::kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(SigningKeyPair::kSeedBytes == crypto_sign_SEEDBYTES);
static_assert(SigningKeyPair::kSignatureBytes == crypto_sign_BYTES);

namespace {
const unsigned char* u8(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char*>(v.data());
}
} // namespace

BoxKeyPair BoxKeyPair::generate()
{
    detail::ensureSodium();
    BoxKeyPair pair;
    pair.publicKey = QByteArray(crypto_box_PUBLICKEYBYTES, '\0');
    pair.secretKey = SecureBuffer(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.publicKey.data()), pair.secretKey.data());
    return pair;
}

std::optional<BoxKeyPair> BoxKeyPair::fromSecret(SecureBuffer secret)
{
    detail::ensureSodium();
    if (secret.size() != crypto_box_SECRETKEYBYTES)
        return std::nullopt;
    BoxKeyPair pair;
    pair.publicKey = QByteArray(crypto_box_PUBLICKEYBYTES, '\0');
    if (crypto_scalarmult_base(reinterpret_cast<unsigned char*>(pair.publicKey.data()), secret.data()) != 0)
        return std::nullopt;
    pair.secretKey = std::move(secret);
    return pair;
}

SigningKeyPair SigningKeyPair::generate()
{
    detail::ensureSodium();
    SigningKeyPair pair;
    pair.publicKey = QByteArray(crypto_sign_PUBLICKEYBYTES, '\0');
    pair.secretKey = SecureBuffer(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pair.publicKey.data()), pair.secretKey.data());
    return pair;
}

std::optional<SigningKeyPair> SigningKeyPair::fromSecret(SecureBuffer secret)
{
    detail::ensureSodium();
    if (secret.size() != crypto_sign_SEEDBYTES && secret.size() != crypto_sign_SECRETKEYBYTES)
        return std::nullopt;
    SigningKeyPair pair;
    pair.publicKey = QByteArray(crypto_sign_PUBLICKEYBYTES, '\0');
    pair.secretKey = SecureBuffer(crypto_sign_SECRETKEYBYTES);
    // The first 32 bytes are the seed in both forms.
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pair.publicKey.data()), pair.secretKey.data(),
                             secret.data());
    if (secret.size() == crypto_sign_SECRETKEYBYTES &&
        sodium_memcmp(secret.data() + crypto_sign_SEEDBYTES, pair.publicKey.constData(),
                      crypto_sign_PUBLICKEYBYTES) != 0)
        return std::nullopt; // a 64-byte key whose public half does not belong to its seed
    return pair;
}

SecureBuffer SigningKeyPair::seed() const
{
    if (secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return {};
    return SecureBuffer::copyOf(secretKey.data(), crypto_sign_SEEDBYTES);
}

QByteArray SigningKeyPair::sign(QByteArrayView message) const
{
    if (secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return {};
    QByteArray sig(crypto_sign_BYTES, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, u8(message),
                         std::size_t(message.size()), secretKey.data());
    return sig;
}

bool SigningKeyPair::verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature)
{
    detail::ensureSodium();
    if (std::size_t(publicKey.size()) != crypto_sign_PUBLICKEYBYTES ||
        std::size_t(signature.size()) != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(u8(signature), u8(message), std::size_t(message.size()),
                                       u8(publicKey)) == 0;
}

QString keyFingerprint(QByteArrayView publicKey)
{
    if (publicKey.isEmpty())
        return {};
    detail::ensureSodium();
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, u8(publicKey), static_cast<unsigned long long>(publicKey.size()));
    static const char digits[] = "0123456789ABCDEF";
    QString out;
    for (int i = 0; i < 16; ++i) {
        if (i > 0 && i % 2 == 0)
            out += QLatin1Char(' ');
        out += QLatin1Char(digits[hash[i] >> 4]);
        out += QLatin1Char(digits[hash[i] & 0x0f]);
    }
    return out;
}

} // namespace taskdesk::crypto
