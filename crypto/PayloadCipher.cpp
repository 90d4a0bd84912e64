#include "PayloadCipher.h"

#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

static_assert(PayloadCipher::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(PayloadCipher::kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(PayloadCipher::kTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

SecureBuffer PayloadCipher::newKey()
{
    return SecureBuffer::random(kKeyBytes);
}

PayloadCipher::Sealed PayloadCipher::encrypt(const SecureBuffer& key, const SecureBuffer& plaintext)
{
    detail::ensureSodium();
    if (key.size() != kKeyBytes)
        return {};
    Sealed out;
    out.nonce = QByteArray(kNonceBytes, '\0');
    // A random 192-bit nonce: collisions are negligible even over billions of messages,
    // which is the point of the X variant.
    randombytes_buf(out.nonce.data(), kNonceBytes);
    out.ciphertext = QByteArray(qsizetype(plaintext.size() + kTagBytes), '\0');
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(out.ciphertext.data()), &len, plaintext.data(), plaintext.size(),
        nullptr, 0, nullptr, reinterpret_cast<const unsigned char*>(out.nonce.constData()), key.data());
    return out;
}

std::optional<SecureBuffer> PayloadCipher::decrypt(const SecureBuffer& key, QByteArrayView nonce,
                                                   QByteArrayView ciphertext)
{
    detail::ensureSodium();
    if (key.size() != kKeyBytes || std::size_t(nonce.size()) != kNonceBytes ||
        std::size_t(ciphertext.size()) < kTagBytes)
        return std::nullopt;
    SecureBuffer out(std::size_t(ciphertext.size()) - kTagBytes);
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.data(), &len, nullptr, reinterpret_cast<const unsigned char*>(ciphertext.data()),
            std::size_t(ciphertext.size()), nullptr, 0, reinterpret_cast<const unsigned char*>(nonce.data()),
            key.data()) != 0)
        return std::nullopt;
    return out;
}

} // namespace taskdesk::crypto
