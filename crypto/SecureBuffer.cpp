#include "SecureBuffer.h"

#include "SodiumInit.h"

#include <cstring>
#include <new>
#include <sodium.h>
#include <stdexcept>
#include <utility>

namespace taskdesk::crypto {

namespace detail {
void ensureSodium()
{
    static const int rc = sodium_init();
    if (rc < 0)
        throw std::runtime_error("libsodium failed to initialise");
}
} // namespace detail

SecureBuffer::SecureBuffer(std::size_t size)
{
    if (size == 0)
        return;
    detail::ensureSodium();
    m_data = static_cast<unsigned char*>(sodium_malloc(size));
    if (!m_data)
        throw std::bad_alloc();
    sodium_memzero(m_data, size);
    m_size = size;
}

SecureBuffer::~SecureBuffer()
{
    if (m_data)
        sodium_free(m_data); // wipes before it unmaps; also lifts any mprotect
}

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0))
{}

SecureBuffer& SecureBuffer::operator=(SecureBuffer&& other) noexcept
{
    if (this != &other) {
        if (m_data)
            sodium_free(m_data);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecureBuffer SecureBuffer::copyOf(const void* data, std::size_t size)
{
    SecureBuffer out(size);
    if (size)
        std::memcpy(out.m_data, data, size);
    return out;
}

// Encodes UTF-16 to UTF-8 by hand so that the passphrase never sits in a QByteArray
// (QString::toUtf8 would leave an unwiped heap copy). Lone surrogates become '?', as
// QString::toUtf8 does in Qt 6.4, so the bytes match what any other Qt path produces.
SecureBuffer SecureBuffer::fromUtf8(const QString& text)
{
    const char16_t* s = reinterpret_cast<const char16_t*>(text.constData());
    const qsizetype n = text.size();
    auto codePointAt = [&](qsizetype& i) -> char32_t {
        const char16_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            const char32_t cp = 0x10000 + ((char32_t(c) - 0xD800) << 10) + (char32_t(s[i + 1]) - 0xDC00);
            i += 2;
            return cp;
        }
        ++i;
        if (c >= 0xD800 && c <= 0xDFFF)
            return U'?';
        return c;
    };
    auto width = [](char32_t cp) -> std::size_t {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    };

    std::size_t total = 0;
    for (qsizetype i = 0; i < n;)
        total += width(codePointAt(i));
    SecureBuffer out(total);
    unsigned char* p = out.m_data;
    for (qsizetype i = 0; i < n;) {
        const char32_t cp = codePointAt(i);
        switch (width(cp)) {
        case 1:
            *p++ = static_cast<unsigned char>(cp);
            break;
        case 2:
            *p++ = static_cast<unsigned char>(0xC0 | (cp >> 6));
            *p++ = static_cast<unsigned char>(0x80 | (cp & 0x3F));
            break;
        case 3:
            *p++ = static_cast<unsigned char>(0xE0 | (cp >> 12));
            *p++ = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
            *p++ = static_cast<unsigned char>(0x80 | (cp & 0x3F));
            break;
        default:
            *p++ = static_cast<unsigned char>(0xF0 | (cp >> 18));
            *p++ = static_cast<unsigned char>(0x80 | ((cp >> 12) & 0x3F));
            *p++ = static_cast<unsigned char>(0x80 | ((cp >> 6) & 0x3F));
            *p++ = static_cast<unsigned char>(0x80 | (cp & 0x3F));
            break;
        }
    }
    return out;
}

SecureBuffer SecureBuffer::random(std::size_t size)
{
    SecureBuffer out(size);
    if (size)
        randombytes_buf(out.m_data, size);
    return out;
}

bool SecureBuffer::equals(const SecureBuffer& other) const
{
    if (m_size != other.m_size)
        return false;
    return m_size == 0 || sodium_memcmp(m_data, other.m_data, m_size) == 0;
}

bool SecureBuffer::equals(QByteArrayView other) const
{
    if (m_size != std::size_t(other.size()))
        return false;
    return m_size == 0 || sodium_memcmp(m_data, other.data(), m_size) == 0;
}

QByteArray SecureBuffer::toBase64() const
{
    detail::ensureSodium();
    const auto variant = sodium_base64_VARIANT_ORIGINAL;
    const std::size_t len = sodium_base64_encoded_len(m_size, variant); // includes the NUL
    QByteArray out(qsizetype(len), '\0');
    sodium_bin2base64(out.data(), len, m_data, m_size, variant);
    out.chop(1);
    return out;
}

SecureBuffer SecureBuffer::fromBase64(QByteArrayView base64, bool* ok)
{
    detail::ensureSodium();
    if (ok)
        *ok = false;
    const std::size_t maxLen = std::size_t(base64.size()) / 4 * 3 + 3;
    SecureBuffer scratch(maxLen);
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(scratch.data(), maxLen, base64.data(), std::size_t(base64.size()), nullptr, &len,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != base64.data() + base64.size())
        return {};
    if (ok)
        *ok = true;
    return copyOf(scratch.data(), len);
}

void SecureBuffer::wipe(QByteArray& bytes)
{
    // data() detaches a shared array: only this copy can be wiped, which is why
    // secrets should not be in QByteArrays to begin with.
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), std::size_t(bytes.size()));
    bytes.clear();
}

void SecureBuffer::wipe(QString& text)
{
    if (!text.isEmpty())
        sodium_memzero(text.data(), std::size_t(text.size()) * sizeof(QChar));
    text.clear();
}

void SecureBuffer::wipe(std::string& text)
{
    // Wipe the whole capacity: a shorter string may have left older bytes behind.
    if (text.capacity())
        sodium_memzero(text.data(), text.capacity());
    text.clear();
    text.shrink_to_fit();
}

void SecureBuffer::noAccess()
{
    if (m_data)
        sodium_mprotect_noaccess(m_data);
}

void SecureBuffer::readOnly()
{
    if (m_data)
        sodium_mprotect_readonly(m_data);
}

void SecureBuffer::readWrite()
{
    if (m_data)
        sodium_mprotect_readwrite(m_data);
}

} // namespace taskdesk::crypto
