#include "SecretInput.h"

#include <QFile>
#include <cstdlib>
#include <cstring>

namespace taskdesk::agent {

namespace {

crypto::SecureBuffer trimmedCopy(const char* data, std::size_t size)
{
    while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
        --size;
    return crypto::SecureBuffer::copyOf(data, size);
}

} // namespace

std::optional<crypto::SecureBuffer> SecretInput::fromFile(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read %1").arg(path);
        return std::nullopt;
    }
    QByteArray raw = f.readAll();
    f.close();
    auto secret = trimmedCopy(raw.constData(), std::size_t(raw.size()));
    crypto::SecureBuffer::wipe(raw);
    if (secret.isEmpty()) {
        *error = QStringLiteral("%1 is empty").arg(path);
        return std::nullopt;
    }
    return secret;
}

crypto::SecureBuffer SecretInput::fromEnvironment(const char* name)
{
    const char* v = std::getenv(name);
    if (!v || !*v)
        return {};
    auto secret = trimmedCopy(v, std::strlen(v));
    // Children (and anything reading /proc/self/environ later) should not inherit it.
    ::unsetenv(name);
    return secret;
}

crypto::SecureBuffer SecretInput::fromArgument(QString& value)
{
    QByteArray utf8 = value.toUtf8();
    auto secret = trimmedCopy(utf8.constData(), std::size_t(utf8.size()));
    crypto::SecureBuffer::wipe(utf8);
    crypto::SecureBuffer::wipe(value);
    return secret;
}

} // namespace taskdesk::agent
