#include "Base64.h"

#include "SodiumInit.h"

#include <sodium.h>

namespace taskdesk::crypto {

QByteArray Base64::encode(QByteArrayView bytes)
{
    detail::ensureSodium();
    const auto variant = sodium_base64_VARIANT_ORIGINAL;
    const std::size_t len = sodium_base64_encoded_len(std::size_t(bytes.size()), variant);
    QByteArray out(qsizetype(len), '\0');
    sodium_bin2base64(out.data(), len, reinterpret_cast<const unsigned char*>(bytes.data()),
                      std::size_t(bytes.size()), variant);
    out.chop(1); // the terminating NUL
    return out;
}

std::optional<QByteArray> Base64::decode(QByteArrayView text)
{
    detail::ensureSodium();
    QByteArray out(text.size() / 4 * 3 + 3, '\0');
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), std::size_t(out.size()), text.data(),
                          std::size_t(text.size()), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
        return std::nullopt;
    if (end != text.data() + text.size())
        return std::nullopt;
    out.truncate(qsizetype(len));
    return out;
}

std::optional<QByteArray> Base64::decodeExact(QByteArrayView text, std::size_t expectedBytes)
{
    auto bytes = decode(text);
    if (!bytes || std::size_t(bytes->size()) != expectedBytes)
        return std::nullopt;
    return bytes;
}

} // namespace taskdesk::crypto
