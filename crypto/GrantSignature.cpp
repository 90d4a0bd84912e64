#include "GrantSignature.h"

#include "Base64.h"
#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

QByteArray GrantSignature::message(const QString& taskId, QByteArrayView ciphertext, QByteArrayView sealedKey)
{
    detail::ensureSodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(ciphertext.data()),
                       std::size_t(ciphertext.size()));
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest); // lower-case

    QByteArray out(kDomain);
    out += '\n';
    out += taskId.toUtf8();
    out += '\n';
    out += QByteArrayView(hex, crypto_hash_sha256_BYTES * 2);
    out += '\n';
    out += Base64::encode(sealedKey);
    return out;
}

QByteArray GrantSignature::sign(const SigningKeyPair& publisher, const QString& taskId,
                                QByteArrayView ciphertext, QByteArrayView sealedKey)
{
    return publisher.sign(message(taskId, ciphertext, sealedKey));
}

bool GrantSignature::verify(QByteArrayView publisherPublicKey, const QString& taskId,
                            QByteArrayView ciphertext, QByteArrayView sealedKey, QByteArrayView signature)
{
    return SigningKeyPair::verify(publisherPublicKey, message(taskId, ciphertext, sealedKey), signature);
}

} // namespace taskdesk::crypto
