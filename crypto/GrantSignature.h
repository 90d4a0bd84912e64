#pragma once

#include "KeyPairs.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace taskdesk::crypto {

// The publisher's Ed25519 signature over a protected-access grant. A sealed box does
// not authenticate its sender, so the agent checks this against the publisher's
// registered signing key before it trusts the payload. The signed message is the
// UTF-8 of
//   "taskdesk-grant-v1\n" + taskId + "\n" + hex(SHA-256(ciphertext)) + "\n" + base64(sealedKey)
// with lower-case hex and standard base64 with padding. ciphertext and sealedKey are
// the raw bytes (not their base64 text).
class GrantSignature
{
public:
    static constexpr const char* kDomain = "taskdesk-grant-v1";

    static QByteArray message(const QString& taskId, QByteArrayView ciphertext, QByteArrayView sealedKey);
    // 64-byte detached signature; empty if the key pair is empty.
    static QByteArray sign(const SigningKeyPair& publisher, const QString& taskId, QByteArrayView ciphertext,
                           QByteArrayView sealedKey);
    // False on any mismatch or malformed key/signature length.
    static bool verify(QByteArrayView publisherPublicKey, const QString& taskId, QByteArrayView ciphertext,
                       QByteArrayView sealedKey, QByteArrayView signature);
};

} // namespace taskdesk::crypto
