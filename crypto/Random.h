#pragma once

#include <cstddef>
#include <string>

namespace taskdesk::crypto {

// Cryptographically secure randomness from libsodium.
class Random
{
public:
    static void fill(void* buffer, std::size_t size);
    // size random bytes as lower-case hex (2 * size characters).
    static std::string hex(std::size_t size);
    // size random bytes in unpadded base64url.
    static std::string base64url(std::size_t size);
    // A code of length characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    static std::string code(std::size_t length);
    static unsigned uniform(unsigned upperBound);
};

} // namespace taskdesk::crypto
