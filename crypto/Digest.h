#pragma once

#include <string>
#include <string_view>

namespace taskdesk::crypto {

// Message digests and MACs (OpenSSL). Results are lower-case hex.
class Digest
{
public:
    static std::string sha256Hex(std::string_view data);
    static std::string hmacSha256Hex(std::string_view key, std::string_view data);
    // Constant-time comparison of two equal-length strings; false when lengths differ.
    static bool equalConstantTime(std::string_view a, std::string_view b);
};

} // namespace taskdesk::crypto
