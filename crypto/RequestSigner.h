#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace taskdesk::crypto {

// HMAC-SHA256 request signing as platform-api.md defines it (AI Credit Share
// style): X-Agent-Signature = hex(HMAC-SHA256(secret, canonical)), where
// canonical = timestamp "\n" METHOD "\n" path-with-query "\n" hex(SHA256(body)).
// The path-with-query is the request target exactly as sent, undecoded, and
// the key is the secret string's bytes. One implementation, used by the
// server to verify and by clients to sign, so the two cannot drift apart.
// Replay detection (the same signature twice in the window) needs state and
// belongs to the server.
class RequestSigner
{
public:
    static constexpr int kWindowSeconds = 300;

    static std::string canonicalString(std::string_view timestamp, std::string_view method,
                                       std::string_view target, std::string_view body);
    // Lower-case hex.
    static std::string sign(std::string_view secret, std::string_view timestamp, std::string_view method,
                            std::string_view target, std::string_view body);

    enum class Check
    {
        Ok,
        BadTimestamp, // not unix seconds
        Stale,        // more than the window away from now, either way
        BadSignature, // wrong, tampered, or not 64 hex digits
    };
    // Checks the timestamp first (cheap), then the signature in constant time.
    static Check verify(std::string_view secret, std::string_view timestamp, std::string_view method,
                        std::string_view target, std::string_view body, std::string_view signatureHex,
                        std::int64_t nowUnixSeconds, int windowSeconds = kWindowSeconds);
};

} // namespace taskdesk::crypto
