#include "SealedBox.h"

#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

static_assert(SealedBox::kOverhead == crypto_box_SEALBYTES);

QByteArray SealedBox::seal(const SecureBuffer& message, QByteArrayView recipientPublicKey)
{
    detail::ensureSodium();
    if (std::size_t(recipientPublicKey.size()) != crypto_box_PUBLICKEYBYTES)
        return {};
    QByteArray out(qsizetype(message.size() + crypto_box_SEALBYTES), '\0');
    // Fails (-1) on a low-order public key, whose shared secret would be all zeros.
    if (crypto_box_seal(reinterpret_cast<unsigned char*>(out.data()), message.data(), message.size(),
                        reinterpret_cast<const unsigned char*>(recipientPublicKey.data())) != 0)
        return {};
    return out;
}

std::optional<SecureBuffer> SealedBox::open(QByteArrayView sealed, const BoxKeyPair& recipient)
{
    detail::ensureSodium();
    if (std::size_t(sealed.size()) < crypto_box_SEALBYTES ||
        std::size_t(recipient.publicKey.size()) != crypto_box_PUBLICKEYBYTES ||
        recipient.secretKey.size() != crypto_box_SECRETKEYBYTES)
        return std::nullopt;
    SecureBuffer out(std::size_t(sealed.size()) - crypto_box_SEALBYTES);
    if (crypto_box_seal_open(out.data(), reinterpret_cast<const unsigned char*>(sealed.data()),
                             std::size_t(sealed.size()),
                             reinterpret_cast<const unsigned char*>(recipient.publicKey.constData()),
                             recipient.secretKey.data()) != 0)
        return std::nullopt;
    return out;
}

} // namespace taskdesk::crypto
