#pragma once

#include "SecureBuffer.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace taskdesk::domain {

// Secrets the server must be able to read back (API secrets for HMAC, webhook
// secrets for signing deliveries) are kept in the database sealed under the
// server key, which lives in a file of its own (never in the database).
// A stored value is "sb1:" + base64(SecretBox blob); the context (e.g.
// "api_keys:ak_...") is the blob's associated data, so a value copied to
// another row or column does not open there.
class ServerSecrets
{
public:
    explicit ServerSecrets(crypto::SecureBuffer key);

    // Loads the 0600 32-byte key file at path, creating it on first start.
    // nullptr with a plain reason in *error (never key bytes) when it cannot.
    static std::shared_ptr<const ServerSecrets> load(const std::string& path, std::string* error);

    std::string seal(std::string_view plaintext, std::string_view context) const;
    // The plaintext of a sealed value; nullopt when it does not open (another
    // server key, another context, damage). A value stored before sealing was
    // introduced (no "sb1:" prefix) is returned as it is, so that rows written
    // by an older version keep working until they are sealed.
    std::optional<crypto::SecureBuffer> open(std::string_view stored, std::string_view context) const;
    static bool isSealed(std::string_view stored);

private:
    crypto::SecureBuffer m_key;
};

} // namespace taskdesk::domain
