// JsonSchema: driven by the official JSON-Schema-Test-Suite (Debian package json-schema-test-suite,
// draft 7) for the supported keywords, plus hand-written cases for what the suite does not cover.

#include "domain/JsonSchema.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
#include <QTest>
#include <boost/json.hpp>
#include <set>
#include <string>

namespace json = boost::json;
using taskdesk::domain::JsonSchema;

namespace {

const QStringList kSuiteFiles = {
    QStringLiteral("type"),
    QStringLiteral("properties"),
    QStringLiteral("required"),
    QStringLiteral("items"),
    QStringLiteral("enum"),
    QStringLiteral("const"),
    QStringLiteral("pattern"),
    QStringLiteral("minimum"),
    QStringLiteral("maximum"),
    QStringLiteral("exclusiveMinimum"),
    QStringLiteral("exclusiveMaximum"),
    QStringLiteral("minLength"),
    QStringLiteral("maxLength"),
    QStringLiteral("minItems"),
    QStringLiteral("maxItems"),
    QStringLiteral("additionalProperties"),
    QStringLiteral("boolean_schema"),
};

QString suiteDir()
{
    const QString env = qEnvironmentVariable("JSON_SCHEMA_TEST_SUITE");
    return env.isEmpty() ? QStringLiteral("/usr/share/json-schema-test-suite/tests/draft7") : env;
}

// The test's own, independent idea of what the engine supports: walks a schema structurally and says
// whether anything in it is outside the supported subset.
bool usesUnsupported(const json::value& schema)
{
    static const std::set<std::string> leafKeywords = {"type",        "required",         "enum",
                                                       "const",       "pattern",          "minimum",
                                                       "maximum",     "exclusiveMinimum", "exclusiveMaximum",
                                                       "minLength",   "maxLength",        "minItems",
                                                       "maxItems",    "$schema",          "title",
                                                       "description", "$comment",         "default",
                                                       "examples"};
    if (schema.is_bool())
        return false;
    if (!schema.is_object())
        return true;
    for (const auto& m : schema.get_object()) {
        const std::string key(m.key());
        if (leafKeywords.count(key))
            continue;
        if (key == "properties") {
            for (const auto& p : m.value().get_object())
                if (usesUnsupported(p.value()))
                    return true;
        } else if (key == "items" || key == "additionalProperties") {
            if (m.value().is_array() || usesUnsupported(m.value())) // tuple-form items is unsupported
                return true;
        } else
            return true;
    }
    return false;
}

json::value j(const char* text)
{
    return json::parse(text);
}

// Plain function rather than QStringLiteral: moc's preprocessor trips over raw strings in macro arguments.
QString u8s(const char* text)
{
    return QString::fromUtf8(text);
}

bool valid(const char* schema, const char* instance)
{
    const json::value s = j(schema);
    const std::string reason = JsonSchema::checkSchema(s);
    if (!reason.empty())
        qFatal("test schema rejected: %s", reason.c_str());
    return JsonSchema::validate(s, j(instance)).empty();
}

QByteArray joined(const std::vector<std::string>& v)
{
    QByteArray out;
    for (const auto& s : v)
        out += QByteArray::fromStdString(s) + " | ";
    return out;
}

} // namespace

class TestJsonSchema : public QObject
{
    Q_OBJECT

private slots:
    void suite_data();
    void suite();
    void suiteSummary();

    void unsupportedKeywordsRejected_data();
    void unsupportedKeywordsRejected();
    void depthLimit();
    void badKeywordValues_data();
    void badKeywordValues();
    void annotationsAccepted();
    void unicodeLength();
    void integerType();
    void numericEquality();
    void exactNumericBounds();
    void violationPaths();
    void maxErrors();
    void catastrophicPatternIsBoundedAndFails();
    void failsClosedOnUncheckedSchema();

private:
    int m_files = 0;
    int m_casesRun = 0;
    int m_casesRejected = 0;
    int m_testsRun = 0;
    int m_testsPassed = 0;
    QStringList m_rejectedCases;
};

void TestJsonSchema::suite_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(suiteDir());
    if (!dir.exists()) {
        QTest::newRow("suite-missing") << QString();
        return;
    }
    for (const QString& name : kSuiteFiles)
        QTest::newRow(qPrintable(name)) << dir.filePath(name + QStringLiteral(".json"));
}

void TestJsonSchema::suite()
{
    QFETCH(QString, path);
    if (path.isEmpty())
        QSKIP(qPrintable(QStringLiteral("JSON-Schema-Test-Suite not found at %1 (install the Debian package "
                                        "json-schema-test-suite or set JSON_SCHEMA_TEST_SUITE)")
                             .arg(suiteDir())));
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(QStringLiteral("cannot open ") + path));
    const QByteArray bytes = file.readAll();
    boost::system::error_code ec;
    const json::value doc = json::parse(std::string_view(bytes.constData(), std::size_t(bytes.size())), ec);
    QVERIFY2(!ec, qPrintable(path + QStringLiteral(": ") + QString::fromStdString(ec.message())));
    QVERIFY(doc.is_array());
    ++m_files;

    const QString fileName = QFileInfo(path).completeBaseName();
    QStringList failures;
    for (const auto& c : doc.get_array()) {
        const json::object& group = c.get_object();
        const QString caseName = fileName + QStringLiteral(": ") +
                                 QString::fromStdString(std::string(group.at("description").get_string()));
        const json::value& schema = group.at("schema");
        const std::string reason = JsonSchema::checkSchema(schema);
        const bool expectUnsupported = usesUnsupported(schema);

        if (expectUnsupported) {
            if (reason.empty())
                failures << caseName +
                                QStringLiteral(": schema uses an unsupported keyword but was accepted");
            else {
                ++m_casesRejected;
                m_rejectedCases << caseName + QStringLiteral(" [") + QString::fromStdString(reason) +
                                       QStringLiteral("]");
            }
            continue;
        }
        if (!reason.empty()) {
            failures << caseName + QStringLiteral(": supported schema rejected: ") +
                            QString::fromStdString(reason);
            continue;
        }
        ++m_casesRun;
        for (const auto& t : group.at("tests").get_array()) {
            const json::object& test = t.get_object();
            const bool expected = test.at("valid").get_bool();
            const auto violations = JsonSchema::validate(schema, test.at("data"));
            ++m_testsRun;
            if (violations.empty() == expected)
                ++m_testsPassed;
            else
                failures << caseName + QStringLiteral(" / ") +
                                QString::fromStdString(std::string(test.at("description").get_string())) +
                                QStringLiteral(": expected %1, got %2 %3")
                                    .arg(expected ? QStringLiteral("valid") : QStringLiteral("invalid"),
                                         violations.empty() ? QStringLiteral("valid")
                                                            : QStringLiteral("invalid"),
                                         QString::fromUtf8(joined(violations)));
        }
    }
    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
}

void TestJsonSchema::suiteSummary()
{
    if (m_files == 0)
        QSKIP("JSON-Schema-Test-Suite not available; no summary");
    for (const QString& rejected : std::as_const(m_rejectedCases))
        qInfo("rejected as unsupported: %s", qPrintable(rejected));
    qInfo("draft7 suite: %d files, %d cases run (%d tests, %d passed), %d cases rejected as unsupported",
          m_files, m_casesRun, m_testsRun, m_testsPassed, m_casesRejected);
    QCOMPARE(m_files, int(kSuiteFiles.size()));
    QVERIFY(m_casesRun > 0);
    QCOMPARE(m_testsPassed, m_testsRun);
}

void TestJsonSchema::unsupportedKeywordsRejected_data()
{
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("expected");
    QTest::newRow("$ref") << u8s(R"({"properties":{"a":{"$ref":"#"}}})")
                          << u8s(R"(unsupported keyword "$ref" at /properties/a)");
    QTest::newRow("allOf") << u8s(R"({"allOf":[{"type":"string"}]})")
                           << u8s(R"(unsupported keyword "allOf" at /)");
    QTest::newRow("format") << u8s(R"({"type":"string","format":"email"})")
                            << u8s(R"(unsupported keyword "format" at /)");
    QTest::newRow("patternProperties") << u8s(R"({"type":"object","patternProperties":{"^x":{}}})")
                                       << u8s(R"(unsupported keyword "patternProperties" at /)");
    QTest::newRow("deep oneOf")
        << u8s(R"({"properties":{"a":{"properties":{"b/c":{"items":{"additionalProperties":)"
               R"({"oneOf":[true]}}}}}}})")
        << u8s(R"(unsupported keyword "oneOf" at /properties/a/properties/b~1c/items/additionalProperties)");
    QTest::newRow("dependencies") << u8s(R"({"dependencies":{"a":["b"]}})")
                                  << u8s(R"(unsupported keyword "dependencies" at /)");
    QTest::newRow("if") << u8s(R"({"items":{"if":true,"then":false}})")
                        << u8s(R"(unsupported keyword "if" at /items)");
    QTest::newRow("$id") << u8s(R"({"$id":"http://example.com/s"})")
                         << u8s(R"(unsupported keyword "$id" at /)");
    QTest::newRow("tuple items") << u8s(R"({"items":[{"type":"string"}]})")
                                 << QStringLiteral(
                                        "unsupported keyword form: \"items\" as an array of schemas "
                                        "(tuple validation) at /");
    QTest::newRow("keyword under annotation name is still checked")
        << u8s(R"({"properties":{"title":{"not":{}}}})")
        << u8s(R"(unsupported keyword "not" at /properties/title)");
}

void TestJsonSchema::unsupportedKeywordsRejected()
{
    QFETCH(QString, schema);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(JsonSchema::checkSchema(j(qPrintable(schema)))), expected);
}

void TestJsonSchema::depthLimit()
{
    // Built in code: boost::json::parse itself stops at depth 32 by default.
    const auto nested = [](int levels) {
        json::value schema = json::object{{"type", "string"}};
        for (int i = 1; i < levels; ++i)
            schema = json::object{{"items", std::move(schema)}};
        return schema;
    };
    QCOMPARE(JsonSchema::checkSchema(nested(JsonSchema::kMaxDepth)), std::string());
    const std::string reason = JsonSchema::checkSchema(nested(JsonSchema::kMaxDepth + 1));
    QVERIFY2(reason.find("deeper than 32") != std::string::npos, reason.c_str());

    json::value viaProperties = true;
    for (int i = 1; i <= JsonSchema::kMaxDepth; ++i)
        viaProperties = json::object{{"properties", json::object{{"p", std::move(viaProperties)}}}};
    QVERIFY(!JsonSchema::checkSchema(viaProperties).empty()); // 33 levels counting the leaf `true`

    // Validation of an accepted deep schema against a deep instance works.
    json::value instance = "x";
    for (int i = 1; i < JsonSchema::kMaxDepth; ++i)
        instance = json::array{std::move(instance)};
    QVERIFY(JsonSchema::validate(nested(JsonSchema::kMaxDepth), instance).empty());
}

void TestJsonSchema::badKeywordValues_data()
{
    QTest::addColumn<QString>("schema");
    QTest::addColumn<QString>("mention");
    QTest::newRow("not a schema") << QStringLiteral("42") << QStringLiteral("object or a boolean");
    QTest::newRow("minLength -1") << u8s(R"({"minLength":-1})") << QStringLiteral("minLength");
    QTest::newRow("minLength 1.5") << u8s(R"({"minLength":1.5})") << QStringLiteral("minLength");
    QTest::newRow("maxItems string") << u8s(R"({"maxItems":"2"})") << QStringLiteral("maxItems");
    QTest::newRow("required string") << u8s(R"({"required":"x"})") << QStringLiteral("required");
    QTest::newRow("required number") << u8s(R"({"required":[1]})") << QStringLiteral("required");
    QTest::newRow("required twice") << u8s(R"({"required":["a","a"]})") << QStringLiteral("twice");
    QTest::newRow("type unknown") << u8s(R"({"type":"float"})") << QStringLiteral("float");
    QTest::newRow("type empty") << u8s(R"({"type":[]})") << QStringLiteral("type");
    QTest::newRow("type twice") << u8s(R"({"type":["string","string"]})") << QStringLiteral("twice");
    QTest::newRow("properties array") << u8s(R"({"properties":[]})") << QStringLiteral("properties");
    QTest::newRow("property schema") << u8s(R"({"properties":{"a":3}})")
                                     << QStringLiteral("at /properties/a");
    QTest::newRow("items number") << u8s(R"({"items":3})") << QStringLiteral("items");
    QTest::newRow("enum object") << u8s(R"({"enum":{}})") << QStringLiteral("enum");
    QTest::newRow("pattern invalid") << u8s(R"({"pattern":"(a"})") << QStringLiteral("pattern");
    QTest::newRow("pattern number") << u8s(R"({"pattern":5})") << QStringLiteral("pattern");
    QTest::newRow("pattern too long")
        << u8s(R"({"pattern":")") + QString(1001, QLatin1Char('a')) + u8s(R"("})")
        << QStringLiteral("longer than 1000");
    QTest::newRow("minimum string") << u8s(R"({"minimum":"1"})") << QStringLiteral("minimum");
    QTest::newRow("exclusiveMaximum bool")
        << u8s(R"({"exclusiveMaximum":true})") << QStringLiteral("exclusiveMaximum");
    QTest::newRow("additionalProperties 1")
        << u8s(R"({"additionalProperties":1})") << QStringLiteral("additionalProperties");
    QTest::newRow("title number") << u8s(R"({"title":1})") << QStringLiteral("title");
    QTest::newRow("examples object") << u8s(R"({"examples":{}})") << QStringLiteral("examples");
}

void TestJsonSchema::badKeywordValues()
{
    QFETCH(QString, schema);
    QFETCH(QString, mention);
    const QString reason = QString::fromStdString(JsonSchema::checkSchema(j(qPrintable(schema))));
    QVERIFY2(reason.contains(mention), qPrintable(QStringLiteral("reason: '") + reason + QLatin1Char('\'')));
    QVERIFY(!reason.contains(QLatin1Char('\n')));
}

void TestJsonSchema::annotationsAccepted()
{
    const json::value s = j(R"({"$schema":"http://json-schema.org/draft-07/schema#","title":"t",
        "description":"d","$comment":"c","default":{"x":[1]},"examples":[1,"a"],"type":"object",
        "properties":{"a":{"title":"inner","type":"integer"}},"required":["a"],"additionalProperties":false})");
    QCOMPARE(JsonSchema::checkSchema(s), std::string());
    QVERIFY(JsonSchema::validate(s, j(R"({"a":3})")).empty());
    QVERIFY(!JsonSchema::validate(s, j(R"({"a":3,"b":1})")).empty());
    QVERIFY(valid(R"({"minLength":2.0})", R"("ab")")); // integer-valued double is a valid keyword value
}

void TestJsonSchema::unicodeLength()
{
    QVERIFY(valid(R"({"maxLength":1})", R"("\u00e9")"));
    QVERIFY(!valid(R"({"minLength":2})", R"("\u00e9")"));
    QVERIFY(valid(R"({"maxLength":1})", R"("\ud83d\udca9")")); // one supplementary code point, 4 bytes
    QVERIFY(valid(R"({"minLength":3,"maxLength":3})", R"("h\u00e9\u4e16")"));
    QCOMPARE(JsonSchema::codePointCount("\xc3\xa9"), std::size_t(1));
}

void TestJsonSchema::integerType()
{
    QVERIFY(valid(R"({"type":"integer"})", "1.0"));
    QVERIFY(valid(R"({"type":"integer"})", "-0.0"));
    QVERIFY(valid(R"({"type":"integer"})", "1e20"));
    QVERIFY(valid(R"({"type":"integer"})", "18446744073709551615"));
    QVERIFY(!valid(R"({"type":"integer"})", "1.5"));
    QVERIFY(!valid(R"({"type":"integer"})", R"("1")"));
    QVERIFY(valid(R"({"type":"number"})", "1"));
    QVERIFY(valid(R"({"type":["null","integer"]})", "null"));
}

void TestJsonSchema::numericEquality()
{
    QVERIFY(valid(R"({"const":1})", "1.0"));
    QVERIFY(valid(R"({"enum":[0]})", "-0.0"));
    QVERIFY(!valid(R"({"enum":[0]})", "false"));
    QVERIFY(!valid(R"({"const":1})", "true"));
    QVERIFY(valid(R"({"const":{"a":[1,{"b":2.0}],"c":null}})", R"({"c":null,"a":[1.0,{"b":2}]})"));
    QVERIFY(!valid(R"({"const":{"a":1}})", R"({"a":1,"b":1})"));
    QVERIFY(!valid(R"({"const":[1,2]})", "[2,1]"));
    QVERIFY(valid(R"({"const":9007199254740992})", "9007199254740992.0"));
    QVERIFY(!valid(R"({"const":9007199254740993})", "9007199254740992.0"));
    QVERIFY(valid(R"({"const":18446744073709551615})", "18446744073709551615"));
    QVERIFY(!valid(R"({"const":18446744073709551615})", "-1"));
}

void TestJsonSchema::exactNumericBounds()
{
    QVERIFY(!valid(R"({"minimum":9007199254740993})", "9007199254740992.0"));
    QVERIFY(valid(R"({"maximum":18446744073709551615})", "18446744073709551615"));
    QVERIFY(!valid(R"({"maximum":18446744073709551615})", "18446744073709551616.0"));
    QVERIFY(valid(R"({"minimum":-9223372036854775808})", "-9223372036854775808"));
    QVERIFY(!valid(R"({"minimum":-1})", "-1.5"));
    QVERIFY(valid(R"({"exclusiveMinimum":1,"exclusiveMaximum":2})", "1.5"));
    QVERIFY(!valid(R"({"exclusiveMinimum":1})", "1.0"));
    QVERIFY(!valid(R"({"exclusiveMaximum":2.0})", "2"));
    QVERIFY(valid(R"({"minimum":1.1})", R"("not a number")"));
}

void TestJsonSchema::violationPaths()
{
    const json::value s = j(R"({"type":"object","required":["name","tags"],
        "properties":{"name":{"type":"string","pattern":"^[a-z]+$"},
                      "tags":{"type":"array","items":{"type":"string","maxLength":3}},
                      "a/b":{"minimum":0}},
        "additionalProperties":false})");
    QCOMPARE(JsonSchema::checkSchema(s), std::string());
    const auto errors = JsonSchema::validate(s, j(R"({"name":"Bob","tags":["ok",7,"long"],"a/b":-1,"x":1})"));
    const std::vector<std::string> expected = {
        R"(/name: string does not match pattern "^[a-z]+$")",
        "/tags/1: expected type string, got integer",
        "/tags/2: string has 4 characters, more than maxLength 3",
        "/a~1b: -1 is less than minimum 0",
        "/x: property is not allowed (additionalProperties is false)",
    };
    QCOMPARE(errors, expected);
    QCOMPARE(JsonSchema::validate(s, j("[]")),
             std::vector<std::string>{"/: expected type object, got array"});
    QCOMPARE(JsonSchema::validate(s, j(R"({"name":"bob"})")),
             std::vector<std::string>{R"(/: missing required property "tags")"});
    QCOMPARE(JsonSchema::validate(j("false"), j("1")),
             std::vector<std::string>{"/: no value is allowed here"});
}

void TestJsonSchema::maxErrors()
{
    json::array many;
    for (int i = 0; i < 100; ++i)
        many.push_back(i);
    const json::value s = j(R"({"items":{"type":"string"}})");
    QCOMPARE(JsonSchema::validate(s, many).size(), std::size_t(20));
    QCOMPARE(JsonSchema::validate(s, many, 5).size(), std::size_t(5));
    QCOMPARE(JsonSchema::validate(s, many, 0).size(), std::size_t(1)); // never "valid" by accident
}

void TestJsonSchema::catastrophicPatternIsBoundedAndFails()
{
    const json::value s = j(R"({"items":{"pattern":"(a+)+$"}})");
    QCOMPARE(JsonSchema::checkSchema(s), std::string());
    json::array instance;
    for (int i = 0; i < 50; ++i)
        instance.push_back(json::string(std::string(30, 'a') + "b"));
    QElapsedTimer timer;
    timer.start();
    const auto errors = JsonSchema::validate(s, instance);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!errors.empty());
    QVERIFY2(QString::fromStdString(errors.front()).contains(QStringLiteral("could not be evaluated")),
             errors.front().c_str());
    QVERIFY(valid(R"({"pattern":"(a+)+$"})", R"("aaaa")"));
    QVERIFY(valid(R"({"pattern":"a+"})", R"("xxaxx")")); // unanchored
}

void TestJsonSchema::failsClosedOnUncheckedSchema()
{
    QVERIFY(!JsonSchema::validate(j(R"({"$ref":"#/definitions/x"})"), j("1")).empty());
    QVERIFY(!JsonSchema::validate(j(R"({"items":[true]})"), j("[1]")).empty());
    QVERIFY(!JsonSchema::validate(j("3"), j("1")).empty());
}

QTEST_APPLESS_MAIN(TestJsonSchema)
#include "tst_jsonschema.moc"
