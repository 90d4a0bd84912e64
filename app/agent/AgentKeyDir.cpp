#include "AgentKeyDir.h"

#include "Keystore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace taskdesk::agent {

namespace {

constexpr QByteArrayView kPlainHeader = "taskdesk-agent-box-key v1";

// Writes all of data to a new file created with mode 0600 (never over an existing one).
bool writeNewPrivateFile(const QString& path, QByteArrayView data, QString* error)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error =
            QStringLiteral("Cannot create %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    qsizetype done = 0;
    while (done < data.size()) {
        const auto n = ::write(fd, data.data() + done, std::size_t(data.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            ::unlink(native.constData());
            *error = QStringLiteral("Cannot write %1").arg(path);
            return false;
        }
        done += n;
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) {
        ::unlink(native.constData());
        *error = QStringLiteral("Cannot write %1 to disk").arg(path);
        return false;
    }
    return true;
}

} // namespace

AgentKeyDir::AgentKeyDir(QString dir) : m_dir(std::move(dir)) {}

QString AgentKeyDir::keystorePath() const
{
    return QDir(m_dir).filePath(QString::fromLatin1(kKeystoreFile));
}

QString AgentKeyDir::plainPath() const
{
    return QDir(m_dir).filePath(QString::fromLatin1(kPlainFile));
}

QByteArray AgentKeyDir::publicKeyBase64() const
{
    return m_pair ? m_pair->publicKey.toBase64() : QByteArray();
}

bool AgentKeyDir::ensureDir(QString* error) const
{
    QDir d(m_dir);
    if (!d.exists() && !QDir().mkpath(m_dir)) {
        *error = QStringLiteral("Cannot create the key directory %1").arg(m_dir);
        return false;
    }
    // Only the owner may list or enter it (the files are 0600 as well).
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return true;
}

AgentKeyDir::Status AgentKeyDir::open(const crypto::SecureBuffer* passphrase, bool create, QString* error)
{
    m_pair.reset();
    m_created = false;
    m_protected = false;
    if (passphrase && !passphrase->isEmpty())
        return openKeystore(*passphrase, create, error);
    if (QFileInfo::exists(keystorePath())) {
        *error = QStringLiteral("%1 is protected by a passphrase: give it with --passphrase-file FILE or the "
                                "TASKDESK_AGENT_PASSPHRASE environment variable")
                     .arg(keystorePath());
        return Status::NeedPassphrase;
    }
    return openPlain(create, error);
}

AgentKeyDir::Status AgentKeyDir::openKeystore(const crypto::SecureBuffer& passphrase, bool create,
                                              QString* error)
{
    m_protected = true;
    crypto::Keystore store(keystorePath());
    if (store.exists()) {
        const auto r = store.unlock(passphrase);
        if (!r) {
            *error = QStringLiteral("Cannot open %1: %2").arg(keystorePath(), r.message);
            return r.error == crypto::Keystore::Result::Error::WrongPassphrase ? Status::WrongPassphrase
                                                                               : Status::Failed;
        }
        if (auto secret = store.secret(QString::fromLatin1(kEntryName))) {
            m_pair = crypto::BoxKeyPair::fromSecret(std::move(*secret));
            if (!m_pair) {
                *error = QStringLiteral("The agent key in %1 is damaged").arg(keystorePath());
                return Status::Failed;
            }
            return Status::Ok;
        }
    } else {
        if (!create) {
            *error = QStringLiteral("There is no agent key in %1").arg(m_dir);
            return Status::NoKey;
        }
        if (!ensureDir(error))
            return Status::Failed;
        const auto r = store.create(passphrase);
        if (!r) {
            *error = QStringLiteral("Cannot create %1: %2").arg(keystorePath(), r.message);
            return Status::Failed;
        }
    }
    if (!create) {
        *error = QStringLiteral("The keystore %1 holds no agent key").arg(keystorePath());
        return Status::NoKey;
    }
    auto pair = crypto::BoxKeyPair::generate();
    QJsonObject meta;
    meta.insert(QStringLiteral("publicKey"), QString::fromLatin1(pair.publicKey.toBase64()));
    const auto r = store.put(QString::fromLatin1(kEntryName),
                             QString::fromLatin1(crypto::Keystore::kKindBoxKey), pair.secretKey, meta);
    if (!r) {
        *error = QStringLiteral("Cannot store the new agent key in %1: %2").arg(keystorePath(), r.message);
        return Status::Failed;
    }
    m_pair = std::move(pair);
    m_created = true;
    return Status::Ok;
}

AgentKeyDir::Status AgentKeyDir::openPlain(bool create, QString* error)
{
    QFile f(plainPath());
    if (f.exists()) {
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("Cannot read %1").arg(plainPath());
            return Status::Failed;
        }
        QByteArray text = f.readAll();
        f.close();
        // Parsed in place, so the secret's base64 exists only in this buffer (wiped below).
        const QByteArrayView all(text);
        crypto::SecureBuffer secret;
        bool ok = false;
        const qsizetype at = all.indexOf(QByteArrayView("\nsecret "));
        if (all.startsWith(kPlainHeader) && at > 0) {
            const qsizetype from = at + 8;
            qsizetype to = all.indexOf('\n', from);
            if (to < 0)
                to = all.size();
            secret = crypto::SecureBuffer::fromBase64(all.sliced(from, to - from), &ok);
        }
        crypto::SecureBuffer::wipe(text);
        if (ok)
            m_pair = crypto::BoxKeyPair::fromSecret(std::move(secret));
        if (!m_pair) {
            *error = QStringLiteral("%1 is not an agent key file (or it is damaged)").arg(plainPath());
            return Status::Failed;
        }
        return Status::Ok;
    }
    if (!create) {
        *error = QStringLiteral("There is no agent key in %1").arg(m_dir);
        return Status::NoKey;
    }
    if (!ensureDir(error))
        return Status::Failed;
    auto pair = crypto::BoxKeyPair::generate();
    QByteArray secretB64 = pair.secretKey.toBase64();
    QByteArray text =
        kPlainHeader.toByteArray() + "\npublic " + pair.publicKey.toBase64() + "\nsecret " + secretB64 + "\n";
    crypto::SecureBuffer::wipe(secretB64);
    const bool written = writeNewPrivateFile(plainPath(), text, error);
    crypto::SecureBuffer::wipe(text);
    if (!written)
        return Status::Failed;
    m_pair = std::move(pair);
    m_created = true;
    return Status::Ok;
}

} // namespace taskdesk::agent
