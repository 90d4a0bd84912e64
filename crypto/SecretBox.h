#pragma once

#include "SecureBuffer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace taskdesk::crypto {

// Symmetric encryption for the server's secrets at rest (API secrets, webhook
// secrets in the database). Blob layout:
//   version (1 byte, kVersion) || nonce (24 bytes) || XChaCha20-Poly1305-IETF ciphertext+tag
// The version byte is part of the associated data, so it cannot be swapped. Pass a
// stable context (e.g. "api_keys.secret:" + keyId) as associatedData so that a blob
// copied to another row does not decrypt there.
class SecretBox
{
public:
    static constexpr unsigned char kVersion = 1;
    static constexpr std::size_t kKeyBytes = 32;
    static constexpr std::size_t kNonceBytes = 24;
    static constexpr std::size_t kOverhead = 1 + 24 + 16;

    // Empty when key32 is not 32 bytes.
    static QByteArray encrypt(const SecureBuffer& key32, QByteArrayView plaintext,
                              QByteArrayView associatedData = {});
    // nullopt on a wrong key, wrong associated data, unknown version, or damage.
    static std::optional<SecureBuffer> decrypt(const SecureBuffer& key32, QByteArrayView blob,
                                               QByteArrayView associatedData = {});
};

} // namespace taskdesk::crypto
