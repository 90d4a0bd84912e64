// crypto/ against published vectors (FIPS 180-2 for SHA-256, RFC 4231 for
// HMAC-SHA256) and request signing against an implementation that is not ours
// (Python's hmac and hashlib), plus the verifier from the attacker's side:
// stale, future, replayed-with-changes and malformed requests.
#include "Digest.h"
#include "RequestSigner.h"

#include <QByteArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <string>

using taskdesk::crypto::Digest;
using taskdesk::crypto::RequestSigner;

namespace {

std::string bytes(const char* hex)
{
    return QByteArray::fromHex(hex).toStdString();
}

std::string repeat(char c, int n)
{
    return std::string(static_cast<std::size_t>(n), c);
}

} // namespace

class TestCrypto : public QObject
{
    Q_OBJECT
private slots:
    void sha256Vectors();
    void hmacRfc4231_data();
    void hmacRfc4231();
    void canonicalString();
    void signMatchesPython();
    void verifyFromTheAttackersSide();
};

void TestCrypto::sha256Vectors()
{
    QCOMPARE(Digest::sha256Hex(""),
             std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    QCOMPARE(Digest::sha256Hex("abc"),
             std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

void TestCrypto::hmacRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("mac");
    auto row = [](const char* name, const std::string& key, const std::string& data, const char* mac) {
        QTest::newRow(name) << QByteArray::fromStdString(key) << QByteArray::fromStdString(data)
                            << QByteArray(mac);
    };
    row("case 1", repeat('\x0b', 20), "Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    row("case 2", "Jefe", "what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    row("case 3", repeat('\xaa', 20), repeat('\xdd', 50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    row("case 4", bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), repeat('\xcd', 50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    row("case 6", repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    row("case 7", repeat('\xaa', 131),
        "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
        "to "
        "be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

void TestCrypto::hmacRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, mac);
    QCOMPARE(QByteArray::fromStdString(Digest::hmacSha256Hex(key.toStdString(), data.toStdString())), mac);
}

void TestCrypto::canonicalString()
{
    QCOMPARE(RequestSigner::canonicalString("1700000000", "POST", "/api/agent/tasks?x=a%20b", "{}"),
             std::string("1700000000\nPOST\n/api/agent/tasks?x=a%20b\n") + Digest::sha256Hex("{}"));
    // An empty body still contributes its digest.
    QCOMPARE(RequestSigner::canonicalString("1", "GET", "/", ""),
             std::string("1\nGET\n/\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

void TestCrypto::signMatchesPython()
{
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed");
    const char* script =
        "import hmac, hashlib, sys\n"
        "secret, ts, method, target, body = sys.argv[1:6]\n"
        "canon = '\\n'.join([ts, method, target, hashlib.sha256(body.encode()).hexdigest()])\n"
        "print(hmac.new(secret.encode(), canon.encode(), hashlib.sha256).hexdigest())\n";
    const QStringList cases[] = {
        {QStringLiteral("sk_live_\u00e9t\u00e9"), QStringLiteral("1732300000"), QStringLiteral("POST"),
         QStringLiteral("/api/agent/tasks/tsk_1/bids?dry=1&q=a%2Bb"),
         QStringLiteral("{\"proposedAmount\":12.5,\"note\":\"caf\u00e9\"}")},
        {QStringLiteral("s"), QStringLiteral("0"), QStringLiteral("GET"), QStringLiteral("/api/tasks"),
         QString()},
    };
    for (const QStringList& c : cases) {
        QProcess p;
        p.start(python, QStringList{QStringLiteral("-c"), QString::fromLatin1(script)} + c);
        QVERIFY(p.waitForFinished(20000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray theirs = p.readAllStandardOutput().trimmed();
        const std::string ours =
            RequestSigner::sign(c[0].toStdString(), c[1].toStdString(), c[2].toStdString(),
                                c[3].toStdString(), c[4].toStdString());
        QCOMPARE(QByteArray::fromStdString(ours), theirs);
    }
}

void TestCrypto::verifyFromTheAttackersSide()
{
    using Check = RequestSigner::Check;
    const std::string secret = "the-secret";
    const std::int64_t now = 1732300000;
    const std::string ts = std::to_string(now);
    const std::string body = "{\"title\":\"t\"}";
    const std::string sig = RequestSigner::sign(secret, ts, "POST", "/api/agent/tasks", body);

    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, sig, now) == Check::Ok);
    // Upper-case hex is the same signature.
    std::string upper = sig;
    for (char& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, upper, now) == Check::Ok);
    // The window is 300 s either way, inclusive.
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, sig, now + 300) == Check::Ok);
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, sig, now + 301) ==
            Check::Stale);
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, sig, now - 301) ==
            Check::Stale);
    // Each part of the request is covered.
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", "{\"title\":\"T\"}", sig, now) ==
            Check::BadSignature);
    QVERIFY(RequestSigner::verify(secret, ts, "PUT", "/api/agent/tasks", body, sig, now) ==
            Check::BadSignature);
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks?x=1", body, sig, now) ==
            Check::BadSignature);
    QVERIFY(RequestSigner::verify("other", ts, "POST", "/api/agent/tasks", body, sig, now) ==
            Check::BadSignature);
    // A signature for another timestamp does not carry over.
    QVERIFY(RequestSigner::verify(secret, std::to_string(now + 1), "POST", "/api/agent/tasks", body, sig,
                                  now) == Check::BadSignature);
    // Malformed input.
    for (const std::string bad : {"", "-1", "1.5", " 1732300000", "17323000000000", "0x10"})
        QVERIFY2(RequestSigner::verify(secret, bad, "POST", "/api/agent/tasks", body, sig, now) ==
                     Check::BadTimestamp,
                 bad.c_str());
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, sig.substr(0, 63), now) ==
            Check::BadSignature);
    QVERIFY(RequestSigner::verify(secret, ts, "POST", "/api/agent/tasks", body, "", now) ==
            Check::BadSignature);
}

QTEST_GUILESS_MAIN(TestCrypto)
#include "tst_crypto.moc"
