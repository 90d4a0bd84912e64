#include "PasswordHash.h"

#include <sodium.h>
#include <stdexcept>

namespace taskdesk::crypto {

std::string PasswordHash::hash(std::string_view password, Strength strength)
{
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    char out[crypto_pwhash_STRBYTES];
    const auto ops =
        strength == Strength::Moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const auto mem =
        strength == Strength::Moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("password hashing ran out of memory");
    return std::string(out);
}

bool PasswordHash::verify(const std::string& storedHash, std::string_view password)
{
    if (sodium_init() < 0)
        throw std::runtime_error("libsodium failed to initialise");
    return crypto_pwhash_str_verify(storedHash.c_str(), password.data(), password.size()) == 0;
}

} // namespace taskdesk::crypto
