// crypto/ primitives against published vectors (draft-irtf-cfrg-xchacha A.3.1,
// RFC 8032 section 7.1 tests 1-3, RFC 7748 section 6.1, the Argon2 reference
// implementation's Argon2id vectors), and the building blocks from the attacker's
// side: tampered ciphertexts, nonces, sealed keys and signatures, the wrong
// recipient, keys of the wrong length, the server key file's checks, and handoff
// bundles in all three protections.
#include "Base64.h"
#include "Digest.h"
#include "GrantSignature.h"
#include "HandoffBundle.h"
#include "KeyPairs.h"
#include "PasswordHash.h"
#include "PayloadCipher.h"
#include "SealedBox.h"
#include "SecretBox.h"
#include "SecureBuffer.h"
#include "ServerKey.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <sodium.h>
#include <sys/stat.h>

using namespace taskdesk::crypto;

namespace {

QByteArray hex(const char* h)
{
    return QByteArray::fromHex(h);
}

SecureBuffer secure(const QByteArray& bytes)
{
    return SecureBuffer::copyOf(bytes);
}

QByteArray bytesOf(const SecureBuffer& b)
{
    return QByteArray(b.constChar(), qsizetype(b.size()));
}

QByteArray flipped(QByteArray bytes, qsizetype at, char mask = 0x01)
{
    bytes[at] = char(bytes[at] ^ mask);
    return bytes;
}

QByteArray bundleJson()
{
    QJsonObject o{{QStringLiteral("version"), 1},
                  {QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:8080")},
                  {QStringLiteral("handle"), QStringLiteral("scout-7")},
                  {QStringLiteral("tokenValue"), QStringLiteral("tdk_live_abcdef")},
                  {QStringLiteral("apiSecret"), QStringLiteral("s3cr3t")}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class TestSealing : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    // Known answers
    void xchachaDraftA31();
    void payloadCipherIsXChaCha20Stream();
    void ed25519Rfc8032_data();
    void ed25519Rfc8032();
    void x25519Rfc7748();
    void argon2idReferenceVectors_data();
    void argon2idReferenceVectors();

    // SecureBuffer and base64
    void secureBufferBasics();
    void secureBufferFromUtf8MatchesQt();
    void wipeClears();
    void base64IsStrict();

    // Building blocks
    void payloadRoundTripAndTampering();
    void payloadWrongLengths();
    void sealedBoxRoundTripAndWrongRecipient();
    void sealedBoxBadKeys();
    void keyPairsFromSecret();
    void keyFingerprintIsSha256Prefix();
    void grantSignatureMessageFormat();
    void grantSignatureRejectsTampering();
    void secretBoxBindsContext();

    // Server key file
    void serverKeyCreatesPrivateFile();
    void serverKeyRefusesLooseOrWrongFiles();

    // Handoff bundles
    void bundlePlain();
    void bundleSealed();
    void bundlePassphrase();
    void bundlePassphraseDefaultsToModerate();
    void bundleGarbage();
};

void TestSealing::initTestCase()
{
    QVERIFY(sodium_init() >= 0);
}

void TestSealing::xchachaDraftA31()
{
    // draft-irtf-cfrg-xchacha-03, A.3.1: pins the linked libsodium to the construction
    // PayloadCipher, SecretBox and Keystore rely on.
    const QByteArray pt("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
                        "future, sunscreen would be it.");
    const QByteArray ad = hex("50515253c0c1c2c3c4c5c6c7");
    const QByteArray key = hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const QByteArray nonce = hex("404142434445464748494a4b4c4d4e4f5051525354555657");
    const QByteArray expected =
        hex("bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39"
            "ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
            "21f9664c97637da9768812f615c68b13b52e"
            "c0875924c1c7987947deafd8780acf49");
    QByteArray ct(pt.size() + 16, '\0');
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        reinterpret_cast<unsigned char*>(ct.data()), &len,
        reinterpret_cast<const unsigned char*>(pt.constData()), std::size_t(pt.size()),
        reinterpret_cast<const unsigned char*>(ad.constData()), std::size_t(ad.size()), nullptr,
        reinterpret_cast<const unsigned char*>(nonce.constData()),
        reinterpret_cast<const unsigned char*>(key.constData()));
    QCOMPARE(ct.toHex(), expected.toHex());
}

void TestSealing::payloadCipherIsXChaCha20Stream()
{
    // Associated data changes only the tag, so the body of PayloadCipher's output must
    // be the draft's XChaCha20 keystream (block counter 1) XOR the plaintext, and the
    // tag must verify with no associated data at all.
    const SecureBuffer key = secure(hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
    const SecureBuffer pt = secure(QByteArray("Ladies and Gentlemen of the class of '99"));
    const auto sealed = PayloadCipher::encrypt(key, pt);
    QCOMPARE(sealed.nonce.size(), 24);
    QCOMPARE(sealed.ciphertext.size(), qsizetype(pt.size() + 16));
    QByteArray stream(qsizetype(pt.size()), '\0');
    crypto_stream_xchacha20_xor_ic(reinterpret_cast<unsigned char*>(stream.data()), pt.data(), pt.size(),
                                   reinterpret_cast<const unsigned char*>(sealed.nonce.constData()), 1,
                                   key.data());
    QCOMPARE(sealed.ciphertext.first(stream.size()).toHex(), stream.toHex());
    QByteArray out(qsizetype(pt.size()), '\0');
    unsigned long long len = 0;
    QCOMPARE(crypto_aead_xchacha20poly1305_ietf_decrypt(
                 reinterpret_cast<unsigned char*>(out.data()), &len, nullptr,
                 reinterpret_cast<const unsigned char*>(sealed.ciphertext.constData()),
                 std::size_t(sealed.ciphertext.size()), nullptr, 0,
                 reinterpret_cast<const unsigned char*>(sealed.nonce.constData()), key.data()),
             0);
    QCOMPARE(out, bytesOf(pt));
    // A fresh nonce every time.
    QVERIFY(PayloadCipher::encrypt(key, pt).nonce != sealed.nonce);
}

void TestSealing::ed25519Rfc8032_data()
{
    QTest::addColumn<QByteArray>("seed");
    QTest::addColumn<QByteArray>("publicKey");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("signature");
    QTest::newRow("test 1") << hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                            << hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
                            << QByteArray()
                            << hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                   "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    QTest::newRow("test 2") << hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
                            << hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
                            << hex("72")
                            << hex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                                   "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    QTest::newRow("test 3") << hex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
                            << hex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")
                            << hex("af82")
                            << hex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                                   "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
}

void TestSealing::ed25519Rfc8032()
{
    QFETCH(QByteArray, seed);
    QFETCH(QByteArray, publicKey);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, signature);
    auto pair = SigningKeyPair::fromSecret(secure(seed));
    QVERIFY(pair);
    QCOMPARE(pair->publicKey.toHex(), publicKey.toHex());
    QCOMPARE(pair->sign(message).toHex(), signature.toHex());
    QVERIFY(SigningKeyPair::verify(publicKey, message, signature));
    QVERIFY(!SigningKeyPair::verify(publicKey, message + 'x', signature));
    QVERIFY(!SigningKeyPair::verify(publicKey, message, flipped(signature, 63, 0x10)));
    QCOMPARE(bytesOf(pair->seed()).toHex(), seed.toHex());
}

void TestSealing::x25519Rfc7748()
{
    const QByteArray a = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const QByteArray b = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    const auto alice = BoxKeyPair::fromSecret(secure(a));
    const auto bob = BoxKeyPair::fromSecret(secure(b));
    QVERIFY(alice && bob);
    QCOMPARE(alice->publicKey.toHex(),
             QByteArray("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
    QCOMPARE(bob->publicKey.toHex(),
             QByteArray("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"));
    unsigned char k1[32], k2[32];
    QCOMPARE(crypto_scalarmult(k1, alice->secretKey.data(),
                               reinterpret_cast<const unsigned char*>(bob->publicKey.constData())),
             0);
    QCOMPARE(crypto_scalarmult(k2, bob->secretKey.data(),
                               reinterpret_cast<const unsigned char*>(alice->publicKey.constData())),
             0);
    const QByteArray shared = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    QCOMPARE(QByteArray(reinterpret_cast<char*>(k1), 32).toHex(), shared.toHex());
    QCOMPARE(QByteArray(reinterpret_cast<char*>(k2), 32).toHex(), shared.toHex());
}

void TestSealing::argon2idReferenceVectors_data()
{
    // The Argon2 reference implementation's Argon2id v1.3 vectors (password
    // "password", salt "somesalt"), in PHC string form: libsodium's API takes no
    // secret or associated data, so RFC 9106's own vector cannot be fed to it.
    QTest::addColumn<QByteArray>("encoded");
    QTest::newRow("t=2 m=64MiB") << QByteArray(
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
    QTest::newRow("t=2 m=256KiB") << QByteArray(
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4");
    QTest::newRow("t=1 m=64MiB") << QByteArray(
        "$argon2id$v=19$m=65536,t=1,p=1$c29tZXNhbHQ$9qWtwbpyPd3vm1rB1GThgPzZ3/ydHL92zKL+15XZypg");
}

void TestSealing::argon2idReferenceVectors()
{
    QFETCH(QByteArray, encoded);
    QVERIFY(PasswordHash::verify(encoded.toStdString(), "password"));
    QVERIFY(!PasswordHash::verify(encoded.toStdString(), "Password"));
}

void TestSealing::secureBufferBasics()
{
    SecureBuffer empty;
    QVERIFY(empty.isEmpty());
    QCOMPARE(empty.size(), std::size_t(0));
    SecureBuffer zeros(5);
    QCOMPARE(bytesOf(zeros), QByteArray(5, '\0'));
    SecureBuffer a = SecureBuffer::copyOf("abc", 3);
    SecureBuffer b = SecureBuffer::copyOf(QByteArrayView("abc"));
    QVERIFY(a.equals(b));
    QVERIFY(a.equals(QByteArrayView("abc")));
    QVERIFY(!a.equals(SecureBuffer::copyOf("abd", 3)));
    QVERIFY(!a.equals(SecureBuffer::copyOf("ab", 2)));
    SecureBuffer moved = std::move(a);
    QVERIFY(a.isEmpty()); // NOLINT(bugprone-use-after-move): the moved-from state is part of the contract
    QCOMPARE(bytesOf(moved), QByteArray("abc"));
    const SecureBuffer r1 = SecureBuffer::random(32), r2 = SecureBuffer::random(32);
    QCOMPARE(r1.size(), std::size_t(32));
    QVERIFY(!r1.equals(r2));
    QCOMPARE(SecureBuffer::copyOf(QByteArrayView("\x00\xff", 2)).toBase64(), QByteArray("AP8="));
    bool ok = false;
    QCOMPARE(bytesOf(SecureBuffer::fromBase64("AP8=", &ok)), QByteArray("\x00\xff", 2));
    QVERIFY(ok);
    QVERIFY(SecureBuffer::fromBase64("AP8", &ok).isEmpty());
    QVERIFY(!ok);
    moved.readOnly();
    QCOMPARE(bytesOf(moved), QByteArray("abc"));
    moved.readWrite();
}

void TestSealing::secureBufferFromUtf8MatchesQt()
{
    const QString samples[] = {
        QString(),
        QStringLiteral("plain ascii"),
        QStringLiteral("caf\u00e9 \u20ac \u65e5\u672c"),
        QString::fromUtf8("emoji \xf0\x9f\x94\x91 key"),
        QString(QChar(0xD800)) + QStringLiteral("lone surrogate"), // encoded as Qt encodes it
    };
    for (const QString& s : samples)
        QCOMPARE(bytesOf(SecureBuffer::fromUtf8(s)), s.toUtf8());
}

void TestSealing::wipeClears()
{
    QByteArray bytes("secret-bytes");
    const char* raw = bytes.constData();
    SecureBuffer::wipe(bytes);
    QVERIFY(bytes.isEmpty());
    Q_UNUSED(raw);
    QString text = QStringLiteral("passphrase");
    SecureBuffer::wipe(text);
    QVERIFY(text.isEmpty());
    std::string s = "a-long-secret-that-is-not-in-the-small-string-buffer";
    SecureBuffer::wipe(s);
    QVERIFY(s.empty());
}

void TestSealing::base64IsStrict()
{
    const QByteArray key(32, 'k');
    const QByteArray b64 = Base64::encode(key);
    QCOMPARE(b64, key.toBase64());
    QCOMPARE(Base64::decodeExact(b64, 32).value_or(QByteArray()), key);
    QVERIFY(!Base64::decodeExact(b64, 31));
    QVERIFY(!Base64::decodeExact(Base64::encode(QByteArray(31, 'k')), 32));
    QVERIFY(!Base64::decode(b64.chopped(1)));         // padding missing
    QVERIFY(!Base64::decode(b64 + ' '));              // trailing space
    QVERIFY(!Base64::decode(QByteArray("a2V5-_=="))); // url-safe alphabet
    QVERIFY(!Base64::decode(QByteArray("AP9=")));     // non-canonical trailing bits
    QCOMPARE(Base64::decode(QByteArray()).value_or("x"), QByteArray());
}

void TestSealing::payloadRoundTripAndTampering()
{
    const SecureBuffer key = PayloadCipher::newKey();
    QCOMPARE(key.size(), std::size_t(32));
    QCOMPARE(QByteArray(PayloadCipher::kAlgorithm), QByteArray("xchacha20poly1305-ietf"));
    const SecureBuffer pt =
        secure(QByteArray("{\"apiEndpoint\":\"https://internal.example\",\"password\":\"x\"}"));
    const auto sealed = PayloadCipher::encrypt(key, pt);
    auto opened = PayloadCipher::decrypt(key, sealed.nonce, sealed.ciphertext);
    QVERIFY(opened);
    QVERIFY(opened->equals(pt));

    QVERIFY(!PayloadCipher::decrypt(key, flipped(sealed.nonce, 0), sealed.ciphertext));
    QVERIFY(!PayloadCipher::decrypt(key, sealed.nonce, flipped(sealed.ciphertext, 0)));
    QVERIFY(
        !PayloadCipher::decrypt(key, sealed.nonce, flipped(sealed.ciphertext, sealed.ciphertext.size() - 1)));
    QVERIFY(!PayloadCipher::decrypt(key, sealed.nonce, sealed.ciphertext.chopped(1)));
    QVERIFY(!PayloadCipher::decrypt(PayloadCipher::newKey(), sealed.nonce, sealed.ciphertext));

    // An empty plaintext is still authenticated.
    const auto emptySealed = PayloadCipher::encrypt(key, SecureBuffer());
    QCOMPARE(emptySealed.ciphertext.size(), 16);
    auto emptyOpened = PayloadCipher::decrypt(key, emptySealed.nonce, emptySealed.ciphertext);
    QVERIFY(emptyOpened && emptyOpened->isEmpty());
}

void TestSealing::payloadWrongLengths()
{
    const SecureBuffer pt = secure(QByteArray("x"));
    QVERIFY(PayloadCipher::encrypt(SecureBuffer(31), pt).ciphertext.isEmpty());
    QVERIFY(PayloadCipher::encrypt(SecureBuffer(33), pt).nonce.isEmpty());
    const SecureBuffer key = PayloadCipher::newKey();
    const auto sealed = PayloadCipher::encrypt(key, pt);
    QVERIFY(!PayloadCipher::decrypt(SecureBuffer(), sealed.nonce, sealed.ciphertext));
    QVERIFY(!PayloadCipher::decrypt(key, sealed.nonce.chopped(1), sealed.ciphertext));
    QVERIFY(!PayloadCipher::decrypt(key, sealed.nonce + 'x', sealed.ciphertext));
    QVERIFY(!PayloadCipher::decrypt(key, sealed.nonce, QByteArray(15, 'c')));
    QVERIFY(!PayloadCipher::decrypt(key, QByteArray(), QByteArray()));
}

void TestSealing::sealedBoxRoundTripAndWrongRecipient()
{
    const BoxKeyPair agent = BoxKeyPair::generate();
    const BoxKeyPair other = BoxKeyPair::generate();
    QCOMPARE(agent.publicKey.size(), 32);
    QVERIFY(agent.publicKey != other.publicKey);
    const SecureBuffer payloadKey = PayloadCipher::newKey();
    const QByteArray sealed = SealedBox::seal(payloadKey, agent.publicKey);
    QCOMPARE(sealed.size(), 32 + 48);
    auto opened = SealedBox::open(sealed, agent);
    QVERIFY(opened && opened->equals(payloadKey));
    QVERIFY(!SealedBox::open(sealed, other));
    for (qsizetype i : {qsizetype(0), qsizetype(31), qsizetype(32), sealed.size() - 1})
        QVERIFY2(!SealedBox::open(flipped(sealed, i), agent), qPrintable(QString::number(i)));
    QVERIFY(!SealedBox::open(sealed.chopped(1), agent));
    QVERIFY(!SealedBox::open(sealed.first(47), agent));
    QVERIFY(!SealedBox::open(QByteArray(), agent));
    // Two seals of the same key differ (fresh ephemeral key each time).
    QVERIFY(SealedBox::seal(payloadKey, agent.publicKey) != sealed);
}

void TestSealing::sealedBoxBadKeys()
{
    const SecureBuffer msg = secure(QByteArray("k"));
    QVERIFY(SealedBox::seal(msg, QByteArray(31, 'a')).isEmpty());
    QVERIFY(SealedBox::seal(msg, QByteArray(33, 'a')).isEmpty());
    QVERIFY(SealedBox::seal(msg, QByteArray()).isEmpty());
    // Low-order points (all zeros; 1) give an all-zero shared secret: refused.
    QVERIFY(SealedBox::seal(msg, QByteArray(32, '\0')).isEmpty());
    QByteArray one(32, '\0');
    one[0] = 1;
    QVERIFY(SealedBox::seal(msg, one).isEmpty());
    // A recipient pair that is not a pair.
    BoxKeyPair broken;
    broken.publicKey = QByteArray(32, 'p');
    const BoxKeyPair good = BoxKeyPair::generate();
    QVERIFY(!SealedBox::open(SealedBox::seal(msg, good.publicKey), broken));
}

void TestSealing::keyFingerprintIsSha256Prefix()
{
    // SHA-256 of 32 zero bytes is 66687aad f862bd77 6c8fc18b 8e9f8e20 ... (checked with Python's hashlib).
    QCOMPARE(keyFingerprint(QByteArray(32, '\0')), QStringLiteral("6668 7AAD F862 BD77 6C8F C18B 8E9F 8E20"));
    QCOMPARE(keyFingerprint(QByteArray()), QString());
    // Against OpenSSL's SHA-256 for fresh keys, and two keys never share one.
    const auto a = BoxKeyPair::generate();
    const auto b = BoxKeyPair::generate();
    QString expected;
    const std::string hex = Digest::sha256Hex(std::string(a.publicKey.constData(), 32)).substr(0, 32);
    for (std::size_t i = 0; i < hex.size(); i += 4)
        expected +=
            (i ? QStringLiteral(" ") : QString()) + QString::fromStdString(hex.substr(i, 4)).toUpper();
    QCOMPARE(keyFingerprint(a.publicKey), expected);
    QVERIFY(keyFingerprint(a.publicKey) != keyFingerprint(b.publicKey));
}

void TestSealing::keyPairsFromSecret()
{
    QVERIFY(!BoxKeyPair::fromSecret(SecureBuffer(31)));
    QVERIFY(!BoxKeyPair::fromSecret(SecureBuffer(64)));
    const BoxKeyPair box = BoxKeyPair::generate();
    auto again = BoxKeyPair::fromSecret(SecureBuffer::copyOf(box.secretKey.data(), box.secretKey.size()));
    QVERIFY(again);
    QCOMPARE(again->publicKey, box.publicKey);

    QVERIFY(!SigningKeyPair::fromSecret(SecureBuffer(31)));
    const SigningKeyPair sig = SigningKeyPair::generate();
    auto fromFull =
        SigningKeyPair::fromSecret(SecureBuffer::copyOf(sig.secretKey.data(), sig.secretKey.size()));
    QVERIFY(fromFull);
    QCOMPARE(fromFull->publicKey, sig.publicKey);
    auto fromSeed = SigningKeyPair::fromSecret(sig.seed());
    QVERIFY(fromSeed);
    QCOMPARE(fromSeed->publicKey, sig.publicKey);
    // A 64-byte key whose public half belongs to another seed is refused.
    SecureBuffer mixed = SecureBuffer::copyOf(sig.secretKey.data(), 64);
    mixed.data()[40] ^= 1;
    QVERIFY(!SigningKeyPair::fromSecret(std::move(mixed)));
    QVERIFY(SigningKeyPair().sign("x").isEmpty());
    QVERIFY(!SigningKeyPair::verify(QByteArray(31, 'a'), "m", QByteArray(64, 's')));
    QVERIFY(!SigningKeyPair::verify(sig.publicKey, "m", QByteArray(63, 's')));
}

void TestSealing::grantSignatureMessageFormat()
{
    const QByteArray ct("\x01\x02\x03", 3);
    const QByteArray sealedKey("\xff\xfe", 2);
    // SHA-256 of 010203 and base64 of fffe, spelled out so the format is pinned here.
    QCOMPARE(GrantSignature::message(QStringLiteral("tsk_\u00e9"), ct, sealedKey),
             QByteArray("taskdesk-grant-v1\ntsk_\xc3\xa9\n"
                        "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81\n//4="));
}

void TestSealing::grantSignatureRejectsTampering()
{
    const SigningKeyPair publisher = SigningKeyPair::generate();
    const SigningKeyPair stranger = SigningKeyPair::generate();
    const BoxKeyPair agent = BoxKeyPair::generate();
    const SecureBuffer payloadKey = PayloadCipher::newKey();
    const auto payload = PayloadCipher::encrypt(payloadKey, secure(QByteArray("{\"secret\":\"v\"}")));
    const QByteArray sealedKey = SealedBox::seal(payloadKey, agent.publicKey);
    const QString task = QStringLiteral("tsk_01");
    const QByteArray sig = GrantSignature::sign(publisher, task, payload.ciphertext, sealedKey);
    QCOMPARE(sig.size(), 64);
    QVERIFY(GrantSignature::verify(publisher.publicKey, task, payload.ciphertext, sealedKey, sig));

    QVERIFY(!GrantSignature::verify(stranger.publicKey, task, payload.ciphertext, sealedKey, sig));
    QVERIFY(!GrantSignature::verify(publisher.publicKey, QStringLiteral("tsk_02"), payload.ciphertext,
                                    sealedKey, sig));
    QVERIFY(
        !GrantSignature::verify(publisher.publicKey, task, flipped(payload.ciphertext, 3), sealedKey, sig));
    QVERIFY(
        !GrantSignature::verify(publisher.publicKey, task, payload.ciphertext, flipped(sealedKey, 5), sig));
    // A sealed key re-sealed by someone else to the same agent: same agent, new signature needed.
    QVERIFY(!GrantSignature::verify(publisher.publicKey, task, payload.ciphertext,
                                    SealedBox::seal(payloadKey, agent.publicKey), sig));
    for (qsizetype i : {qsizetype(0), qsizetype(31), qsizetype(32), qsizetype(63)})
        QVERIFY(!GrantSignature::verify(publisher.publicKey, task, payload.ciphertext, sealedKey,
                                        flipped(sig, i)));
    QVERIFY(
        !GrantSignature::verify(publisher.publicKey, task, payload.ciphertext, sealedKey, sig.chopped(1)));
    QVERIFY(
        !GrantSignature::verify(publisher.publicKey.chopped(1), task, payload.ciphertext, sealedKey, sig));
    QVERIFY(!GrantSignature::verify(QByteArray(), task, payload.ciphertext, sealedKey, sig));
    QVERIFY(GrantSignature::sign(SigningKeyPair(), task, payload.ciphertext, sealedKey).isEmpty());
}

void TestSealing::secretBoxBindsContext()
{
    const SecureBuffer key = SecureBuffer::random(32);
    const QByteArray blob = SecretBox::encrypt(key, "api-secret-value", "api_keys.secret:ak_1");
    QCOMPARE(blob.size(), 16 + 41);
    QCOMPARE(int(static_cast<unsigned char>(blob[0])), int(SecretBox::kVersion));
    auto plain = SecretBox::decrypt(key, blob, "api_keys.secret:ak_1");
    QVERIFY(plain && plain->equals(QByteArrayView("api-secret-value")));
    QVERIFY(!SecretBox::decrypt(key, blob, "api_keys.secret:ak_2"));
    QVERIFY(!SecretBox::decrypt(key, blob, {}));
    QVERIFY(!SecretBox::decrypt(SecureBuffer::random(32), blob, "api_keys.secret:ak_1"));
    for (qsizetype i : {qsizetype(0), qsizetype(1), qsizetype(24), qsizetype(25), blob.size() - 1})
        QVERIFY2(!SecretBox::decrypt(key, flipped(blob, i), "api_keys.secret:ak_1"),
                 qPrintable(QString::number(i)));
    QVERIFY(!SecretBox::decrypt(key, blob.first(40), "api_keys.secret:ak_1"));
    QVERIFY(SecretBox::encrypt(SecureBuffer(16), "x").isEmpty());
    QVERIFY(!SecretBox::decrypt(SecureBuffer(16), blob, "api_keys.secret:ak_1"));
    // Random nonces: the same secret twice gives different blobs.
    QVERIFY(SecretBox::encrypt(key, "same") != SecretBox::encrypt(key, "same"));
}

void TestSealing::serverKeyCreatesPrivateFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sub/server.key"));
    QString error;
    auto key = ServerKey::loadOrCreate(path, &error);
    QVERIFY2(key, qPrintable(error));
    QCOMPARE(key->size(), std::size_t(32));
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
    QCOMPARE(st.st_size, off_t(32));
    // The second start reads the same key, and no temporary file is left behind.
    auto again = ServerKey::loadOrCreate(path, &error);
    QVERIFY(again && again->equals(*key));
    QCOMPARE(QDir(dir.filePath(QStringLiteral("sub"))).entryList(QDir::Files),
             QStringList{QStringLiteral("server.key")});
}

void TestSealing::serverKeyRefusesLooseOrWrongFiles()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("server.key"));
    QString error;
    QVERIFY(ServerKey::loadOrCreate(path, &error));
    const QByteArray original = [&] {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }();

    QVERIFY(QFile::setPermissions(path,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup));
    QVERIFY(!ServerKey::loadOrCreate(path, &error));
    QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));
    QVERIFY(!error.contains(QString::fromLatin1(original.toHex())));
    QVERIFY(QFile::setPermissions(path,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
    QVERIFY(!ServerKey::loadOrCreate(path, &error));

    const QString shortPath = dir.filePath(QStringLiteral("short.key"));
    {
        QFile f(shortPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(31, 'k'));
    }
    QVERIFY(QFile::setPermissions(shortPath, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    error.clear();
    QVERIFY(!ServerKey::loadOrCreate(shortPath, &error));
    QVERIFY2(error.contains(QStringLiteral("31 bytes")), qPrintable(error));
    // The refused file was not replaced by a fresh key.
    QFile f(shortPath);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), QByteArray(31, 'k'));

    QVERIFY(!ServerKey::loadOrCreate(dir.path(), &error)); // a directory
    QVERIFY(!ServerKey::loadOrCreate(QString(), &error));
}

void TestSealing::bundlePlain()
{
    const SecureBuffer json = secure(bundleJson());
    const SecureBuffer file = HandoffBundle::plain(json);
    QVERIFY(file.equals(json));
    QCOMPARE(HandoffBundle::detect(file.view()), HandoffBundle::Protection::Plain);
    auto opened = HandoffBundle::open(file.view());
    QVERIFY(opened.ok);
    QCOMPARE(opened.protection, HandoffBundle::Protection::Plain);
    QVERIFY(opened.json.equals(json));
}

void TestSealing::bundleSealed()
{
    const SecureBuffer json = secure(bundleJson());
    const BoxKeyPair agent = BoxKeyPair::generate();
    const QByteArray file = HandoffBundle::sealTo(json, agent.publicKey);
    QVERIFY(!file.isEmpty());
    QVERIFY(!file.contains("tdk_live_abcdef"));
    QCOMPARE(HandoffBundle::detect(file), HandoffBundle::Protection::Sealed);
    const QJsonObject outer = QJsonDocument::fromJson(file).object();
    QCOMPARE(outer.value(QStringLiteral("format")).toString(), QStringLiteral("taskdesk-bundle"));
    QCOMPARE(outer.value(QStringLiteral("version")).toInt(), 1);

    auto opened = HandoffBundle::open(file, &agent);
    QVERIFY2(opened.ok, qPrintable(opened.error));
    QVERIFY(opened.json.equals(json));

    auto noKey = HandoffBundle::open(file);
    QCOMPARE(noKey.failure, HandoffBundle::Failure::NeedsKey);
    QVERIFY(!noKey.error.isEmpty());
    const BoxKeyPair other = BoxKeyPair::generate();
    QCOMPARE(HandoffBundle::open(file, &other).failure, HandoffBundle::Failure::WrongKey);

    // The sealed blob altered: damaged, not wrong key.
    QJsonObject altered = outer;
    QByteArray sealed = QByteArray::fromBase64(outer.value(QStringLiteral("sealed")).toString().toLatin1());
    altered[QStringLiteral("sealed")] = QString::fromLatin1(flipped(sealed, 50).toBase64());
    auto damaged = HandoffBundle::open(QJsonDocument(altered).toJson(), &agent);
    QVERIFY(!damaged.ok);
    QCOMPARE(damaged.failure, HandoffBundle::Failure::Damaged);
    QVERIFY(damaged.json.isEmpty());
    altered[QStringLiteral("sealed")] = QStringLiteral("not base64!");
    QCOMPARE(HandoffBundle::open(QJsonDocument(altered).toJson(), &agent).failure,
             HandoffBundle::Failure::Damaged);

    QVERIFY(HandoffBundle::sealTo(json, QByteArray(31, 'k')).isEmpty());
    QVERIFY(HandoffBundle::sealTo(json, QByteArray(32, '\0')).isEmpty());
}

void TestSealing::bundlePassphrase()
{
    const SecureBuffer json = secure(bundleJson());
    const SecureBuffer pass = SecureBuffer::fromUtf8(QStringLiteral("correct horse \u00e9"));
    const QByteArray file = HandoffBundle::protectFast(json, pass);
    QVERIFY(!file.isEmpty());
    QVERIFY(!file.contains("tdk_live_abcdef"));
    QCOMPARE(HandoffBundle::detect(file), HandoffBundle::Protection::Passphrase);
    auto opened = HandoffBundle::open(file, nullptr, &pass);
    QVERIFY2(opened.ok, qPrintable(opened.error));
    QVERIFY(opened.json.equals(json));

    QCOMPARE(HandoffBundle::open(file).failure, HandoffBundle::Failure::NeedsPassphrase);
    const SecureBuffer wrong = SecureBuffer::fromUtf8(QStringLiteral("correct horse e"));
    auto bad = HandoffBundle::open(file, nullptr, &wrong);
    QCOMPARE(bad.failure, HandoffBundle::Failure::WrongPassphrase);
    QVERIFY(!bad.error.contains(QStringLiteral("correct horse")));

    const QJsonObject outer = QJsonDocument::fromJson(file).object();
    auto withField = [&](const char* name, const QJsonValue& v) {
        QJsonObject o = outer;
        o[QLatin1StringView(name)] = v;
        return HandoffBundle::open(QJsonDocument(o).toJson(), nullptr, &pass);
    };
    auto flippedField = [&](const char* name) {
        const QByteArray raw =
            QByteArray::fromBase64(outer.value(QLatin1StringView(name)).toString().toLatin1());
        return withField(name, QString::fromLatin1(flipped(raw, 0).toBase64()));
    };
    QCOMPARE(flippedField("ciphertext").failure, HandoffBundle::Failure::Damaged);
    QCOMPARE(flippedField("nonce").failure, HandoffBundle::Failure::Damaged);
    // A changed salt or cost derives another key: the check says wrong passphrase.
    QCOMPARE(flippedField("salt").failure, HandoffBundle::Failure::WrongPassphrase);
    QCOMPARE(flippedField("keyCheck").failure, HandoffBundle::Failure::WrongPassphrase);
    QCOMPARE(withField("opslimit", outer.value(QStringLiteral("opslimit")).toDouble() + 1).failure,
             HandoffBundle::Failure::WrongPassphrase);
    // Costs that would make open() allocate or spin for too long are refused up front.
    QCOMPARE(withField("memlimit", 8.0 * 1024 * 1024 * 1024).failure, HandoffBundle::Failure::Damaged);
    QCOMPARE(withField("opslimit", 1e9).failure, HandoffBundle::Failure::Damaged);
    QCOMPARE(withField("opslimit", QStringLiteral("2")).failure, HandoffBundle::Failure::Damaged);
    QCOMPARE(withField("nonce", QStringLiteral("AAAA")).failure, HandoffBundle::Failure::Damaged);
    QCOMPARE(withField("alg", QStringLiteral("aes-256-gcm")).failure,
             HandoffBundle::Failure::UnsupportedVersion);
    QCOMPARE(withField("version", 2).failure, HandoffBundle::Failure::UnsupportedVersion);
    QVERIFY(HandoffBundle::protectFast(json, SecureBuffer()).isEmpty());
}

void TestSealing::bundlePassphraseDefaultsToModerate()
{
    const SecureBuffer json = secure(bundleJson());
    const SecureBuffer pass = SecureBuffer::fromUtf8(QStringLiteral("operator passphrase"));
    const QByteArray file = HandoffBundle::protect(json, pass);
    const QJsonObject outer = QJsonDocument::fromJson(file).object();
    QCOMPARE(outer.value(QStringLiteral("kdf")).toString(), QStringLiteral("argon2id13"));
    QCOMPARE(quint64(outer.value(QStringLiteral("opslimit")).toDouble()),
             quint64(crypto_pwhash_OPSLIMIT_MODERATE));
    QCOMPARE(quint64(outer.value(QStringLiteral("memlimit")).toDouble()),
             quint64(crypto_pwhash_MEMLIMIT_MODERATE));
    auto opened = HandoffBundle::open(file, nullptr, &pass);
    QVERIFY2(opened.ok, qPrintable(opened.error));
    QVERIFY(opened.json.equals(json));
}

void TestSealing::bundleGarbage()
{
    for (const QByteArray& junk :
         {QByteArray(), QByteArray("not json"), QByteArray("[1,2]"), QByteArray("{\"version\":1}"),
          QByteArray("{\"format\":\"taskdesk-bundle\",\"version\":1,\"protection\":\"rot13\"}"),
          QByteArray("\x00\xff\xfe", 3)}) {
        QCOMPARE(HandoffBundle::detect(junk), HandoffBundle::Protection::Unknown);
        auto o = HandoffBundle::open(junk);
        QVERIFY(!o.ok);
        QCOMPARE(o.failure, HandoffBundle::Failure::NotABundle);
        QVERIFY(!o.error.isEmpty());
    }
    // Every error is distinct text.
    QJsonObject sealedNoFields{{QStringLiteral("format"), QStringLiteral("taskdesk-bundle")},
                               {QStringLiteral("version"), 1},
                               {QStringLiteral("protection"), QStringLiteral("sealed")}};
    const BoxKeyPair agent = BoxKeyPair::generate();
    QCOMPARE(HandoffBundle::open(QJsonDocument(sealedNoFields).toJson(), &agent).failure,
             HandoffBundle::Failure::Damaged);
}

QTEST_GUILESS_MAIN(TestSealing)
#include "tst_sealing.moc"
