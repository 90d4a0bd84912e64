#pragma once

#include "SecureBuffer.h"

#include <QString>
#include <optional>

namespace taskdesk::crypto {

// The server's 32-byte master key for SecretBox, kept in a file of its own (never in
// the database it protects).
class ServerKey
{
public:
    static constexpr std::size_t kKeyBytes = 32;

    // Reads the key at path. When the file is missing, creates it atomically with 32
    // random bytes and mode 0600 (creating the parent directory, 0700, if needed).
    // Refuses, with a plain message in *error (never containing key bytes):
    // a file that is not exactly 32 bytes, a file readable or writable by group or
    // others, or one that cannot be read or written.
    static std::optional<SecureBuffer> loadOrCreate(const QString& path, QString* error = nullptr);
};

} // namespace taskdesk::crypto
