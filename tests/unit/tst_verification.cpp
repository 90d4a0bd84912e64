// Verification rules: validation of the rule a client gives, and running it against an output.

#include "Digest.h"
#include "domain/Verification.h"

#include <QElapsedTimer>
#include <QTest>
#include <boost/json.hpp>
#include <string>

namespace json = boost::json;
using taskdesk::crypto::Digest;
using taskdesk::domain::checkVerificationRule;
using taskdesk::domain::runVerification;

namespace {

json::value j(const char* text)
{
    return json::parse(text);
}

// Plain function rather than QStringLiteral: moc's preprocessor trips over raw strings in macro arguments.
QString u8s(const char* text)
{
    return QString::fromUtf8(text);
}

json::value shaRule(const std::string& hex)
{
    return json::object{{"type", "sha256"}, {"value", hex}};
}

const std::string kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

} // namespace

class TestVerification : public QObject
{
    Q_OBJECT

private slots:
    void validRulesAccepted_data();
    void validRulesAccepted();
    void invalidRulesRejected_data();
    void invalidRulesRejected();

    void regexPassFailNonString();
    void catastrophicRegexTerminatesAndFails();
    void sha256OfString();
    void sha256OfObject();
    void jsonSchemaPassAndFail();
    void missingOutputFails();
    void invalidRuleNeverPasses();
};

void TestVerification::validRulesAccepted_data()
{
    QTest::addColumn<QString>("rule");
    QTest::newRow("regex") << u8s(R"({"type":"regex","pattern":"^[0-9]+$"})");
    QTest::newRow("regex autoAccept") << u8s(R"({"type":"regex","pattern":"x","autoAccept":true})");
    QTest::newRow("sha256 upper") << QString::fromStdString(
        R"({"type":"sha256","value":")" + QByteArray::fromStdString(kAbcSha256).toUpper().toStdString() +
        R"(","autoAccept":false})");
    QTest::newRow("json-schema") << u8s(
        R"({"type":"json-schema","schema":{"type":"object","required":["a"]}})");
    QTest::newRow("json-schema true") << u8s(R"({"type":"json-schema","schema":true})");
    QTest::newRow("pattern 1000") << u8s(R"({"type":"regex","pattern":")") + QString(1000, QLatin1Char('a')) +
                                         u8s(R"("})");
}

void TestVerification::validRulesAccepted()
{
    QFETCH(QString, rule);
    QCOMPARE(checkVerificationRule(j(qPrintable(rule))), std::string());
}

void TestVerification::invalidRulesRejected_data()
{
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("mention");
    QTest::newRow("not object") << u8s(R"("regex")") << QStringLiteral("object");
    QTest::newRow("no type") << u8s(R"({"pattern":"x"})") << QStringLiteral("type");
    QTest::newRow("unknown type") << u8s(R"({"type":"xpath","pattern":"x"})")
                                  << QStringLiteral("unknown type");
    QTest::newRow("type not string") << u8s(R"({"type":1})") << QStringLiteral("type");
    QTest::newRow("autoAccept string")
        << u8s(R"({"type":"regex","pattern":"x","autoAccept":"yes"})") << QStringLiteral("autoAccept");
    QTest::newRow("autoAccept number")
        << u8s(R"({"type":"regex","pattern":"x","autoAccept":1})") << QStringLiteral("autoAccept");
    QTest::newRow("extra member") << u8s(R"({"type":"regex","pattern":"x","flags":"i"})")
                                  << QStringLiteral("unknown member \"flags\"");
    QTest::newRow("other type's member")
        << u8s(R"({"type":"regex","pattern":"x","value":"y"})") << QStringLiteral("unknown member \"value\"");
    QTest::newRow("missing pattern") << u8s(R"({"type":"regex"})") << QStringLiteral("\"pattern\"");
    QTest::newRow("pattern not string")
        << u8s(R"({"type":"regex","pattern":["x"]})") << QStringLiteral("\"pattern\"");
    QTest::newRow("empty pattern") << u8s(R"({"type":"regex","pattern":""})") << QStringLiteral("empty");
    QTest::newRow("bad regex") << u8s(R"({"type":"regex","pattern":"[a-"})")
                               << QStringLiteral("not a valid regular expression");
    QTest::newRow("pattern 1001") << u8s(R"({"type":"regex","pattern":")") + QString(1001, QLatin1Char('a')) +
                                         u8s(R"("})")
                                  << QStringLiteral("longer than 1000");
    QTest::newRow("missing value") << u8s(R"({"type":"sha256"})") << QStringLiteral("\"value\"");
    QTest::newRow("hash 63") << QString::fromStdString(R"({"type":"sha256","value":")" +
                                                       kAbcSha256.substr(1) + R"("})")
                             << QStringLiteral("64 hexadecimal");
    QTest::newRow("hash 65") << QString::fromStdString(R"({"type":"sha256","value":")" + kAbcSha256 +
                                                       R"(0"})")
                             << QStringLiteral("64 hexadecimal");
    QTest::newRow("hash not hex") << QString::fromStdString(R"({"type":"sha256","value":")" +
                                                            kAbcSha256.substr(1) + R"(g"})")
                                  << QStringLiteral("64 hexadecimal");
    QTest::newRow("hash number") << u8s(R"({"type":"sha256","value":12})")
                                 << QStringLiteral("64 hexadecimal");
    QTest::newRow("missing schema") << u8s(R"({"type":"json-schema"})") << QStringLiteral("\"schema\"");
    QTest::newRow("schema $ref")
        << u8s(R"({"type":"json-schema","schema":{"properties":{"a":{"$ref":"#"}}}})")
        << u8s(R"(unsupported keyword "$ref" at /properties/a)");
    QTest::newRow("schema bad value")
        << u8s(R"({"type":"json-schema","schema":{"minLength":-1}})") << QStringLiteral("minLength");
    QTest::newRow("schema not schema")
        << u8s(R"({"type":"json-schema","schema":"x"})") << QStringLiteral("schema");
}

void TestVerification::invalidRulesRejected()
{
    QFETCH(QString, rule);
    QFETCH(QString, mention);
    const QString reason = QString::fromStdString(checkVerificationRule(j(qPrintable(rule))));
    QVERIFY2(reason.contains(mention), qPrintable(QStringLiteral("reason: '") + reason + QLatin1Char('\'')));
}

void TestVerification::regexPassFailNonString()
{
    const json::value rule = j(R"({"type":"regex","pattern":"^[0-9]{3}-[0-9]{4}$"})");
    auto r = runVerification(rule, j(R"("555-1234")"));
    QVERIFY(r.passed);
    QCOMPARE(r.detail, std::string());

    r = runVerification(rule, j(R"("call 555-1234")"));
    QVERIFY(!r.passed);
    QVERIFY(!r.detail.empty());

    r = runVerification(rule, j("5551234"));
    QVERIFY(!r.passed);
    QVERIFY2(r.detail.find("string") != std::string::npos, r.detail.c_str());

    // Unanchored unless the pattern anchors itself.
    QVERIFY(runVerification(j(R"({"type":"regex","pattern":"ok"})"), j(R"("it is ok!")")).passed);
    QVERIFY(runVerification(j(R"({"type":"regex","pattern":"\\d+"})"), j(R"("a1")")).passed);
    QVERIFY(!runVerification(j(R"({"type":"regex","pattern":"\\d+"})"), j(R"("\u0663")")).passed); // ASCII \d
}

void TestVerification::catastrophicRegexTerminatesAndFails()
{
    const json::value rule = j(R"({"type":"regex","pattern":"(a+)+$"})");
    QCOMPARE(checkVerificationRule(rule), std::string());
    const json::value output = json::string(std::string(30, 'a') + "b");
    QElapsedTimer timer;
    timer.start();
    const auto r = runVerification(rule, output);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!r.passed);
    QVERIFY2(r.detail.find("limit") != std::string::npos, r.detail.c_str());

    const json::value nested = j(R"({"type":"regex","pattern":"^(([a-z])+.)+[A-Z]([a-z])+$"})");
    timer.restart();
    QVERIFY(!runVerification(nested, json::string(std::string(40, 'a') + "!")).passed);
    QVERIFY(timer.elapsed() < 2000);
}

void TestVerification::sha256OfString()
{
    const json::value rule = shaRule(kAbcSha256);
    auto r = runVerification(rule, j(R"("abc")"));
    QVERIFY(r.passed);
    QCOMPARE(r.detail, std::string());

    const std::string upper = QByteArray::fromStdString(kAbcSha256).toUpper().toStdString();
    QVERIFY(runVerification(shaRule(upper), j(R"("abc")")).passed);

    r = runVerification(rule, j(R"("abd")"));
    QVERIFY(!r.passed);
    QVERIFY(!r.detail.empty());
    // The string itself is hashed, not its JSON text.
    QVERIFY(!runVerification(shaRule(Digest::sha256Hex("\"abc\"")), j(R"("abc")")).passed);
    // UTF-8 bytes of a non-ASCII string.
    QVERIFY(runVerification(shaRule(Digest::sha256Hex("\xc3\xa9")), j(R"("\u00e9")")).passed);
}

void TestVerification::sha256OfObject()
{
    const json::value output = j(R"({ "b" : [1, 2.5, true], "a" : null })");
    const std::string expected = Digest::sha256Hex(R"({"b":[1,2.5E0,true],"a":null})");
    QCOMPARE(json::serialize(output), std::string(R"({"b":[1,2.5E0,true],"a":null})"));
    const json::value rule = shaRule(expected);
    QVERIFY(runVerification(rule, output).passed);
    QVERIFY(!runVerification(rule, j(R"({"b":[1,2.5,false],"a":null})")).passed);
    QVERIFY(runVerification(shaRule(Digest::sha256Hex("42")), j("42")).passed);
}

void TestVerification::jsonSchemaPassAndFail()
{
    const json::value rule = j(R"({"type":"json-schema","autoAccept":true,"schema":{
        "type":"object","required":["answer"],
        "properties":{"answer":{"type":"integer","minimum":0}},"additionalProperties":false}})");
    auto r = runVerification(rule, j(R"({"answer":42})"));
    QVERIFY(r.passed);
    QCOMPARE(r.detail, std::string());

    r = runVerification(rule, j(R"({"answer":-1})"));
    QVERIFY(!r.passed);
    QCOMPARE(r.detail, std::string("/answer: -1 is less than minimum 0"));

    r = runVerification(rule, j(R"({"answer":"x","b":1,"c":2,"d":3})"));
    QVERIFY(!r.passed);
    QVERIFY2(r.detail.find("/answer: expected type integer, got string") == 0, r.detail.c_str());
    QVERIFY2(r.detail.find("and 1 more violation") != std::string::npos, r.detail.c_str());

    json::array many;
    for (int i = 0; i < 50; ++i)
        many.push_back(i);
    r = runVerification(j(R"({"type":"json-schema","schema":{"items":{"type":"string"}}})"), many);
    QVERIFY(!r.passed);
    QVERIFY2(r.detail.find("and at least 17 more violations") != std::string::npos, r.detail.c_str());
}

void TestVerification::missingOutputFails()
{
    for (const char* rule : {R"({"type":"json-schema","schema":true})", R"({"type":"regex","pattern":"x"})",
                             R"({"type":"json-schema","schema":{"type":"null"}})"}) {
        const auto r = runVerification(j(rule), json::value());
        QVERIFY(!r.passed);
        QCOMPARE(r.detail, std::string("no output submitted"));
    }
}

void TestVerification::invalidRuleNeverPasses()
{
    const auto r = runVerification(j(R"({"type":"json-schema","schema":{"$ref":"#"}})"), j("1"));
    QVERIFY(!r.passed);
    QVERIFY2(r.detail.find("invalid verification rule") == 0, r.detail.c_str());
    QVERIFY(!runVerification(j(R"({"type":"magic"})"), j("1")).passed);
}

QTEST_APPLESS_MAIN(TestVerification)
#include "tst_verification.moc"
