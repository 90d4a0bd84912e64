#pragma once

#include "KeyPairs.h"
#include "SecureBuffer.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace taskdesk::crypto {

// The delegation bundle handed to an agent (platform-api.md, "Delegated access"), in
// one of three protections:
//  - plain: the bundle JSON object itself ({"version": 1, "tokenValue": ..., ...});
//  - sealed to the agent's X25519 public key:
//      {"format": "taskdesk-bundle", "version": 1, "protection": "sealed",
//       "recipientPublicKey": b64, "sealed": b64(crypto_box_seal(bundleJson))}
//  - passphrase-protected:
//      {"format": "taskdesk-bundle", "version": 1, "protection": "passphrase",
//       "kdf": "argon2id13", "opslimit": n, "memlimit": n, "salt": b64(16),
//       "keyCheck": b64(16), "alg": "xchacha20poly1305-ietf", "nonce": b64(24), "ciphertext": b64}
//    with Argon2id at MODERATE and the AEAD's associated data being the UTF-8 of
//    "taskdesk-bundle-v1|" + opslimit + "|" + memlimit + "|" + b64 salt, so that the
//    recorded parameters cannot be altered without detection. keyCheck is BLAKE2b-128
//    keyed with the derived key over a constant, so a wrong passphrase is told apart
//    from a damaged file (as in Keystore).
// All base64 is standard with padding. The files are JSON text in UTF-8.
class HandoffBundle
{
public:
    static constexpr const char* kFormat = "taskdesk-bundle";
    static constexpr int kVersion = 1;

    enum class Protection
    {
        Plain,
        Sealed,
        Passphrase,
        Unknown
    };

    // The plain file content: the bundle JSON as given (a copy in secure memory).
    static SecureBuffer plain(const SecureBuffer& bundleJson);
    // Empty when agentPublicKey is not a valid 32-byte X25519 key.
    static QByteArray sealTo(const SecureBuffer& bundleJson, QByteArrayView agentPublicKey);
    // Empty when the passphrase is empty. Takes about a second (Argon2id MODERATE).
    static QByteArray protect(const SecureBuffer& bundleJson, const SecureBuffer& passphrase);
    // Same, with INTERACTIVE parameters: for tests only.
    static QByteArray protectFast(const SecureBuffer& bundleJson, const SecureBuffer& passphrase);

    static Protection detect(QByteArrayView fileContent);

    enum class Failure
    {
        None,
        NeedsKey,           // sealed, and no key was given
        NeedsPassphrase,    // passphrase-protected, and no passphrase was given
        WrongKey,           // sealed to another key
        WrongPassphrase,    // the passphrase does not open it
        Damaged,            // a bundle file whose fields are malformed or altered
        NotABundle,         // not JSON, or not a bundle of any protection
        UnsupportedVersion, // a taskdesk-bundle of a version or algorithm this build does not know
    };
    struct Opened
    {
        bool ok = false;
        QString error;     // user-facing, plain, says what to do; never contains secrets
        SecureBuffer json; // the bundle JSON (UTF-8) when ok
        Failure failure = Failure::NotABundle;
        Protection protection = Protection::Unknown;
    };
    // A plain bundle is returned as is once it parses as a JSON object with "version": 1
    // and a "tokenValue". key/passphrase are only needed for those protections.
    static Opened open(QByteArrayView fileContent, const BoxKeyPair* key = nullptr,
                       const SecureBuffer* passphrase = nullptr);
};

} // namespace taskdesk::crypto
