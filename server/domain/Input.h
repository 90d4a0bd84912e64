#pragma once

#include "DomainError.h"

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace taskdesk::domain {

// A money amount as received: integer cents when it fits CREDITS' rules, and
// the exact decimal text for any currency.
struct Amount
{
    std::int64_t cents = 0; // valid for CREDITS only
    std::string text;       // shortest exact decimal, e.g. "12.5"
};

// Reads one JSON request body field by field, collecting a reason per bad field;
// finish() throws one 400 naming them all. Strings are trimmed, must be valid
// text (no NUL or control characters but tab, CR and LF) and are measured in
// code points.
class Input
{
public:
    explicit Input(const boost::json::value& body);
    explicit Input(const boost::json::object& body);

    bool has(const char* name) const;
    bool isNull(const char* name) const;
    std::string str(const char* name, std::size_t minLen, std::size_t maxLen);
    std::optional<std::string> optStr(const char* name, std::size_t minLen, std::size_t maxLen);
    std::vector<std::string> strList(const char* name, std::size_t maxItems, std::size_t maxLen,
                                     bool required = false);
    std::optional<std::int64_t> optInt(const char* name, std::int64_t min, std::int64_t max);
    std::optional<bool> optBool(const char* name);
    std::optional<std::string> optEnum(const char* name, const std::vector<std::string>& allowed);
    std::string requiredEnum(const char* name, const std::vector<std::string>& allowed);
    // An ISO-8601 time, normalised to UTC "...Z".
    std::optional<std::string> optTime(const char* name);
    std::optional<Amount> optAmount(const char* name, bool credits);
    const boost::json::value* raw(const char* name) const;
    void fail(const std::string& field, const std::string& reason);
    bool ok() const { return m_fields.empty(); }
    void finish() const;

    // Shared text rules, for values that do not come from a body.
    static std::string checkText(const std::string& s, std::size_t minLen, std::size_t maxLen, bool& ok,
                                 std::string& reason);
    static std::size_t codePoints(const std::string& s);
    static std::optional<Amount> parseAmount(const boost::json::value& v, bool credits, std::string& reason);

private:
    const boost::json::object* m_obj = nullptr;
    std::map<std::string, std::string> m_fields;
};

// Parses a request body: a JSON object, else a 400 with a reason.
boost::json::object parseBody(const std::string& body, bool allowEmpty = true);

} // namespace taskdesk::domain
