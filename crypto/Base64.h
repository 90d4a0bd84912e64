#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <optional>

namespace taskdesk::crypto {

// Standard base64 with padding (libsodium's sodium_bin2base64 / sodium_base642bin,
// sodium_base64_VARIANT_ORIGINAL), strict: no whitespace, no missing padding.
class Base64
{
public:
    static QByteArray encode(QByteArrayView bytes);
    // nullopt on anything that is not canonical standard base64.
    static std::optional<QByteArray> decode(QByteArrayView text);
    // Decodes and requires exactly expectedBytes (e.g. 32 for an X25519/Ed25519 public key).
    static std::optional<QByteArray> decodeExact(QByteArrayView text, std::size_t expectedBytes);
};

} // namespace taskdesk::crypto
