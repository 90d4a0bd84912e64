#include "Verification.h"

#include "Digest.h"
#include "JsonSchema.h"

#include <boost/json/serialize.hpp>
#include <cctype>
#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace json = boost::json;

namespace taskdesk::domain {

namespace {

constexpr std::size_t kDetailReasons = 3;  // violations spelled out in a failure detail
constexpr std::size_t kMaxViolations = 20; // violations collected per run

bool isHexDigest(std::string_view s)
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return false;
    return true;
}

std::string lowerAscii(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string payloadMember(std::string_view type)
{
    if (type == "json-schema")
        return "schema";
    if (type == "regex")
        return "pattern";
    if (type == "sha256")
        return "value";
    return {};
}

VerificationResult fail(std::string detail)
{
    return {false, std::move(detail)};
}

} // namespace

std::string checkVerificationRule(const json::value& rule)
{
    if (!rule.is_object())
        return "must be an object with a \"type\"";
    const json::object& r = rule.get_object();

    const json::value* type = r.if_contains("type");
    if (!type)
        return "\"type\" is required (one of \"json-schema\", \"regex\", \"sha256\")";
    if (!type->is_string())
        return "\"type\" must be a string (one of \"json-schema\", \"regex\", \"sha256\")";
    const std::string payload = payloadMember(type->get_string());
    if (payload.empty())
        return "unknown type (expected one of \"json-schema\", \"regex\", \"sha256\")";

    for (const auto& m : r) {
        if (m.key() != "type" && m.key() != "autoAccept" && m.key() != payload)
            return "unknown member \"" + std::string(m.key().substr(0, 60)) + "\" for type \"" +
                   std::string(type->get_string()) + "\"";
    }
    if (const json::value* autoAccept = r.if_contains("autoAccept"); autoAccept && !autoAccept->is_bool())
        return "\"autoAccept\" must be a boolean";

    const json::value* value = r.if_contains(payload);
    if (!value)
        return "\"" + payload + "\" is required for type \"" + std::string(type->get_string()) + "\"";

    if (payload == "schema") {
        if (std::string reason = JsonSchema::checkSchema(*value); !reason.empty())
            return "invalid \"schema\": " + reason;
    } else if (payload == "pattern") {
        if (!value->is_string())
            return "\"pattern\" must be a string";
        if (value->get_string().empty())
            return "\"pattern\" must not be empty";
        if (std::string reason = JsonSchema::checkPattern(value->get_string()); !reason.empty())
            return "\"pattern\" " + reason;
    } else {
        if (!value->is_string() || !isHexDigest(value->get_string()))
            return "\"value\" must be a SHA-256 digest: 64 hexadecimal characters";
    }
    return {};
}

VerificationResult runVerification(const json::value& rule, const json::value& output)
{
    if (std::string reason = checkVerificationRule(rule); !reason.empty())
        return fail("invalid verification rule: " + reason);
    if (output.is_null())
        return fail("no output submitted");

    const json::object& r = rule.get_object();
    const std::string_view type = r.at("type").get_string();

    if (type == "regex") {
        if (!output.is_string())
            return fail("output must be a string for regex verification");
        switch (JsonSchema::searchPattern(r.at("pattern").get_string(), output.get_string())) {
        case JsonSchema::PatternMatch::Found:
            return {true, {}};
        case JsonSchema::PatternMatch::NotFound:
            return fail("output does not match the pattern");
        case JsonSchema::PatternMatch::Error:
            return fail(
                "the pattern could not be evaluated against the output (regex resource limit exceeded)");
        }
        return fail("the pattern could not be evaluated");
    }

    if (type == "sha256") {
        const std::string data =
            output.is_string() ? std::string(output.get_string()) : json::serialize(output);
        const std::string actual = crypto::Digest::sha256Hex(data);
        const std::string expected = lowerAscii(r.at("value").get_string());
        if (crypto::Digest::equalConstantTime(actual, expected))
            return {true, {}};
        return fail(std::string("SHA-256 of the output (") + actual + ") does not match the expected digest" +
                    (output.is_string() ? "" : " (non-string output is hashed as its compact JSON text)"));
    }

    // json-schema
    const std::vector<std::string> violations = JsonSchema::validate(r.at("schema"), output, kMaxViolations);
    if (violations.empty())
        return {true, {}};
    std::string detail;
    for (std::size_t i = 0; i < violations.size() && i < kDetailReasons; ++i) {
        if (i)
            detail += "; ";
        detail += violations[i];
    }
    if (violations.size() > kDetailReasons) {
        const std::size_t more = violations.size() - kDetailReasons;
        detail += violations.size() >= kMaxViolations ? "; and at least " : "; and ";
        detail += std::to_string(more) + " more violation" + (more == 1 ? "" : "s");
    }
    return fail(std::move(detail));
}

} // namespace taskdesk::domain
