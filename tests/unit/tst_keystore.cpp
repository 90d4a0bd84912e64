// The local keystore from the attacker's and the unlucky user's side: a wrong
// passphrase, every region of the file altered, truncated files, files that are not
// keystores or come from a newer version, failed writes, the .previous copy, file
// modes, backups under their own passphrase, and lock() forgetting everything.
// The key derivation runs at INTERACTIVE cost to keep the test fast; one test checks
// that MODERATE is what a default Keystore writes.
#include "Keystore.h"
#include "SecureBuffer.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <cstring>
#include <memory>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

using taskdesk::crypto::Keystore;
using taskdesk::crypto::SecureBuffer;
using Error = Keystore::Result::Error;

Q_DECLARE_METATYPE(Keystore::Result::Error)

namespace {

const Keystore::Options kFast{Keystore::KdfStrength::Interactive};

SecureBuffer pass(const char* text)
{
    return SecureBuffer::copyOf(text, std::strlen(text));
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

int modeOf(const QString& path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 0777);
}

quint64 le64(const QByteArray& b, int at)
{
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v |= quint64(static_cast<unsigned char>(b[at + i])) << (8 * i);
    return v;
}

const char* errorName(Error e)
{
    switch (e) {
    case Error::None:
        return "None";
    case Error::NotFound:
        return "NotFound";
    case Error::AlreadyExists:
        return "AlreadyExists";
    case Error::WrongPassphrase:
        return "WrongPassphrase";
    case Error::Corrupted:
        return "Corrupted";
    case Error::Truncated:
        return "Truncated";
    case Error::NotAKeystore:
        return "NotAKeystore";
    case Error::UnsupportedVersion:
        return "UnsupportedVersion";
    case Error::Io:
        return "Io";
    case Error::Locked:
        return "Locked";
    case Error::InvalidArgument:
        return "InvalidArgument";
    }
    return "?";
}

// Writes a keystore file around an arbitrary plaintext, with the documented layout
// and INTERACTIVE cost, using libsodium directly: contents that pass authentication
// but that Keystore never writes itself.
QByteArray craftKeystore(const QByteArray& plaintext, const char* passphrase)
{
    QByteArray header(88, '\0');
    auto* h = reinterpret_cast<unsigned char*>(header.data());
    std::memcpy(h, "TDKS", 4);
    h[4] = 1; // version
    h[6] = 1; // kind: keystore
    h[8] = crypto_pwhash_ALG_ARGON2ID13;
    const quint64 ops = crypto_pwhash_OPSLIMIT_INTERACTIVE, mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
    for (int i = 0; i < 8; ++i) {
        h[12 + i] = static_cast<unsigned char>(ops >> (8 * i));
        h[20 + i] = static_cast<unsigned char>(mem >> (8 * i));
    }
    randombytes_buf(h + 28, 16);
    unsigned char key[32];
    if (crypto_pwhash(key, 32, passphrase, std::strlen(passphrase), h + 28, ops, mem,
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return {};
    const char context[] = "taskdesk-keystore-key-check-v1";
    crypto_generichash(h + 44, 16, reinterpret_cast<const unsigned char*>(context), sizeof context - 1, key,
                       32);
    randombytes_buf(h + 60, 24);
    const quint32 ctLen = quint32(plaintext.size() + 16);
    for (int i = 0; i < 4; ++i)
        h[84 + i] = static_cast<unsigned char>(ctLen >> (8 * i));
    QByteArray ct(qsizetype(ctLen), '\0');
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(ct.data()), &len,
                                               reinterpret_cast<const unsigned char*>(plaintext.constData()),
                                               std::size_t(plaintext.size()), h, 88, nullptr, h + 60, key);
    sodium_memzero(key, sizeof key);
    return header + ct;
}

QByteArray u32(quint32 v)
{
    QByteArray b(4, '\0');
    for (int i = 0; i < 4; ++i)
        b[i] = char((v >> (8 * i)) & 0xff);
    return b;
}

QByteArray field(const QByteArray& bytes)
{
    return u32(quint32(bytes.size())) + bytes;
}

QByteArray entryBytes(const QByteArray& name, const QByteArray& meta = "{}", const QByteArray& secret = "s")
{
    return field(name) + field("credential") + QByteArray(8, '\0') + field(meta) + field(secret);
}

} // namespace

class TestKeystore : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void roundTrip();
    void createRefusesAnExistingFile();
    void createMakesAPrivateFolder();
    void missingFileAndLockedStore();
    void wrongPassphraseChangesNothing();
    void tamperedRegions_data();
    void tamperedRegions();
    void everyHeaderByteTamperedNeverOpens();
    void truncated_data();
    void truncated();
    void notAKeystore();
    void malformedContentsAreCorrupted_data();
    void malformedContentsAreCorrupted();
    void futureVersion();
    void failedWriteKeepsTheOldFile();
    void readOnlyDirectoryKeepsTheOldFile();
    void previousHoldsThePriorVersion();
    void filesAreOwnerOnly();
    void removeAndReplace();
    void changePassphrase();
    void backupExportAndImport();
    void lockForgetsEverything();
    void moderateIsTheDefault();

private:
    // Creates a keystore at path() with two entries and leaves it unlocked.
    void makeStore(Keystore& ks);
    std::unique_ptr<QTemporaryDir> m_dir; // a fresh folder per test function
    QString path() const { return m_dir->filePath(QStringLiteral("keystore.tdks")); }
};

void TestKeystore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestKeystore::makeStore(Keystore& ks)
{
    QVERIFY(ks.create(pass("open sesame")));
    QVERIFY(ks.put(QStringLiteral("tsk_1"), QString::fromLatin1(Keystore::kKindPayloadKey),
                   SecureBuffer::random(32),
                   QJsonObject{{QStringLiteral("taskId"), QStringLiteral("tsk_1")},
                               {QStringLiteral("title"), QStringLiteral("Audit the vault")}}));
    QVERIFY(ks.put(QStringLiteral("token:main"), QString::fromLatin1(Keystore::kKindCredential),
                   pass("tdk_live_token_value")));
}

void TestKeystore::roundTrip()
{
    Keystore ks(path(), kFast);
    QVERIFY(!ks.exists());
    const SecureBuffer payloadKey = SecureBuffer::random(32);
    const QJsonObject meta{{QStringLiteral("taskId"), QStringLiteral("tsk_\u00e9")},
                           {QStringLiteral("title"), QStringLiteral("Caf\u00e9 \u2615")}};
    QVERIFY(ks.create(pass("open sesame")));
    QVERIFY(ks.isUnlocked());
    QVERIFY(ks.exists());
    QVERIFY(ks.entries().isEmpty());
    QVERIFY(ks.put(QStringLiteral("tsk_\u00e9"), QStringLiteral("payload-key"), payloadKey, meta));
    QVERIFY(ks.put(QStringLiteral("sign"), QStringLiteral("signing-key"), SecureBuffer::random(32),
                   QJsonObject{{QStringLiteral("publicKey"), QStringLiteral("AAAA")}}));
    QVERIFY(ks.put(QStringLiteral("empty"), QStringLiteral("credential"), SecureBuffer()));
    const auto before = ks.entries();
    QVERIFY(!readAll(path()).contains(QByteArrayView(payloadKey.constChar(), 32)));
    QVERIFY(!readAll(path()).contains("Caf"));

    Keystore again(path(), kFast);
    QVERIFY(!again.isUnlocked());
    const auto r = again.unlock(pass("open sesame"));
    QVERIFY2(r, qPrintable(r.message));
    const auto entries = again.entries();
    QCOMPARE(entries.size(), 3);
    for (int i = 0; i < entries.size(); ++i) {
        QCOMPARE(entries[i].name, before[i].name);
        QCOMPARE(entries[i].kind, before[i].kind);
        QCOMPARE(entries[i].meta, before[i].meta);
        QCOMPARE(entries[i].createdAt, before[i].createdAt);
    }
    QCOMPARE(again.entries(QStringLiteral("payload-key")).size(), 1);
    QCOMPARE(again.entry(QStringLiteral("tsk_\u00e9"))->meta, meta);
    QVERIFY(again.secret(QStringLiteral("tsk_\u00e9"))->equals(payloadKey));
    QVERIFY(again.secret(QStringLiteral("empty"))->isEmpty());
    QVERIFY(!again.secret(QStringLiteral("nope")));
    QVERIFY(!again.entry(QStringLiteral("nope")));
}

void TestKeystore::createRefusesAnExistingFile()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QByteArray bytes = readAll(path());
    Keystore other(path(), kFast);
    const auto r = other.create(pass("another"));
    QCOMPARE(r.error, Error::AlreadyExists);
    QVERIFY(!other.isUnlocked());
    QCOMPARE(readAll(path()), bytes);
    Keystore fresh(m_dir->filePath(QStringLiteral("new.tdks")), kFast);
    QCOMPARE(fresh.create(SecureBuffer()).error, Error::InvalidArgument);
    QVERIFY(!fresh.exists());
}

void TestKeystore::createMakesAPrivateFolder()
{
    const QString nested = m_dir->filePath(QStringLiteral("data/TaskDesk/keystore.tdks"));
    Keystore ks(nested, kFast);
    QVERIFY(ks.create(pass("open sesame")));
    QCOMPARE(modeOf(m_dir->filePath(QStringLiteral("data/TaskDesk"))), 0700);
    QCOMPARE(modeOf(nested), 0600);
}

void TestKeystore::missingFileAndLockedStore()
{
    Keystore ks(path(), kFast);
    QCOMPARE(ks.unlock(pass("x")).error, Error::NotFound);
    QCOMPARE(ks.put(QStringLiteral("a"), QStringLiteral("credential"), pass("v")).error, Error::Locked);
    QCOMPARE(ks.remove(QStringLiteral("a")).error, Error::Locked);
    QCOMPARE(ks.changePassphrase(pass("y")).error, Error::Locked);
    QCOMPARE(ks.exportBackup(m_dir->filePath(QStringLiteral("b")), pass("y")).error, Error::Locked);
    QCOMPARE(ks.importBackup(m_dir->filePath(QStringLiteral("b")), pass("y")).error, Error::Locked);
    QVERIFY(!ks.exists());
}

void TestKeystore::wrongPassphraseChangesNothing()
{
    {
        Keystore ks(path(), kFast);
        makeStore(ks);
    }
    const QByteArray bytes = readAll(path());
    const QByteArray previous = readAll(path() + QStringLiteral(".previous"));
    Keystore ks(path(), kFast);
    const auto r = ks.unlock(pass("open sesame!"));
    QCOMPARE(r.error, Error::WrongPassphrase);
    QVERIFY(!r.message.isEmpty());
    QVERIFY(!r.message.contains(QStringLiteral("sesame")));
    QVERIFY(!ks.isUnlocked());
    QVERIFY(ks.entries().isEmpty());
    QCOMPARE(ks.unlock(SecureBuffer()).error, Error::WrongPassphrase);
    QCOMPARE(readAll(path()), bytes);
    QCOMPARE(readAll(path() + QStringLiteral(".previous")), previous);
}

void TestKeystore::tamperedRegions_data()
{
    // Offsets per the layout in Keystore.h. INTERACTIVE: opslimit 2, memlimit 64 MiB.
    QTest::addColumn<int>("offset");
    QTest::addColumn<int>("mask");
    QTest::addColumn<Error>("expected");
    QTest::newRow("magic") << 0 << 0x01 << Error::NotAKeystore;
    QTest::newRow("version") << 4 << 0x02 << Error::UnsupportedVersion;
    QTest::newRow("kind") << 6 << 0x04 << Error::Corrupted;
    QTest::newRow("kdf algorithm") << 8 << 0x01 << Error::UnsupportedVersion;
    QTest::newRow("opslimit") << 12 << 0x01 << Error::WrongPassphrase;    // 2 -> 3: another key
    QTest::newRow("opslimit huge") << 19 << 0x40 << Error::Corrupted;     // refused before deriving
    QTest::newRow("memlimit same KiB") << 20 << 0x01 << Error::Corrupted; // same key, header is AD
    QTest::newRow("memlimit") << 23 << 0x01 << Error::WrongPassphrase;    // 64 -> 80 MiB: another key
    QTest::newRow("memlimit huge") << 27 << 0x01 << Error::Corrupted;     // refused before deriving
    QTest::newRow("salt first") << 28 << 0x01 << Error::WrongPassphrase;
    QTest::newRow("salt last") << 43 << 0x80 << Error::WrongPassphrase;
    QTest::newRow("key check") << 44 << 0x01 << Error::WrongPassphrase;
    QTest::newRow("key check last") << 59 << 0x01 << Error::WrongPassphrase;
    QTest::newRow("nonce first") << 60 << 0x01 << Error::Corrupted;
    QTest::newRow("nonce last") << 83 << 0x80 << Error::Corrupted;
    QTest::newRow("length grows") << 86 << 0x01 << Error::Truncated; // +64 KiB declared
    QTest::newRow("ciphertext first") << 88 << 0x01 << Error::Corrupted;
    QTest::newRow("ciphertext middle") << 120 << 0x10 << Error::Corrupted;
    QTest::newRow("tag first") << -16 << 0x01 << Error::Corrupted;
    QTest::newRow("tag last") << -1 << 0x80 << Error::Corrupted;
}

void TestKeystore::tamperedRegions()
{
    QFETCH(int, offset);
    QFETCH(int, mask);
    QFETCH(Error, expected);
    {
        Keystore ks(path(), kFast);
        makeStore(ks);
    }
    QByteArray bytes = readAll(path());
    const int at = offset < 0 ? int(bytes.size()) + offset : offset;
    QVERIFY(at < bytes.size());
    bytes[at] = char(bytes[at] ^ mask);
    writeAll(path(), bytes);
    const QByteArray previous = readAll(path() + QStringLiteral(".previous"));

    Keystore ks(path(), kFast);
    const auto r = ks.unlock(pass("open sesame"));
    QVERIFY2(!r, "a tampered keystore opened");
    QVERIFY2(r.error == expected, errorName(r.error));
    QVERIFY(!r.message.isEmpty());
    QVERIFY(!ks.isUnlocked());
    QCOMPARE(readAll(path()), bytes);
    QCOMPARE(readAll(path() + QStringLiteral(".previous")), previous);
}

void TestKeystore::everyHeaderByteTamperedNeverOpens()
{
    {
        Keystore ks(path(), kFast);
        makeStore(ks);
    }
    const QByteArray original = readAll(path());
    for (int i = 0; i < int(Keystore::kHeaderBytes); ++i) {
        // Inside the salt, key check and nonce (bytes 28-83) every byte costs a key
        // derivation and they all behave alike: every fourth byte and each region's
        // last byte keep the test under a minute on a loaded machine.
        if (i >= 28 && i < 84 && i % 4 != 0 && i != 43 && i != 59 && i != 83)
            continue;
        QByteArray bytes = original;
        bytes[i] = char(bytes[i] ^ 0x01);
        writeAll(path(), bytes);
        Keystore ks(path(), kFast);
        const auto r = ks.unlock(pass("open sesame"));
        QVERIFY2(!r, qPrintable(QStringLiteral("opened with byte %1 altered").arg(i)));
        QVERIFY2(r.error != Error::Io && r.error != Error::None, errorName(r.error));
    }
}

void TestKeystore::truncated_data()
{
    QTest::addColumn<int>("length"); // negative: from the end
    QTest::newRow("empty") << 0;
    QTest::newRow("inside magic") << 2;
    QTest::newRow("magic only") << 4;
    QTest::newRow("inside version") << 5;
    QTest::newRow("inside salt") << 30;
    QTest::newRow("header minus one") << 87;
    QTest::newRow("header only") << 88;
    QTest::newRow("one ciphertext byte") << 89;
    QTest::newRow("tag cut") << -8;
    QTest::newRow("last byte missing") << -1;
}

void TestKeystore::truncated()
{
    QFETCH(int, length);
    {
        Keystore ks(path(), kFast);
        makeStore(ks);
    }
    const QByteArray original = readAll(path());
    const QByteArray cut = original.first(length < 0 ? original.size() + length : length);
    writeAll(path(), cut);
    Keystore ks(path(), kFast);
    const auto r = ks.unlock(pass("open sesame"));
    QVERIFY2(r.error == Error::Truncated, errorName(r.error));
    QVERIFY(r.message.contains(QStringLiteral("keystore.tdks.previous")));
    QCOMPARE(readAll(path()), cut);
    // Trailing bytes are damage too, not silently ignored.
    writeAll(path(), original + "x");
    QVERIFY2(ks.unlock(pass("open sesame")).error == Error::Corrupted, "trailing data accepted");
}

void TestKeystore::notAKeystore()
{
    const QByteArray samples[] = {QByteArray("hello, this is a text file\n"),
                                  QByteArray("\x89PNG\r\n\x1a\n", 8), QByteArray(200, 'T')};
    for (const QByteArray& s : samples) {
        writeAll(path(), s);
        Keystore ks(path(), kFast);
        const auto r = ks.unlock(pass("x"));
        QVERIFY2(r.error == Error::NotAKeystore, errorName(r.error));
        QCOMPARE(readAll(path()), s);
    }
}

void TestKeystore::malformedContentsAreCorrupted_data()
{
    QTest::addColumn<QByteArray>("plaintext");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("wrong magic") << QByteArray("XXXX") + u32(0);
    QTest::newRow("more entries than present") << QByteArray("TDKE") + u32(2) + entryBytes("a");
    QTest::newRow("huge count") << QByteArray("TDKE") + u32(0xffffffffu) + entryBytes("a");
    QTest::newRow("name runs past the end") << QByteArray("TDKE") + u32(1) + u32(1000) + "abc";
    QTest::newRow("secret length overflows") << QByteArray("TDKE") + u32(1) + field("a") +
                                                    field("credential") + QByteArray(8, '\0') + field("{}") +
                                                    u32(0xfffffff0u) + "s";
    QTest::newRow("meta not JSON") << QByteArray("TDKE") + u32(1) + entryBytes("a", "{not json");
    QTest::newRow("meta not an object") << QByteArray("TDKE") + u32(1) + entryBytes("a", "[1]");
    QTest::newRow("empty name") << QByteArray("TDKE") + u32(1) + entryBytes("");
    QTest::newRow("same name twice") << QByteArray("TDKE") + u32(2) + entryBytes("a") + entryBytes("a");
    QTest::newRow("trailing bytes") << QByteArray("TDKE") + u32(1) + entryBytes("a") + "x";
}

void TestKeystore::malformedContentsAreCorrupted()
{
    QFETCH(QByteArray, plaintext);
    // The well-formed control first, so a failure below is about the content alone.
    writeAll(path(), craftKeystore(QByteArray("TDKE") + u32(1) + entryBytes("a"), "pw"));
    Keystore control(path(), kFast);
    QVERIFY(control.unlock(pass("pw")));
    QVERIFY(control.secret(QStringLiteral("a"))->equals(QByteArrayView("s")));

    writeAll(path(), craftKeystore(plaintext, "pw"));
    Keystore ks(path(), kFast);
    const auto r = ks.unlock(pass("pw"));
    QVERIFY2(r.error == Error::Corrupted, errorName(r.error));
    QVERIFY(!ks.isUnlocked());
}

void TestKeystore::futureVersion()
{
    {
        Keystore ks(path(), kFast);
        makeStore(ks);
    }
    QByteArray bytes = readAll(path());
    bytes[4] = 2;
    writeAll(path(), bytes);
    Keystore ks(path(), kFast);
    auto r = ks.unlock(pass("open sesame"));
    QCOMPARE(r.error, Error::UnsupportedVersion);
    QVERIFY(r.message.contains(QStringLiteral("Update TaskDesk")));
    // A newer version may also have a longer header: the version is read first.
    writeAll(path(), bytes.first(10));
    QCOMPARE(ks.unlock(pass("open sesame")).error, Error::UnsupportedVersion);
}

void TestKeystore::failedWriteKeepsTheOldFile()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QByteArray bytes = readAll(path());
    const auto entriesBefore = ks.entries();
    // Make the .previous copy impossible (a directory in its place): works as root too.
    QFile::remove(ks.previousFilePath());
    QVERIFY(QDir().mkdir(ks.previousFilePath()));
    const auto r = ks.put(QStringLiteral("new"), QStringLiteral("credential"), pass("v"));
    QCOMPARE(r.error, Error::Io);
    QVERIFY(r.message.contains(QStringLiteral("Nothing was changed")));
    QCOMPARE(readAll(path()), bytes);
    // Memory and file still agree.
    QCOMPARE(ks.entries().size(), entriesBefore.size());
    QVERIFY(!ks.secret(QStringLiteral("new")));
    QCOMPARE(ks.remove(QStringLiteral("tsk_1")).error, Error::Io);
    QVERIFY(ks.secret(QStringLiteral("tsk_1")));
    QCOMPARE(ks.changePassphrase(pass("new pass")).error, Error::Io);
    ks.lock();
    QVERIFY(ks.unlock(pass("open sesame")));
    QVERIFY(QDir().rmdir(ks.previousFilePath()));
    QVERIFY(ks.put(QStringLiteral("new"), QStringLiteral("credential"), pass("v")));
}

void TestKeystore::readOnlyDirectoryKeepsTheOldFile()
{
    if (::geteuid() == 0)
        QSKIP(
            "running as root: directory permissions do not stop root (failedWriteKeepsTheOldFile covers it)");
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QByteArray bytes = readAll(path());
    QVERIFY(QFile::setPermissions(m_dir->path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const auto r = ks.put(QStringLiteral("new"), QStringLiteral("credential"), pass("v"));
    QVERIFY(QFile::setPermissions(m_dir->path(),
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
    QCOMPARE(r.error, Error::Io);
    QCOMPARE(readAll(path()), bytes);
    QVERIFY(!ks.secret(QStringLiteral("new")));
}

void TestKeystore::previousHoldsThePriorVersion()
{
    Keystore ks(path(), kFast);
    QVERIFY(ks.create(pass("open sesame")));
    QVERIFY(!QFile::exists(ks.previousFilePath())); // nothing to keep yet
    QVERIFY(ks.put(QStringLiteral("a"), QStringLiteral("credential"), pass("1")));
    const QByteArray afterA = readAll(path());
    QVERIFY(ks.put(QStringLiteral("b"), QStringLiteral("credential"), pass("2")));
    QCOMPARE(readAll(ks.previousFilePath()), afterA);
    QVERIFY(readAll(path()) != afterA);

    Keystore old(ks.previousFilePath(), kFast);
    QVERIFY(old.unlock(pass("open sesame")));
    QCOMPARE(old.entries().size(), 1);
    QVERIFY(old.secret(QStringLiteral("a"))->equals(QByteArrayView("1")));
}

void TestKeystore::filesAreOwnerOnly()
{
    const mode_t oldMask = ::umask(0); // the most permissive umask must not leak into the files
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QString backup = m_dir->filePath(QStringLiteral("backup.tdks"));
    QVERIFY(ks.exportBackup(backup, pass("backup pass")));
    ::umask(oldMask);
    QCOMPARE(modeOf(path()), 0600);
    QCOMPARE(modeOf(ks.previousFilePath()), 0600);
    QCOMPARE(modeOf(backup), 0600);
}

void TestKeystore::removeAndReplace()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    QCOMPARE(ks.remove(QStringLiteral("missing")).error, Error::NotFound);
    QVERIFY(ks.remove(QStringLiteral("tsk_1")));
    QVERIFY(ks.put(QStringLiteral("token:main"), QStringLiteral("credential"), pass("rotated")));
    QCOMPARE(ks.put(QString(), QStringLiteral("credential"), pass("v")).error, Error::InvalidArgument);
    Keystore again(path(), kFast);
    QVERIFY(again.unlock(pass("open sesame")));
    QCOMPARE(again.entries().size(), 1);
    QVERIFY(!again.secret(QStringLiteral("tsk_1")));
    QVERIFY(again.secret(QStringLiteral("token:main"))->equals(QByteArrayView("rotated")));
}

void TestKeystore::changePassphrase()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QByteArray saltBefore = readAll(path()).mid(28, 16);
    QCOMPARE(ks.changePassphrase(SecureBuffer()).error, Error::InvalidArgument);
    QVERIFY(ks.changePassphrase(pass("a better passphrase")));
    QVERIFY(readAll(path()).mid(28, 16) != saltBefore);
    // The old passphrase opens nothing left beside the keystore.
    Keystore previous(ks.previousFilePath(), kFast);
    QCOMPARE(previous.unlock(pass("open sesame")).error, Error::WrongPassphrase);
    QVERIFY(previous.unlock(pass("a better passphrase")));
    QVERIFY(ks.put(QStringLiteral("later"), QStringLiteral("credential"), pass("v")));
    Keystore again(path(), kFast);
    QCOMPARE(again.unlock(pass("open sesame")).error, Error::WrongPassphrase);
    QVERIFY(again.unlock(pass("a better passphrase")));
    QCOMPARE(again.entries().size(), 3);
}

void TestKeystore::backupExportAndImport()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    const QString backup = m_dir->filePath(QStringLiteral("backup.tdks"));
    QCOMPARE(ks.exportBackup(backup, SecureBuffer()).error, Error::InvalidArgument);
    auto exported = ks.exportBackup(backup, pass("backup pass"));
    QVERIFY2(exported, qPrintable(exported.message));
    QCOMPARE(exported.added, 2);
    const QByteArray backupBytes = readAll(backup);
    QCOMPARE(ks.exportBackup(backup, pass("other")).error, Error::AlreadyExists);
    QCOMPARE(readAll(backup), backupBytes);

    // A backup is not a keystore, and a keystore is not a backup.
    Keystore asStore(backup, kFast);
    QCOMPARE(asStore.unlock(pass("backup pass")).error, Error::NotAKeystore);
    QCOMPARE(Keystore::inspectBackup(path(), pass("open sesame")).error, Error::NotAKeystore);
    // Its own passphrase, not the keystore's.
    QCOMPARE(Keystore::inspectBackup(backup, pass("open sesame")).error, Error::WrongPassphrase);
    auto inspected = Keystore::inspectBackup(backup, pass("backup pass"));
    QVERIFY(inspected);
    QCOMPARE(inspected.added, 2);

    // Into another store that has one identical entry and one conflicting one.
    Keystore other(m_dir->filePath(QStringLiteral("other.tdks")), kFast);
    QVERIFY(other.create(pass("other pass")));
    const auto tokenSecret = ks.secret(QStringLiteral("token:main"));
    QVERIFY(other.put(QStringLiteral("token:main"), QStringLiteral("credential"), *tokenSecret));
    QVERIFY(other.put(QStringLiteral("tsk_1"), QStringLiteral("payload-key"), pass("a different key")));
    QVERIFY(other.put(QStringLiteral("mine"), QStringLiteral("credential"), pass("keep")));
    const QByteArray otherBytes = readAll(other.filePath());

    auto wrong = other.importBackup(backup, pass("Backup pass"));
    QCOMPARE(wrong.error, Error::WrongPassphrase);
    QCOMPARE(readAll(other.filePath()), otherBytes);
    QCOMPARE(other.entries().size(), 3);

    // Nothing new to add: the file is not rewritten.
    auto r = other.importBackup(backup, pass("backup pass"));
    QVERIFY2(r, qPrintable(r.message));
    QCOMPARE(r.added, 0);
    QCOMPARE(r.unchanged, 1);
    QCOMPARE(r.skipped, 1);
    QVERIFY(other.secret(QStringLiteral("tsk_1"))->equals(QByteArrayView("a different key")));
    QCOMPARE(readAll(other.filePath()), otherBytes);

    QVERIFY(other.remove(QStringLiteral("tsk_1")));
    r = other.importBackup(backup, pass("backup pass"));
    QVERIFY(r);
    QCOMPARE(r.added, 1);
    QCOMPARE(r.unchanged, 1);
    QCOMPARE(r.skipped, 0);
    QVERIFY(!r.message.isEmpty());
    QVERIFY(other.secret(QStringLiteral("tsk_1"))->equals(*ks.secret(QStringLiteral("tsk_1"))));
    QCOMPARE(other.entry(QStringLiteral("tsk_1"))->meta.value(QStringLiteral("title")).toString(),
             QStringLiteral("Audit the vault"));
    Keystore reread(other.filePath(), kFast);
    QVERIFY(reread.unlock(pass("other pass")));
    QCOMPARE(reread.entries().size(), 3);

    // A damaged backup is reported as such and nothing is imported.
    QByteArray damaged = backupBytes;
    damaged[damaged.size() - 3] = char(damaged[damaged.size() - 3] ^ 1);
    const QString damagedPath = m_dir->filePath(QStringLiteral("damaged.tdks"));
    writeAll(damagedPath, damaged);
    QCOMPARE(other.importBackup(damagedPath, pass("backup pass")).error, Error::Corrupted);
    QCOMPARE(other.importBackup(m_dir->filePath(QStringLiteral("none.tdks")), pass("x")).error,
             Error::NotFound);
}

void TestKeystore::lockForgetsEverything()
{
    Keystore ks(path(), kFast);
    makeStore(ks);
    auto copy = ks.secret(QStringLiteral("token:main"));
    QVERIFY(copy);
    ks.lock();
    QVERIFY(!ks.isUnlocked());
    QVERIFY(ks.entries().isEmpty());
    QVERIFY(!ks.entry(QStringLiteral("tsk_1")));
    QVERIFY(!ks.secret(QStringLiteral("token:main")));
    QCOMPARE(ks.put(QStringLiteral("x"), QStringLiteral("credential"), pass("v")).error, Error::Locked);
    // Copies handed out before belong to their holder and stay valid.
    QVERIFY(copy->equals(QByteArrayView("tdk_live_token_value")));
    ks.lock(); // twice is harmless
    QVERIFY(ks.unlock(pass("open sesame")));
    QCOMPARE(ks.entries().size(), 2);
}

void TestKeystore::moderateIsTheDefault()
{
    QVERIFY(Keystore::Options{}.kdf == Keystore::KdfStrength::Moderate);
    Keystore ks(path()); // default options: the cost a real user gets
    QVERIFY(ks.create(pass("open sesame")));
    const QByteArray header = readAll(path()).first(int(Keystore::kHeaderBytes));
    QCOMPARE(header.first(4), QByteArray("TDKS"));
    QCOMPARE(le64(header, 12), quint64(crypto_pwhash_OPSLIMIT_MODERATE));
    QCOMPARE(le64(header, 20), quint64(crypto_pwhash_MEMLIMIT_MODERATE));
    // And a store written at INTERACTIVE cost opens under default options: the
    // parameters come from the file.
    Keystore fast(m_dir->filePath(QStringLiteral("fast.tdks")), kFast);
    QVERIFY(fast.create(pass("p")));
    QCOMPARE(le64(readAll(fast.filePath()), 12), quint64(crypto_pwhash_OPSLIMIT_INTERACTIVE));
    Keystore reopened(fast.filePath());
    QVERIFY(reopened.unlock(pass("p")));
}

QTEST_GUILESS_MAIN(TestKeystore)
#include "tst_keystore.moc"
