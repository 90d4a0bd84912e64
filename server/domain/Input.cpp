#include "Input.h"

#include "Clock.h"

#include <charconv>
#include <cmath>

namespace taskdesk::domain {

namespace json = boost::json;

namespace {
const json::object& emptyObject()
{
    static const json::object o;
    return o;
}

std::string trim(const std::string& s)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}
} // namespace

Input::Input(const json::value& body) : m_obj(body.is_object() ? &body.as_object() : &emptyObject()) {}
Input::Input(const json::object& body) : m_obj(&body) {}

const json::value* Input::raw(const char* name) const
{
    return m_obj->if_contains(name);
}

bool Input::has(const char* name) const
{
    const auto* v = raw(name);
    return v && !v->is_null();
}

bool Input::isNull(const char* name) const
{
    const auto* v = raw(name);
    return v && v->is_null();
}

void Input::fail(const std::string& field, const std::string& reason)
{
    m_fields.emplace(field, reason);
}

void Input::finish() const
{
    if (m_fields.empty())
        return;
    std::string msg = "Invalid request: ";
    bool first = true;
    for (const auto& [k, v] : m_fields) {
        if (!first)
            msg += "; ";
        msg += k + " " + v;
        first = false;
    }
    throw DomainError(ErrorKind::Validation, "VALIDATION", msg, m_fields);
}

std::size_t Input::codePoints(const std::string& s)
{
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

std::string Input::checkText(const std::string& raw, std::size_t minLen, std::size_t maxLen, bool& ok,
                             std::string& reason)
{
    ok = true;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        // C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8.
        const bool c1 = c == 0xC2 && i + 1 < raw.size() && static_cast<unsigned char>(raw[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(raw[i + 1]) <= 0x9F;
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f || c1) {
            ok = false;
            reason = "must not contain control characters";
            return {};
        }
    }
    std::string s = trim(raw);
    const auto n = codePoints(s);
    if (n < minLen) {
        ok = false;
        reason =
            minLen <= 1 ? "must not be empty" : "must be at least " + std::to_string(minLen) + " characters";
    } else if (n > maxLen) {
        ok = false;
        reason = "must be at most " + std::to_string(maxLen) + " characters";
    }
    return s;
}

std::string Input::str(const char* name, std::size_t minLen, std::size_t maxLen)
{
    const auto* v = raw(name);
    if (!v || v->is_null()) {
        fail(name, "is required");
        return {};
    }
    if (!v->is_string()) {
        fail(name, "must be a string");
        return {};
    }
    bool ok;
    std::string reason;
    std::string s = checkText(std::string(v->as_string()), minLen, maxLen, ok, reason);
    if (!ok)
        fail(name, reason);
    return s;
}

std::optional<std::string> Input::optStr(const char* name, std::size_t minLen, std::size_t maxLen)
{
    if (!has(name))
        return std::nullopt;
    std::string s = str(name, minLen, maxLen);
    return s;
}

std::vector<std::string> Input::strList(const char* name, std::size_t maxItems, std::size_t maxLen,
                                        bool required)
{
    std::vector<std::string> out;
    const auto* v = raw(name);
    if (!v || v->is_null()) {
        if (required)
            fail(name, "is required");
        return out;
    }
    if (!v->is_array()) {
        fail(name, "must be an array of strings");
        return out;
    }
    const auto& a = v->as_array();
    if (a.size() > maxItems) {
        fail(name, "must have at most " + std::to_string(maxItems) + " items");
        return out;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_string()) {
            fail(name, "item " + std::to_string(i) + " must be a string");
            return {};
        }
        bool ok;
        std::string reason;
        std::string s = checkText(std::string(a[i].as_string()), 1, maxLen, ok, reason);
        if (!ok) {
            fail(name, "item " + std::to_string(i) + " " + reason);
            return {};
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::optional<std::int64_t> Input::optInt(const char* name, std::int64_t min, std::int64_t max)
{
    const auto* v = raw(name);
    if (!v || v->is_null())
        return std::nullopt;
    std::int64_t n = 0;
    if (v->is_int64())
        n = v->as_int64();
    else if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        n = static_cast<std::int64_t>(v->as_uint64());
    else if (v->is_double() && std::isfinite(v->as_double()) &&
             std::floor(v->as_double()) == v->as_double() && std::fabs(v->as_double()) < 9e15)
        n = static_cast<std::int64_t>(v->as_double());
    else {
        fail(name, "must be an integer");
        return std::nullopt;
    }
    if (n < min || n > max) {
        fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> Input::optBool(const char* name)
{
    const auto* v = raw(name);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_bool()) {
        fail(name, "must be true or false");
        return std::nullopt;
    }
    return v->as_bool();
}

std::optional<std::string> Input::optEnum(const char* name, const std::vector<std::string>& allowed)
{
    const auto* v = raw(name);
    if (!v || v->is_null())
        return std::nullopt;
    if (v->is_string()) {
        const std::string s(v->as_string());
        for (const auto& a : allowed)
            if (a == s)
                return s;
    }
    std::string list;
    for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
    fail(name, "must be one of: " + list);
    return std::nullopt;
}

std::string Input::requiredEnum(const char* name, const std::vector<std::string>& allowed)
{
    if (!has(name)) {
        fail(name, "is required");
        return {};
    }
    return optEnum(name, allowed).value_or(std::string());
}

std::optional<std::string> Input::optTime(const char* name)
{
    const auto* v = raw(name);
    if (!v || v->is_null())
        return std::nullopt;
    if (!v->is_string()) {
        fail(name, "must be an ISO-8601 time string");
        return std::nullopt;
    }
    const auto t = Clock::parseIso(std::string(v->as_string()));
    if (!t) {
        fail(name, "must be an ISO-8601 time such as 2026-12-31T17:00:00Z");
        return std::nullopt;
    }
    return Clock::toIso(*t);
}

std::optional<Amount> Input::parseAmount(const json::value& v, bool credits, std::string& reason)
{
    double d;
    if (v.is_int64())
        d = static_cast<double>(v.as_int64());
    else if (v.is_uint64())
        d = static_cast<double>(v.as_uint64());
    else if (v.is_double())
        d = v.as_double();
    else {
        reason = "must be a number";
        return std::nullopt;
    }
    if (!std::isfinite(d) || d <= 0) {
        reason = "must be a positive number";
        return std::nullopt;
    }
    const double limit = credits ? 1e9 : 1e15;
    if (d > limit) {
        reason = credits ? "must be at most 1000000000" : "is too large";
        return std::nullopt;
    }
    // The shortest text that reads back as the same double is the decimal the
    // client wrote (for anything up to 15 significant digits), so decimals are
    // counted exactly rather than through float arithmetic.
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    if (res.ec != std::errc()) {
        reason = "is not a valid amount";
        return std::nullopt;
    }
    std::string text(buf, res.ptr);
    std::size_t decimals = 0;
    if (auto dot = text.find('.'); dot != std::string::npos)
        decimals = text.size() - dot - 1;
    const std::size_t maxDecimals = credits ? 2 : 8;
    if (decimals > maxDecimals) {
        reason = "must have at most " + std::to_string(maxDecimals) + " decimals";
        return std::nullopt;
    }
    Amount a;
    a.text = text;
    if (credits) {
        std::int64_t whole = 0, frac = 0;
        const auto dot = text.find('.');
        const std::string w = text.substr(0, dot);
        std::from_chars(w.data(), w.data() + w.size(), whole);
        if (dot != std::string::npos) {
            std::string f = text.substr(dot + 1);
            while (f.size() < 2)
                f.push_back('0');
            std::from_chars(f.data(), f.data() + f.size(), frac);
        }
        a.cents = whole * 100 + frac;
        if (a.cents <= 0) {
            reason = "must be at least 0.01";
            return std::nullopt;
        }
    }
    return a;
}

std::optional<Amount> Input::optAmount(const char* name, bool credits)
{
    const auto* v = raw(name);
    if (!v || v->is_null())
        return std::nullopt;
    std::string reason;
    auto a = parseAmount(*v, credits, reason);
    if (!a)
        fail(name, reason);
    return a;
}

json::object parseBody(const std::string& body, bool allowEmpty)
{
    if (body.empty() || body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allowEmpty)
            return {};
        throw DomainError(ErrorKind::Validation, "VALIDATION", "A JSON object body is required",
                          {{"body", "is required"}});
    }
    boost::system::error_code ec;
    json::parse_options opts;
    opts.max_depth = 32;
    json::value v = json::parse(body, ec, {}, opts);
    if (ec)
        throw DomainError(ErrorKind::Validation, "VALIDATION", "Malformed JSON: " + ec.message(),
                          {{"body", "is not valid JSON"}});
    if (!v.is_object())
        throw DomainError(ErrorKind::Validation, "VALIDATION", "The body must be a JSON object",
                          {{"body", "must be a JSON object"}});
    return std::move(v.as_object());
}

} // namespace taskdesk::domain
