#include "ServerKey.h"

#include "SodiumInit.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace taskdesk::crypto {

namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

QString sysError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

bool writeAll(int fd, const unsigned char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= std::size_t(n);
    }
    return true;
}

// Writes a fresh key to a private temporary file and links it into place. link()
// fails if the name exists, so two servers starting at once cannot each create a
// key and then disagree: the loser simply reads the winner's file.
bool createKeyFile(const QByteArray& nativePath, QString* error)
{
    const QByteArray tmp = nativePath + ".tmp-" + QByteArray::number(::getpid());
    ::unlink(tmp.constData());
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        setError(error, QStringLiteral("Cannot create the server key file %1: %2.")
                            .arg(QString::fromLocal8Bit(nativePath), sysError()));
        return false;
    }
    ::fchmod(fd, 0600); // in case the umask took bits away it should not have: it cannot add any
    SecureBuffer key = SecureBuffer::random(ServerKey::kKeyBytes);
    const bool ok = writeAll(fd, key.data(), key.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        setError(error, QStringLiteral("Cannot write the server key file %1: %2.")
                            .arg(QString::fromLocal8Bit(nativePath), sysError()));
        ::unlink(tmp.constData());
        return false;
    }
    if (::link(tmp.constData(), nativePath.constData()) != 0 && errno != EEXIST) {
        setError(error, QStringLiteral("Cannot create the server key file %1: %2.")
                            .arg(QString::fromLocal8Bit(nativePath), sysError()));
        ::unlink(tmp.constData());
        return false;
    }
    ::unlink(tmp.constData());
    return true;
}

} // namespace

std::optional<SecureBuffer> ServerKey::loadOrCreate(const QString& path, QString* error)
{
    detail::ensureSodium();
    if (path.isEmpty()) {
        setError(error, QStringLiteral("No server key file was given."));
        return std::nullopt;
    }
    const QFileInfo info(path);
    const QByteArray native = QFile::encodeName(info.absoluteFilePath());
    if (!info.exists()) {
        if (!QDir().mkpath(info.absolutePath())) {
            setError(error, QStringLiteral("Cannot create the folder %1 for the server key file.")
                                .arg(info.absolutePath()));
            return std::nullopt;
        }
        if (!createKeyFile(native, error))
            return std::nullopt;
    }

    const int fd = ::open(native.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        setError(error, QStringLiteral("Cannot read the server key file %1: %2.")
                            .arg(info.absoluteFilePath(), sysError()));
        return std::nullopt;
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        setError(
            error,
            QStringLiteral("The server key file %1 is not a regular file.").arg(info.absoluteFilePath()));
        return std::nullopt;
    }
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ::close(fd);
        setError(error, QStringLiteral("The server key file %1 is accessible to other users (mode %2). "
                                       "Restrict it with: chmod 600 %1")
                            .arg(info.absoluteFilePath())
                            .arg(QString::number(st.st_mode & 0777, 8)));
        return std::nullopt;
    }
    if (st.st_size != off_t(kKeyBytes)) {
        ::close(fd);
        setError(error,
                 QStringLiteral("The server key file %1 has %2 bytes instead of %3; it is not a server "
                                "key or it is damaged. Restore it from a backup: secrets encrypted with "
                                "the old key cannot be read without it.")
                     .arg(info.absoluteFilePath())
                     .arg(qint64(st.st_size))
                     .arg(kKeyBytes));
        return std::nullopt;
    }
    SecureBuffer key(kKeyBytes);
    std::size_t got = 0;
    while (got < kKeyBytes) {
        const ssize_t n = ::read(fd, key.data() + got, kKeyBytes - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += std::size_t(n);
    }
    ::close(fd);
    if (got != kKeyBytes) {
        setError(error, QStringLiteral("Cannot read the server key file %1.").arg(info.absoluteFilePath()));
        return std::nullopt;
    }
    return key;
}

} // namespace taskdesk::crypto
