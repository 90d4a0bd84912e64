#include "RequestSigner.h"

#include "Digest.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace taskdesk::crypto {

std::string RequestSigner::canonicalString(std::string_view timestamp, std::string_view method,
                                           std::string_view target, std::string_view body)
{
    std::string out;
    out.reserve(timestamp.size() + method.size() + target.size() + 67);
    out.append(timestamp).append("\n").append(method).append("\n").append(target).append("\n");
    out.append(Digest::sha256Hex(body));
    return out;
}

std::string RequestSigner::sign(std::string_view secret, std::string_view timestamp, std::string_view method,
                                std::string_view target, std::string_view body)
{
    return Digest::hmacSha256Hex(secret, canonicalString(timestamp, method, target, body));
}

RequestSigner::Check RequestSigner::verify(std::string_view secret, std::string_view timestamp,
                                           std::string_view method, std::string_view target,
                                           std::string_view body, std::string_view signatureHex,
                                           std::int64_t nowUnixSeconds, int windowSeconds)
{
    // Unix seconds: 1 to 12 digits, nothing else (no sign, no spaces, no fraction).
    if (timestamp.empty() || timestamp.size() > 12 ||
        !std::all_of(timestamp.begin(), timestamp.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return Check::BadTimestamp;
    std::int64_t ts = 0;
    std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
    const std::int64_t skew = ts > nowUnixSeconds ? ts - nowUnixSeconds : nowUnixSeconds - ts;
    if (skew > windowSeconds)
        return Check::Stale;
    // Hex is compared in lower case; the length check is not secret.
    std::string given(signatureHex);
    std::transform(given.begin(), given.end(), given.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (given.size() != 64)
        return Check::BadSignature;
    const std::string expected = sign(secret, timestamp, method, target, body);
    return Digest::equalConstantTime(expected, given) ? Check::Ok : Check::BadSignature;
}

} // namespace taskdesk::crypto
