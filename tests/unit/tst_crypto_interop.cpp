// crypto/ interoperates with a libsodium client that is not ours (PyNaCl), both ways:
// payloads, sealed boxes, Ed25519 signatures, the grant signature's message format
// rebuilt in Python, and a passphrase-protected handoff bundle opened by Python.
// Data goes through stdin/stdout as hex JSON; nothing is written to the repository.
#include "GrantSignature.h"
#include "HandoffBundle.h"
#include "KeyPairs.h"
#include "Keystore.h"
#include "PayloadCipher.h"
#include "SealedBox.h"
#include "SecureBuffer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace taskdesk::crypto;

namespace {

QString hexOf(QByteArrayView b)
{
    return QString::fromLatin1(b.toByteArray().toHex());
}

QString hexOf(const SecureBuffer& b)
{
    return hexOf(b.view());
}

QByteArray unhex(const QJsonValue& v)
{
    return QByteArray::fromHex(v.toString().toLatin1());
}

} // namespace

class TestCryptoInterop : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void payloadOursOpenedByNacl();
    void payloadNaclOpenedByUs();
    void sealedBoxOursOpenedByNacl();
    void sealedBoxNaclOpenedByUs();
    void signaturesBothWays();
    void grantMessageMatchesPython();
    void passphraseBundleOpenedByPython();
    void keystoreReadByPython();

private:
    // Runs one command of the peer; fails the test on a crash or a bad reply.
    QJsonObject peer(const char* command, const QJsonObject& args);
    QString m_python;
};

void TestCryptoInterop::initTestCase()
{
    m_python = QStringLiteral(TASKDESK_NACL_PYTHON);
    if (m_python.isEmpty())
        QSKIP("python3 with PyNaCl (python3-nacl) was not found when the build was configured");
}

QJsonObject TestCryptoInterop::peer(const char* command, const QJsonObject& args)
{
    QProcess p;
    p.start(m_python, {QStringLiteral(TASKDESK_NACL_PEER), QString::fromLatin1(command)});
    if (!p.waitForStarted(20000)) {
        QTest::qFail("the python peer did not start", __FILE__, __LINE__);
        return {};
    }
    p.write(QJsonDocument(args).toJson(QJsonDocument::Compact));
    p.closeWriteChannel();
    if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        QTest::qFail(qPrintable(QStringLiteral("the python peer failed: %1")
                                    .arg(QString::fromLocal8Bit(p.readAllStandardError()))),
                     __FILE__, __LINE__);
        return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

void TestCryptoInterop::payloadOursOpenedByNacl()
{
    const SecureBuffer key = PayloadCipher::newKey();
    const SecureBuffer pt = SecureBuffer::fromUtf8(QStringLiteral("{\"dbPassword\":\"h\u00fcnter2\"}"));
    const auto sealed = PayloadCipher::encrypt(key, pt);
    auto r = peer("aead-decrypt", {{QStringLiteral("key"), hexOf(key)},
                                   {QStringLiteral("nonce"), hexOf(sealed.nonce)},
                                   {QStringLiteral("ct"), hexOf(sealed.ciphertext)}});
    QCOMPARE(unhex(r.value(QStringLiteral("pt"))), pt.view().toByteArray());
    // And PyNaCl refuses what we would refuse.
    QByteArray bad = sealed.ciphertext;
    bad[0] = char(bad[0] ^ 1);
    r = peer("aead-decrypt", {{QStringLiteral("key"), hexOf(key)},
                              {QStringLiteral("nonce"), hexOf(sealed.nonce)},
                              {QStringLiteral("ct"), hexOf(bad)}});
    QVERIFY(r.contains(QStringLiteral("error")));
}

void TestCryptoInterop::payloadNaclOpenedByUs()
{
    const SecureBuffer key = PayloadCipher::newKey();
    const QByteArray pt("{\"field\":\"value from python\"}");
    const auto r =
        peer("aead-encrypt", {{QStringLiteral("key"), hexOf(key)}, {QStringLiteral("pt"), hexOf(pt)}});
    const QByteArray nonce = unhex(r.value(QStringLiteral("nonce")));
    const QByteArray ct = unhex(r.value(QStringLiteral("ct")));
    auto opened = PayloadCipher::decrypt(key, nonce, ct);
    QVERIFY(opened);
    QVERIFY(opened->equals(pt));
    QVERIFY(!PayloadCipher::decrypt(PayloadCipher::newKey(), nonce, ct));
}

void TestCryptoInterop::sealedBoxOursOpenedByNacl()
{
    const auto kp = peer("box-keypair", {});
    const QByteArray pk = unhex(kp.value(QStringLiteral("pk")));
    QCOMPARE(pk.size(), 32);
    const SecureBuffer payloadKey = PayloadCipher::newKey();
    const QByteArray sealed = SealedBox::seal(payloadKey, pk);
    QVERIFY(!sealed.isEmpty());
    auto r = peer("seal-open", {{QStringLiteral("sk"), kp.value(QStringLiteral("sk"))},
                                {QStringLiteral("sealed"), hexOf(sealed)}});
    QCOMPARE(unhex(r.value(QStringLiteral("msg"))), payloadKey.view().toByteArray());
    // Sealed to someone else: PyNaCl cannot open it either.
    const BoxKeyPair other = BoxKeyPair::generate();
    r = peer("seal-open", {{QStringLiteral("sk"), kp.value(QStringLiteral("sk"))},
                           {QStringLiteral("sealed"), hexOf(SealedBox::seal(payloadKey, other.publicKey))}});
    QVERIFY(r.contains(QStringLiteral("error")));
}

void TestCryptoInterop::sealedBoxNaclOpenedByUs()
{
    const BoxKeyPair agent = BoxKeyPair::generate();
    const QByteArray msg =
        QByteArray::fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    const auto r =
        peer("seal", {{QStringLiteral("pk"), hexOf(agent.publicKey)}, {QStringLiteral("msg"), hexOf(msg)}});
    const QByteArray sealed = unhex(r.value(QStringLiteral("sealed")));
    auto opened = SealedBox::open(sealed, agent);
    QVERIFY(opened);
    QVERIFY(opened->equals(msg));
    QVERIFY(!SealedBox::open(sealed, BoxKeyPair::generate()));
}

void TestCryptoInterop::signaturesBothWays()
{
    // Ours verified by PyNaCl.
    const SigningKeyPair mine = SigningKeyPair::generate();
    const QByteArray msg("taskdesk interop \xe2\x9c\x93");
    const QByteArray sig = mine.sign(msg);
    auto r = peer("verify", {{QStringLiteral("pk"), hexOf(mine.publicKey)},
                             {QStringLiteral("msg"), hexOf(msg)},
                             {QStringLiteral("sig"), hexOf(sig)}});
    QCOMPARE(r.value(QStringLiteral("ok")).toBool(), true);
    r = peer("verify", {{QStringLiteral("pk"), hexOf(mine.publicKey)},
                        {QStringLiteral("msg"), hexOf(msg + '!')},
                        {QStringLiteral("sig"), hexOf(sig)}});
    QCOMPARE(r.value(QStringLiteral("ok")).toBool(true), false);

    // PyNaCl's verified by us, and the same seed gives the same public key on both sides.
    const SecureBuffer seed = SecureBuffer::random(32);
    r = peer("sign", {{QStringLiteral("seed"), hexOf(seed)}, {QStringLiteral("msg"), hexOf(msg)}});
    const QByteArray theirPk = unhex(r.value(QStringLiteral("pk")));
    const QByteArray theirSig = unhex(r.value(QStringLiteral("sig")));
    QCOMPARE(SigningKeyPair::fromSecret(SecureBuffer::copyOf(seed.data(), seed.size()))->publicKey, theirPk);
    QVERIFY(SigningKeyPair::verify(theirPk, msg, theirSig));
    QVERIFY(!SigningKeyPair::verify(theirPk, msg.chopped(1), theirSig));
}

void TestCryptoInterop::grantMessageMatchesPython()
{
    const SigningKeyPair publisher = SigningKeyPair::generate();
    const BoxKeyPair agent = BoxKeyPair::generate();
    const SecureBuffer payloadKey = PayloadCipher::newKey();
    const auto payload =
        PayloadCipher::encrypt(payloadKey, SecureBuffer::fromUtf8(QStringLiteral("{\"a\":\"b\"}")));
    const QByteArray sealedKey = SealedBox::seal(payloadKey, agent.publicKey);
    const QString taskId = QStringLiteral("tsk_\u00e9t\u00e9_01");
    const QJsonObject args{{QStringLiteral("taskId"), taskId},
                           {QStringLiteral("ct"), hexOf(payload.ciphertext)},
                           {QStringLiteral("sealedKey"), hexOf(sealedKey)}};
    auto r = peer("grant-message", args);
    QCOMPARE(unhex(r.value(QStringLiteral("msg"))),
             GrantSignature::message(taskId, payload.ciphertext, sealedKey));

    QJsonObject withSig = args;
    withSig[QStringLiteral("pk")] = hexOf(publisher.publicKey);
    withSig[QStringLiteral("sig")] =
        hexOf(GrantSignature::sign(publisher, taskId, payload.ciphertext, sealedKey));
    QCOMPARE(peer("grant-verify", withSig).value(QStringLiteral("ok")).toBool(), true);
    withSig[QStringLiteral("taskId")] = QStringLiteral("tsk_other");
    QCOMPARE(peer("grant-verify", withSig).value(QStringLiteral("ok")).toBool(true), false);
}

void TestCryptoInterop::passphraseBundleOpenedByPython()
{
    const QByteArray json("{\"version\":1,\"tokenValue\":\"tdk_x\",\"apiSecret\":\"s\"}");
    const QByteArray passphrase("agent passphrase \xc3\xa9");
    const QByteArray file =
        HandoffBundle::protectFast(SecureBuffer::copyOf(json), SecureBuffer::copyOf(passphrase));
    auto r = peer("bundle-open",
                  {{QStringLiteral("file"), hexOf(file)}, {QStringLiteral("passphrase"), hexOf(passphrase)}});
    QCOMPARE(unhex(r.value(QStringLiteral("json"))), json);
    r = peer("bundle-open", {{QStringLiteral("file"), hexOf(file)},
                             {QStringLiteral("passphrase"), hexOf(QByteArray("nope"))}});
    QCOMPARE(r.value(QStringLiteral("error")).toString(), QStringLiteral("wrong passphrase"));
}

void TestCryptoInterop::keystoreReadByPython()
{
    // The documented file format is enough to read a keystore without our code:
    // Argon2id from PyNaCl, the key check from Python's hashlib BLAKE2b.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("keystore.tdks"));
    Keystore ks(path, Keystore::Options{Keystore::KdfStrength::Interactive});
    const QByteArray passphrase("keystore pass \xe2\x82\xac");
    QVERIFY(ks.create(SecureBuffer::copyOf(passphrase)));
    const SecureBuffer payloadKey = PayloadCipher::newKey();
    const QJsonObject meta{{QStringLiteral("taskId"), QStringLiteral("tsk_9")},
                           {QStringLiteral("title"), QStringLiteral("\u00c9t\u00e9")}};
    QVERIFY(
        ks.put(QStringLiteral("tsk_9"), QString::fromLatin1(Keystore::kKindPayloadKey), payloadKey, meta));
    QVERIFY(ks.put(QStringLiteral("token"), QString::fromLatin1(Keystore::kKindCredential),
                   SecureBuffer::copyOf(QByteArrayView("tdk_value"))));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray file = f.readAll();

    auto r = peer("keystore-read",
                  {{QStringLiteral("file"), hexOf(file)}, {QStringLiteral("passphrase"), hexOf(passphrase)}});
    QCOMPARE(r.value(QStringLiteral("kind")).toInt(), 1);
    const QJsonArray entries = r.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 2);
    // The order in the file is not part of the format: look entries up by name.
    QJsonObject first, second;
    for (const QJsonValue& v : entries)
        (v.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("token") ? first : second) =
            v.toObject();
    QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("token"));
    QCOMPARE(unhex(first.value(QStringLiteral("secret"))), QByteArray("tdk_value"));
    QCOMPARE(second.value(QStringLiteral("name")).toString(), QStringLiteral("tsk_9"));
    QCOMPARE(second.value(QStringLiteral("kind")).toString(), QStringLiteral("payload-key"));
    QCOMPARE(second.value(QStringLiteral("meta")).toObject(), meta);
    QCOMPARE(unhex(second.value(QStringLiteral("secret"))), payloadKey.view().toByteArray());
    QCOMPARE(qint64(second.value(QStringLiteral("createdAt")).toDouble()),
             ks.entry(QStringLiteral("tsk_9"))->createdAt.toMSecsSinceEpoch());

    r = peer("keystore-read", {{QStringLiteral("file"), hexOf(file)},
                               {QStringLiteral("passphrase"), hexOf(QByteArray("wrong"))}});
    QCOMPARE(r.value(QStringLiteral("error")).toString(), QStringLiteral("wrong passphrase"));
}

QTEST_GUILESS_MAIN(TestCryptoInterop)
#include "tst_crypto_interop.moc"
