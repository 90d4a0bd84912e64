#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace taskdesk::domain {

// A validator for the small subset of JSON Schema (draft 7 semantics) that task verification needs.
//
// Supported keywords: type, properties, required, items (single-schema form only), enum, const, pattern,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum (draft-7 numeric form), minLength, maxLength,
// minItems, maxItems, additionalProperties (boolean or schema). Boolean schemas are allowed.
// Annotation keywords $schema, title, description, $comment, default and examples are accepted and ignored.
// Every other keyword (including $ref, $id, definitions, allOf/anyOf/oneOf/not, if/then/else, format,
// patternProperties, dependencies, the array form of items, ...) makes checkSchema() reject the schema:
// a schema is never silently half-applied.
//
// Semantics worth knowing:
//  - "integer" matches any number with a zero fractional part (1.0 is an integer); numbers are compared
//    exactly by value across int64/uint64/double (1 == 1.0 for const and enum; objects compare
//    order-independently).
//  - minLength/maxLength count Unicode code points, not UTF-8 bytes.
//  - "pattern" is an unanchored search (anchor with ^...$ yourself), compiled by QRegularExpression
//    (PCRE2, UTF mode, no Unicode-aware \d \w \s: close to ECMA-262; one known difference is that "$" also
//    matches just before a final "\n"). Each match runs under PCRE2 match/heap limits; hitting a limit is a
//    validation failure, never a pass.
//
// Cost: the schema may nest at most kMaxDepth subschemas and, having no combinators or references, each
// instance node is checked against at most one subschema per level, so validation is linear in the size
// of the instance (times enum size for enum, times the bounded regex cost for pattern).
class JsonSchema
{
public:
    static constexpr int kMaxDepth = 32;                   // subschema nesting levels, the root being level 1
    static constexpr std::size_t kMaxPatternLength = 1000; // code points, for "pattern" and regex rules

    // Checks a schema is well-formed and uses only supported keywords. Returns an empty string
    // when fine, else a one-line human reason, e.g. "unsupported keyword \"$ref\" at /properties/a".
    static std::string checkSchema(const boost::json::value& schema);

    // Validates instance; returns the list of violations ("/path: reason"), empty when valid.
    // Precondition: checkSchema(schema) is empty (if it is not, validation fails closed: unsupported
    // keywords are reported as violations). Stops after maxErrors violations (0 is treated as 1).
    static std::vector<std::string> validate(const boost::json::value& schema,
                                             const boost::json::value& instance, std::size_t maxErrors = 20);

    // Regex helpers shared with the "regex" verification rule (same dialect and limits as "pattern").
    enum class PatternMatch
    {
        Found,
        NotFound,
        Error
    };
    // Empty when the pattern is at most kMaxPatternLength code points and compiles, else a reason.
    static std::string checkPattern(std::string_view pattern);
    // Unanchored search of pattern in subject (both UTF-8). Error: invalid pattern or resource limit hit.
    static PatternMatch searchPattern(std::string_view pattern, std::string_view subject);

    // Number of Unicode code points in a UTF-8 string.
    static std::size_t codePointCount(std::string_view utf8);
    // JSON equality as JSON Schema defines it (numbers by value, objects ignoring member order).
    static bool jsonEqual(const boost::json::value& a, const boost::json::value& b);
};

} // namespace taskdesk::domain
