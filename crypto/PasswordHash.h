#pragma once

#include <string>
#include <string_view>

namespace taskdesk::crypto {

// Argon2id password hashing (libsodium crypto_pwhash_str).
class PasswordHash
{
public:
    enum class Strength
    {
        Interactive,
        Moderate
    };
    static std::string hash(std::string_view password, Strength strength = Strength::Interactive);
    static bool verify(const std::string& storedHash, std::string_view password);
};

} // namespace taskdesk::crypto
