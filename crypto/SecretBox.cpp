#include "SecretBox.h"

#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

static_assert(SecretBox::kNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(SecretBox::kOverhead ==
              1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES);

namespace {
// The version byte is bound to the ciphertext by prefixing it to the caller's
// associated data, so a blob cannot be replayed under another format's rules.
QByteArray fullAd(unsigned char version, QByteArrayView associatedData)
{
    QByteArray ad;
    ad.reserve(associatedData.size() + 1);
    ad += char(version);
    ad += associatedData;
    return ad;
}
} // namespace

QByteArray SecretBox::encrypt(const SecureBuffer& key32, QByteArrayView plaintext,
                              QByteArrayView associatedData)
{
    detail::ensureSodium();
    if (key32.size() != kKeyBytes)
        return {};
    QByteArray out(qsizetype(std::size_t(plaintext.size()) + kOverhead), '\0');
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    p[0] = kVersion;
    randombytes_buf(p + 1, kNonceBytes);
    const QByteArray ad = fullAd(kVersion, associatedData);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        p + 1 + kNonceBytes, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
        std::size_t(plaintext.size()), reinterpret_cast<const unsigned char*>(ad.constData()),
        std::size_t(ad.size()), nullptr, p + 1, key32.data());
    return out;
}

std::optional<SecureBuffer> SecretBox::decrypt(const SecureBuffer& key32, QByteArrayView blob,
                                               QByteArrayView associatedData)
{
    detail::ensureSodium();
    if (key32.size() != kKeyBytes || std::size_t(blob.size()) < kOverhead)
        return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data());
    if (p[0] != kVersion)
        return std::nullopt;
    const QByteArray ad = fullAd(p[0], associatedData);
    SecureBuffer out(std::size_t(blob.size()) - kOverhead);
    unsigned long long len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &len, nullptr, p + 1 + kNonceBytes,
                                                   std::size_t(blob.size()) - 1 - kNonceBytes,
                                                   reinterpret_cast<const unsigned char*>(ad.constData()),
                                                   std::size_t(ad.size()), p + 1, key32.data()) != 0)
        return std::nullopt;
    return out;
}

} // namespace taskdesk::crypto
