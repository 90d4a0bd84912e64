#include "JsonSchema.h"

#include <QRegularExpression>
#include <QString>
#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace json = boost::json;

namespace taskdesk::domain {

namespace {

// PCRE2 start-of-pattern settings that bound every match: backtracking steps and interpreter heap (KiB).
// A pattern may only lower these (PCRE2 uses the smallest value given). JIT matching is bounded by the
// match limit and Qt's fixed-size JIT stack.
constexpr auto kRegexLimits = "(*LIMIT_MATCH=1000000)(*LIMIT_HEAP=16384)";
constexpr std::size_t kMaxMessageBytes = 300;
constexpr std::size_t kMaxQuotedBytes = 60;

constexpr std::array kTypeNames{"null", "boolean", "object", "array", "number", "integer", "string"};

// ---------------------------------------------------------------------------------------------- text

// Cuts s to at most max bytes without splitting a UTF-8 sequence, marking the cut with "...".
std::string truncated(std::string s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    std::size_t cut = max > 3 ? max - 3 : 0;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        --cut;
    s.resize(cut);
    s += "...";
    return s;
}

// Appends one JSON pointer reference token; control characters are shown as \u00XX so that a message
// always stays on one line.
void appendToken(std::string& path, std::string_view token)
{
    path.push_back('/');
    for (char c : token) {
        if (c == '~')
            path += "~0";
        else if (c == '/')
            path += "~1";
        else if (static_cast<unsigned char>(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            path += "\\u00";
            path.push_back(hex[(c >> 4) & 0xf]);
            path.push_back(hex[c & 0xf]);
        } else
            path.push_back(c);
    }
}

std::string displayPath(const std::string& path)
{
    return path.empty() ? std::string("/") : path;
}

std::string quoted(std::string_view s)
{
    std::string out = truncated(std::string(s), kMaxQuotedBytes);
    std::string esc;
    esc.reserve(out.size() + 2);
    esc.push_back('"');
    for (char c : out) {
        if (c == '"' || c == '\\')
            esc.push_back('\\');
        if (static_cast<unsigned char>(c) < 0x20)
            esc.push_back('?');
        else
            esc.push_back(c);
    }
    esc.push_back('"');
    return esc;
}

// Restores a path to its previous length when leaving a scope.
class PathScope
{
public:
    PathScope(std::string& path, std::string_view token) : m_path(path), m_size(path.size())
    {
        appendToken(m_path, token);
    }
    ~PathScope() { m_path.resize(m_size); }
    PathScope(const PathScope&) = delete;
    PathScope& operator=(const PathScope&) = delete;

private:
    std::string& m_path;
    std::size_t m_size;
};

// ------------------------------------------------------------------------------------------- numbers

bool isNumber(const json::value& v)
{
    return v.is_int64() || v.is_uint64() || v.is_double();
}

__extension__ using Int128 = __int128;

Int128 integralValue(const json::value& v)
{
    return v.is_int64() ? Int128(v.get_int64()) : Int128(v.get_uint64());
}

// Exact three-way comparison of two JSON numbers, whatever their representation.
int compareNumbers(const json::value& a, const json::value& b)
{
    const auto sign = [](auto x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); };
    if (!a.is_double() && !b.is_double()) {
        const Int128 x = integralValue(a), y = integralValue(b);
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_double() && b.is_double()) {
        const double x = a.get_double(), y = b.get_double();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const bool flip = !a.is_double();
    const double d = flip ? b.get_double() : a.get_double();
    const Int128 i = integralValue(flip ? a : b);
    int result;
    if (std::isnan(d))
        result = 1; // cannot come from JSON text; any fixed order will do
    else if (d < -1e19)
        result = -1; // below every int64
    else if (d > 2e19)
        result = 1; // above every uint64
    else {
        const double whole = std::trunc(d);
        const Int128 w = static_cast<Int128>(whole);
        result = w != i ? (w < i ? -1 : 1) : sign(d - whole);
    }
    return flip ? -result : result;
}

bool isIntegerValued(const json::value& v)
{
    if (v.is_int64() || v.is_uint64())
        return true;
    if (!v.is_double())
        return false;
    const double d = v.get_double();
    return std::isfinite(d) && std::trunc(d) == d;
}

// Non-negative integer keyword values (minLength, ...), saturated to uint64.
bool nonNegativeInteger(const json::value& v, std::uint64_t& out)
{
    if (v.is_uint64()) {
        out = v.get_uint64();
        return true;
    }
    if (v.is_int64()) {
        if (v.get_int64() < 0)
            return false;
        out = static_cast<std::uint64_t>(v.get_int64());
        return true;
    }
    if (v.is_double() && isIntegerValued(v) && v.get_double() >= 0) {
        const double d = v.get_double();
        out = d >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(d);
        return true;
    }
    return false;
}

std::string numberText(const json::value& v)
{
    return truncated(json::serialize(v), 40);
}

const char* instanceTypeName(const json::value& v)
{
    switch (v.kind()) {
    case json::kind::null:
        return "null";
    case json::kind::bool_:
        return "boolean";
    case json::kind::object:
        return "object";
    case json::kind::array:
        return "array";
    case json::kind::string:
        return "string";
    default:
        return isIntegerValued(v) ? "integer" : "number";
    }
}

bool hasType(const json::value& v, std::string_view type)
{
    if (type == "null")
        return v.is_null();
    if (type == "boolean")
        return v.is_bool();
    if (type == "object")
        return v.is_object();
    if (type == "array")
        return v.is_array();
    if (type == "string")
        return v.is_string();
    if (type == "number")
        return isNumber(v);
    if (type == "integer")
        return isIntegerValued(v);
    return false;
}

bool isKnownType(std::string_view name)
{
    for (const char* t : kTypeNames)
        if (name == t)
            return true;
    return false;
}

// --------------------------------------------------------------------------------------------- regex

QRegularExpression compileRegex(std::string_view pattern)
{
    return QRegularExpression(QString::fromLatin1(kRegexLimits) +
                              QString::fromUtf8(pattern.data(), static_cast<qsizetype>(pattern.size())));
}

JsonSchema::PatternMatch search(const QRegularExpression& re, std::string_view subject)
{
    if (!re.isValid())
        return JsonSchema::PatternMatch::Error;
    const QRegularExpressionMatch m =
        re.match(QString::fromUtf8(subject.data(), static_cast<qsizetype>(subject.size())));
    if (!m.isValid()) // PCRE2 reported an error (match/heap limit, JIT stack): never a pass
        return JsonSchema::PatternMatch::Error;
    return m.hasMatch() ? JsonSchema::PatternMatch::Found : JsonSchema::PatternMatch::NotFound;
}

// -------------------------------------------------------------------------------------- schema check

class SchemaChecker
{
public:
    std::string check(const json::value& schema, int depth)
    {
        if (depth > JsonSchema::kMaxDepth)
            return fail("schema nesting is deeper than " + std::to_string(JsonSchema::kMaxDepth) + " levels");
        if (schema.is_bool())
            return {};
        if (!schema.is_object())
            return fail(std::string("a schema must be an object or a boolean, got ") +
                        instanceTypeName(schema));

        for (const auto& member : schema.get_object()) {
            const std::string_view key = member.key();
            const json::value& v = member.value();
            std::string reason;
            if (key == "type")
                reason = checkType(v);
            else if (key == "properties") {
                if (!v.is_object())
                    return fail("\"properties\" must be an object");
                PathScope scope(m_path, "properties");
                for (const auto& prop : v.get_object()) {
                    PathScope inner(m_path, prop.key());
                    if (std::string r = check(prop.value(), depth + 1); !r.empty())
                        return r;
                }
            } else if (key == "additionalProperties") {
                if (!v.is_object() && !v.is_bool())
                    return fail("\"additionalProperties\" must be a boolean or a schema");
                PathScope scope(m_path, "additionalProperties");
                if (std::string r = check(v, depth + 1); !r.empty())
                    return r;
            } else if (key == "items") {
                if (v.is_array())
                    return fail(
                        "unsupported keyword form: \"items\" as an array of schemas (tuple validation)");
                if (!v.is_object() && !v.is_bool())
                    return fail("\"items\" must be a boolean or a schema");
                PathScope scope(m_path, "items");
                if (std::string r = check(v, depth + 1); !r.empty())
                    return r;
            } else if (key == "required")
                reason = checkRequired(v);
            else if (key == "enum" || key == "examples") {
                if (!v.is_array())
                    reason = "\"" + std::string(key) + "\" must be an array";
            } else if (key == "const" || key == "default") {
                // any JSON value
            } else if (key == "pattern") {
                if (!v.is_string())
                    reason = "\"pattern\" must be a string";
                else if (std::string r = JsonSchema::checkPattern(v.get_string()); !r.empty())
                    reason = "\"pattern\" " + r;
            } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
                       key == "exclusiveMaximum") {
                if (!isNumber(v))
                    reason = "\"" + std::string(key) + "\" must be a number";
            } else if (key == "minLength" || key == "maxLength" || key == "minItems" || key == "maxItems") {
                std::uint64_t n = 0;
                if (!nonNegativeInteger(v, n))
                    reason = "\"" + std::string(key) + "\" must be a non-negative integer";
            } else if (key == "$schema" || key == "title" || key == "description" || key == "$comment") {
                if (!v.is_string())
                    reason = "\"" + std::string(key) + "\" must be a string";
            } else
                reason = "unsupported keyword " + quoted(key);
            if (!reason.empty())
                return fail(reason);
        }
        return {};
    }

private:
    std::string fail(const std::string& reason) const
    {
        return truncated(reason + " at " + displayPath(m_path), kMaxMessageBytes);
    }

    static std::string checkType(const json::value& v)
    {
        if (v.is_string()) {
            if (!isKnownType(v.get_string()))
                return "unknown type " + quoted(v.get_string());
            return {};
        }
        if (!v.is_array() || v.get_array().empty())
            return "\"type\" must be a type name or a non-empty array of type names";
        std::unordered_set<std::string_view> seen;
        for (const auto& t : v.get_array()) {
            if (!t.is_string())
                return "\"type\" array must contain only type names";
            if (!isKnownType(t.get_string()))
                return "unknown type " + quoted(t.get_string());
            if (!seen.insert(t.get_string()).second)
                return "\"type\" array lists " + quoted(t.get_string()) + " twice";
        }
        return {};
    }

    static std::string checkRequired(const json::value& v)
    {
        if (!v.is_array())
            return "\"required\" must be an array of property names";
        std::unordered_set<std::string_view> seen;
        for (const auto& name : v.get_array()) {
            if (!name.is_string())
                return "\"required\" must be an array of property names";
            if (!seen.insert(name.get_string()).second)
                return "\"required\" lists " + quoted(name.get_string()) + " twice";
        }
        return {};
    }

    std::string m_path;
};

// ------------------------------------------------------------------------------------------ validate

class Validator
{
public:
    explicit Validator(std::size_t maxErrors) : m_max(maxErrors == 0 ? 1 : maxErrors) {}

    void validate(const json::value& schema, const json::value& inst, int depth)
    {
        if (full())
            return;
        if (depth > JsonSchema::kMaxDepth) {
            add("schema nesting is too deep to validate");
            return;
        }
        if (schema.is_bool()) {
            if (!schema.get_bool())
                add("no value is allowed here");
            return;
        }
        if (!schema.is_object()) {
            add("invalid schema");
            return;
        }
        const json::object& s = schema.get_object();
        for (const auto& member : s) {
            if (full())
                return;
            const std::string_view key = member.key();
            const json::value& v = member.value();
            if (key == "type")
                checkType(v, inst);
            else if (key == "properties") {
                if (inst.is_object() && v.is_object()) {
                    const json::object& io = inst.get_object();
                    for (const auto& prop : v.get_object()) {
                        if (full())
                            return;
                        if (const json::value* child = io.if_contains(prop.key())) {
                            PathScope scope(m_path, prop.key());
                            validate(prop.value(), *child, depth + 1);
                        }
                    }
                }
            } else if (key == "additionalProperties") {
                if (inst.is_object()) {
                    const json::object* declared = nullptr;
                    if (const json::value* p = s.if_contains("properties"); p && p->is_object())
                        declared = &p->get_object();
                    for (const auto& m : inst.get_object()) {
                        if (full())
                            return;
                        if (declared && declared->contains(m.key()))
                            continue;
                        PathScope scope(m_path, m.key());
                        if (v.is_bool() && !v.get_bool())
                            add("property is not allowed (additionalProperties is false)");
                        else
                            validate(v, m.value(), depth + 1);
                    }
                }
            } else if (key == "items") {
                if (inst.is_array()) {
                    if (v.is_array()) {
                        add("unsupported keyword form: \"items\" as an array of schemas");
                        continue;
                    }
                    std::size_t index = 0;
                    for (const auto& element : inst.get_array()) {
                        if (full())
                            return;
                        PathScope scope(m_path, std::to_string(index++));
                        validate(v, element, depth + 1);
                    }
                }
            } else if (key == "required") {
                if (inst.is_object() && v.is_array()) {
                    for (const auto& name : v.get_array()) {
                        if (full())
                            return;
                        if (name.is_string() && !inst.get_object().contains(name.get_string()))
                            add("missing required property " + quoted(name.get_string()));
                    }
                }
            } else if (key == "enum") {
                bool found = false;
                if (v.is_array())
                    for (const auto& candidate : v.get_array())
                        if ((found = JsonSchema::jsonEqual(candidate, inst)))
                            break;
                if (!found)
                    add("value is not one of the allowed enum values");
            } else if (key == "const") {
                if (!JsonSchema::jsonEqual(v, inst))
                    add("value does not equal the const value");
            } else if (key == "pattern") {
                if (inst.is_string() && v.is_string())
                    checkPattern(v, inst.get_string());
            } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
                       key == "exclusiveMaximum") {
                if (isNumber(inst) && isNumber(v))
                    checkBound(key, v, inst);
            } else if (key == "minLength" || key == "maxLength") {
                std::uint64_t limit = 0;
                if (inst.is_string() && nonNegativeInteger(v, limit)) {
                    const std::size_t n = JsonSchema::codePointCount(inst.get_string());
                    if (key == "minLength" && n < limit)
                        add("string has " + std::to_string(n) + " characters, fewer than minLength " +
                            std::to_string(limit));
                    else if (key == "maxLength" && n > limit)
                        add("string has " + std::to_string(n) + " characters, more than maxLength " +
                            std::to_string(limit));
                }
            } else if (key == "minItems" || key == "maxItems") {
                std::uint64_t limit = 0;
                if (inst.is_array() && nonNegativeInteger(v, limit)) {
                    const std::size_t n = inst.get_array().size();
                    if (key == "minItems" && n < limit)
                        add("array has " + std::to_string(n) + " items, fewer than minItems " +
                            std::to_string(limit));
                    else if (key == "maxItems" && n > limit)
                        add("array has " + std::to_string(n) + " items, more than maxItems " +
                            std::to_string(limit));
                }
            } else if (key == "$schema" || key == "title" || key == "description" || key == "$comment" ||
                       key == "default" || key == "examples") {
                // annotations only
            } else {
                // Precondition broken (schema not checked): fail closed rather than ignore the keyword.
                add("unsupported keyword " + quoted(key) + " in schema");
            }
        }
    }

    std::vector<std::string> take() { return std::move(m_errors); }

private:
    bool full() const { return m_errors.size() >= m_max; }

    void add(const std::string& reason)
    {
        if (!full())
            m_errors.push_back(truncated(displayPath(m_path) + ": " + reason, kMaxMessageBytes));
    }

    void checkType(const json::value& type, const json::value& inst)
    {
        if (type.is_string()) {
            if (!hasType(inst, type.get_string()))
                add("expected type " + std::string(type.get_string()) + ", got " + instanceTypeName(inst));
            return;
        }
        if (!type.is_array()) {
            add("invalid \"type\" in schema");
            return;
        }
        std::string names;
        for (const auto& t : type.get_array()) {
            if (t.is_string() && hasType(inst, t.get_string()))
                return;
            if (!names.empty())
                names += ", ";
            names += t.is_string() ? std::string(t.get_string()) : std::string("?");
        }
        add("expected type one of [" + names + "], got " + instanceTypeName(inst));
    }

    void checkBound(std::string_view key, const json::value& bound, const json::value& inst)
    {
        const int c = compareNumbers(inst, bound);
        const char* problem = nullptr;
        if (key == "minimum" && c < 0)
            problem = " is less than minimum ";
        else if (key == "maximum" && c > 0)
            problem = " is greater than maximum ";
        else if (key == "exclusiveMinimum" && c <= 0)
            problem = " is not greater than exclusiveMinimum ";
        else if (key == "exclusiveMaximum" && c >= 0)
            problem = " is not less than exclusiveMaximum ";
        if (problem)
            add(numberText(inst) + problem + numberText(bound));
    }

    void checkPattern(const json::value& patternValue, std::string_view subject)
    {
        auto it = m_regexCache.find(&patternValue);
        if (it == m_regexCache.end())
            it = m_regexCache.emplace(&patternValue, compileRegex(patternValue.get_string())).first;
        switch (search(it->second, subject)) {
        case JsonSchema::PatternMatch::Found:
            return;
        case JsonSchema::PatternMatch::NotFound:
            add("string does not match pattern " + quoted(patternValue.get_string()));
            return;
        case JsonSchema::PatternMatch::Error:
            add("pattern " + quoted(patternValue.get_string()) +
                " could not be evaluated (invalid pattern or regex resource limit exceeded)");
            return;
        }
    }

    std::size_t m_max;
    std::string m_path;
    std::vector<std::string> m_errors;
    std::unordered_map<const json::value*, QRegularExpression> m_regexCache;
};

} // namespace

// ---------------------------------------------------------------------------------------- public API

std::string JsonSchema::checkSchema(const json::value& schema)
{
    SchemaChecker checker;
    return checker.check(schema, 1);
}

std::vector<std::string> JsonSchema::validate(const json::value& schema, const json::value& instance,
                                              std::size_t maxErrors)
{
    Validator validator(maxErrors);
    validator.validate(schema, instance, 1);
    return validator.take();
}

std::string JsonSchema::checkPattern(std::string_view pattern)
{
    if (codePointCount(pattern) > kMaxPatternLength)
        return "is longer than " + std::to_string(kMaxPatternLength) + " characters";
    const QRegularExpression re = compileRegex(pattern);
    if (!re.isValid()) {
        const qsizetype offset = std::max<qsizetype>(
            0, re.patternErrorOffset() - qsizetype(std::char_traits<char>::length(kRegexLimits)));
        return "is not a valid regular expression: " + re.errorString().toStdString() + " at offset " +
               std::to_string(offset);
    }
    return {};
}

JsonSchema::PatternMatch JsonSchema::searchPattern(std::string_view pattern, std::string_view subject)
{
    if (codePointCount(pattern) > kMaxPatternLength)
        return PatternMatch::Error;
    return search(compileRegex(pattern), subject);
}

std::size_t JsonSchema::codePointCount(std::string_view utf8)
{
    std::size_t n = 0;
    for (char c : utf8)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    return n;
}

bool JsonSchema::jsonEqual(const json::value& a, const json::value& b)
{
    // Iterative, so that deeply nested values cannot exhaust the stack.
    std::vector<std::pair<const json::value*, const json::value*>> pending{{&a, &b}};
    while (!pending.empty()) {
        const auto [x, y] = pending.back();
        pending.pop_back();
        if (isNumber(*x) && isNumber(*y)) {
            if (compareNumbers(*x, *y) != 0)
                return false;
            continue;
        }
        if (x->kind() != y->kind())
            return false;
        switch (x->kind()) {
        case json::kind::null:
            break;
        case json::kind::bool_:
            if (x->get_bool() != y->get_bool())
                return false;
            break;
        case json::kind::string:
            if (x->get_string() != y->get_string())
                return false;
            break;
        case json::kind::array: {
            const json::array &xa = x->get_array(), &ya = y->get_array();
            if (xa.size() != ya.size())
                return false;
            for (std::size_t i = 0; i < xa.size(); ++i)
                pending.emplace_back(&xa[i], &ya[i]);
            break;
        }
        case json::kind::object: {
            const json::object &xo = x->get_object(), &yo = y->get_object();
            if (xo.size() != yo.size())
                return false;
            for (const auto& m : xo) {
                const json::value* other = yo.if_contains(m.key());
                if (!other)
                    return false;
                pending.emplace_back(&m.value(), other);
            }
            break;
        }
        default:
            return false; // numbers were handled above
        }
    }
    return true;
}

} // namespace taskdesk::domain
