#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <cstddef>
#include <string>

namespace taskdesk::crypto {

// A move-only byte buffer for secrets (keys, passphrases, decrypted payloads).
// The memory comes from sodium_malloc: guard pages around it, locked against
// swapping where the OS allows, and wiped by sodium_free when the buffer dies.
// Copies are explicit (copyOf) so a secret is never duplicated by accident.
// An empty buffer (size 0) holds no allocation.
class SecureBuffer
{
public:
    SecureBuffer() = default;
    // size zero-filled bytes. Throws std::bad_alloc if libsodium cannot allocate.
    explicit SecureBuffer(std::size_t size);
    ~SecureBuffer();

    SecureBuffer(SecureBuffer&& other) noexcept;
    SecureBuffer& operator=(SecureBuffer&& other) noexcept;
    SecureBuffer(const SecureBuffer&) = delete;
    SecureBuffer& operator=(const SecureBuffer&) = delete;

    static SecureBuffer copyOf(const void* data, std::size_t size);
    static SecureBuffer copyOf(QByteArrayView bytes)
    {
        return copyOf(bytes.data(), std::size_t(bytes.size()));
    }
    // The UTF-8 bytes of text, converted without an intermediate QByteArray, for
    // passphrases typed into a widget. The caller should then wipe(text).
    static SecureBuffer fromUtf8(const QString& text);
    // size bytes from libsodium's CSPRNG.
    static SecureBuffer random(std::size_t size);

    unsigned char* data() { return m_data; }
    const unsigned char* data() const { return m_data; }
    const char* constChar() const { return reinterpret_cast<const char*>(m_data); }
    std::size_t size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    // A view for passing the bytes to a function that reads them at once; the view
    // does not own the memory and must not outlive the buffer.
    QByteArrayView view() const { return QByteArrayView(constChar(), qsizetype(m_size)); }

    // Same size and same bytes, compared in constant time (sodium_memcmp).
    bool equals(const SecureBuffer& other) const;
    bool equals(QByteArrayView other) const;

    // Standard base64 with padding. Only for values that are not secret (public keys)
    // or are about to be sealed or shown once: the result is an ordinary QByteArray.
    QByteArray toBase64() const;
    // Decodes strict standard padded base64 straight into secure memory (for a secret
    // read from a file). Returns an empty buffer and sets *ok = false when the text is
    // not valid base64.
    static SecureBuffer fromBase64(QByteArrayView base64, bool* ok = nullptr);

    // Zeroes the bytes (sodium_memzero) and then releases them. A QByteArray/QString
    // that shares its data with another copy is detached first, so only this copy is
    // wiped: keep secrets out of implicitly shared types in the first place.
    static void wipe(QByteArray& bytes);
    static void wipe(QString& text);
    static void wipe(std::string& text);

    // Page protection for long-lived secrets: noAccess() makes any touch crash,
    // readOnly()/readWrite() restore access. No-ops on an empty buffer.
    void noAccess();
    void readOnly();
    void readWrite();

private:
    unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace taskdesk::crypto
