#include "Random.h"

#include <sodium.h>
#include <stdexcept>
#include <vector>

namespace taskdesk::crypto {

namespace {
void ensureSodium()
{
    static const int rc = sodium_init();
    if (rc < 0)
        throw std::runtime_error("libsodium failed to initialise");
}
} // namespace

void Random::fill(void* buffer, std::size_t size)
{
    ensureSodium();
    randombytes_buf(buffer, size);
}

std::string Random::hex(std::size_t size)
{
    std::vector<unsigned char> raw(size);
    fill(raw.data(), size);
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), raw.data(), raw.size());
    out.resize(size * 2);
    sodium_memzero(raw.data(), raw.size());
    return out;
}

std::string Random::base64url(std::size_t size)
{
    std::vector<unsigned char> raw(size);
    fill(raw.data(), size);
    const auto variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string out(sodium_base64_encoded_len(size, variant), '\0');
    sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), variant);
    out.resize(out.find('\0'));
    sodium_memzero(raw.data(), raw.size());
    return out;
}

std::string Random::code(std::size_t length)
{
    static constexpr char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    constexpr unsigned n = sizeof(alphabet) - 1;
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i)
        out.push_back(alphabet[uniform(n)]);
    return out;
}

unsigned Random::uniform(unsigned upperBound)
{
    ensureSodium();
    return randombytes_uniform(upperBound);
}

} // namespace taskdesk::crypto
