#pragma once

#include "KeyPairs.h"
#include "SecureBuffer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace taskdesk::crypto {

// Anonymous public-key encryption (libsodium crypto_box_seal): X25519 ephemeral key,
// XSalsa20-Poly1305. Used to hand a payload key to one agent. It does not say who
// sealed it; GrantSignature adds the publisher's signature for that.
class SealedBox
{
public:
    // 48 bytes of overhead (ephemeral public key + MAC) on top of the message.
    static constexpr std::size_t kOverhead = 48;

    // Empty result when recipientPublicKey is not 32 bytes or is a low-order point.
    static QByteArray seal(const SecureBuffer& message, QByteArrayView recipientPublicKey);
    // nullopt when the box was not sealed to this key, was altered, or is too short.
    static std::optional<SecureBuffer> open(QByteArrayView sealed, const BoxKeyPair& recipient);
};

} // namespace taskdesk::crypto
