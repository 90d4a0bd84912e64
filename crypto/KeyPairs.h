#pragma once

#include "SecureBuffer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <optional>

namespace taskdesk::crypto {

// An X25519 key pair for crypto_box / crypto_box_seal. The public key is 32 bytes,
// the secret key 32 bytes in secure memory.
struct BoxKeyPair
{
    static constexpr std::size_t kPublicKeyBytes = 32;
    static constexpr std::size_t kSecretKeyBytes = 32;

    QByteArray publicKey;
    SecureBuffer secretKey;

    static BoxKeyPair generate();
    // Recomputes the public key from a stored 32-byte secret key (the keystore keeps
    // only the secret). nullopt when the secret is not 32 bytes.
    static std::optional<BoxKeyPair> fromSecret(SecureBuffer secret);
};

// An Ed25519 signing key pair. The public key is 32 bytes; the secret key is kept
// as libsodium's 64-byte form (seed || public key) in secure memory.
struct SigningKeyPair
{
    static constexpr std::size_t kPublicKeyBytes = 32;
    static constexpr std::size_t kSeedBytes = 32;
    static constexpr std::size_t kSecretKeyBytes = 64;
    static constexpr std::size_t kSignatureBytes = 64;

    QByteArray publicKey;
    SecureBuffer secretKey;

    static SigningKeyPair generate();
    // From a 32-byte seed (RFC 8032's "secret key") or libsodium's 64-byte secret key;
    // with 64 bytes, the embedded public key must match the seed. nullopt otherwise.
    static std::optional<SigningKeyPair> fromSecret(SecureBuffer secret);
    // The 32-byte seed, which is what the keystore stores.
    SecureBuffer seed() const;

    // Detached 64-byte signature; empty if the pair is empty.
    QByteArray sign(QByteArrayView message) const;
    // False (never a crash) on a public key or signature of the wrong length.
    static bool verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature);
};

// A public key's fingerprint for people to compare out of band: the first 16 bytes
// of its SHA-256 as upper-case hex in groups of four ("1A2B 3C4D ..."). The
// publisher seals to whatever key the server reports for an agent; comparing this
// with what the agent prints is how a publisher notices a substituted key.
// Empty for an empty key.
QString keyFingerprint(QByteArrayView publicKey);

} // namespace taskdesk::crypto
