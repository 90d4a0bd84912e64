#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace taskdesk::domain {

// Machine verification of a submission's output against a task's verification rule. A rule is one of
//   {"type":"json-schema","schema":{...}}   output must validate against the schema (see JsonSchema.h)
//   {"type":"regex","pattern":"..."}        output must be a string in which the pattern is found
//   {"type":"sha256","value":"<64 hex>"}    SHA-256 of the output must equal value (case-insensitive)
// each optionally with "autoAccept": true|false (read by the caller; not used here).

struct VerificationResult
{
    bool passed = false;
    std::string detail; // human summary: empty on a pass, else the first few reasons
};

// Validates a task's verification rule as given by a client. Returns empty when valid, else a one-line
// reason for the field "verification" (not an object, unknown type, missing/ill-typed schema, pattern or
// value, sha256 value not 64 hex digits, empty/over-long (> 1000 code points)/invalid regex, unsupported
// schema keyword, autoAccept not a boolean, unknown extra members).
std::string checkVerificationRule(const boost::json::value& rule);

// Runs the rule against a submission's output.
//  - A missing output (null) always fails with detail "no output submitted".
//  - regex: output must be a string. The pattern is searched for, unanchored, exactly like the JSON Schema
//    "pattern" keyword: "abc" passes for "xxabcxx". A rule that wants a whole-string match anchors itself
//    ("^abc$"; note that, PCRE-style, "$" also matches before a final "\n" — use "\z" to forbid it).
//    Matching runs under PCRE2 resource limits; hitting one is a failure, never a pass.
//  - sha256: a string output is hashed as its UTF-8 bytes; any other output is hashed as
//    boost::json::serialize(output) (compact, member order as received).
//  - json-schema: JsonSchema::validate; the detail lists the first violations.
// An invalid rule (checkVerificationRule non-empty) fails with detail "invalid verification rule: ...".
VerificationResult runVerification(const boost::json::value& rule, const boost::json::value& output);

} // namespace taskdesk::domain
