#pragma once

#include "SecureBuffer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace taskdesk::crypto {

// The protected-payload cipher of platform-api.md ("Protected payloads"):
// XChaCha20-Poly1305-IETF with a random 32-byte key per task and a random 24-byte
// nonce, no associated data, so that any libsodium client (the agent, python-nacl)
// can decrypt with the key and nonce alone. The plaintext by convention is the UTF-8
// JSON object of the protected fields {"name": "value", ...}.
class PayloadCipher
{
public:
    static constexpr const char* kAlgorithm = "xchacha20poly1305-ietf";
    static constexpr std::size_t kKeyBytes = 32;
    static constexpr std::size_t kNonceBytes = 24;
    static constexpr std::size_t kTagBytes = 16;

    static SecureBuffer newKey();

    struct Sealed
    {
        QByteArray nonce;      // 24 bytes
        QByteArray ciphertext; // plaintext length + 16-byte tag
    };
    // Empty Sealed (both fields empty) when the key is not 32 bytes.
    static Sealed encrypt(const SecureBuffer& key, const SecureBuffer& plaintext);
    // nullopt on a wrong key, a tampered nonce or ciphertext, or wrong lengths.
    static std::optional<SecureBuffer> decrypt(const SecureBuffer& key, QByteArrayView nonce,
                                               QByteArrayView ciphertext);
};

} // namespace taskdesk::crypto
