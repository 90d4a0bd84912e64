#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace taskdesk::domain {

// Why the platform said no. http/ maps the kind to a status code; nothing in
// domain/ knows about HTTP.
enum class ErrorKind
{
    Validation,        // 400
    Unauthorized,      // 401
    InsufficientFunds, // 402
    Forbidden,         // 403
    NotFound,          // 404
    Conflict,          // 409
    TooLarge,          // 413
    RateLimited,       // 429
};

class DomainError : public std::runtime_error
{
public:
    DomainError(ErrorKind kind, std::string code, const std::string& message,
                std::map<std::string, std::string> fields = {})
        : std::runtime_error(message), m_kind(kind), m_code(std::move(code)), m_fields(std::move(fields))
    {}
    ErrorKind kind() const { return m_kind; }
    const std::string& code() const { return m_code; }
    const std::map<std::string, std::string>& fields() const { return m_fields; }

    static DomainError notFound(const std::string& what)
    {
        return {ErrorKind::NotFound, "NOT_FOUND", what + " not found"};
    }
    static DomainError forbidden(const std::string& why) { return {ErrorKind::Forbidden, "FORBIDDEN", why}; }
    static DomainError conflict(std::string code, const std::string& why)
    {
        return {ErrorKind::Conflict, std::move(code), why};
    }
    static DomainError invalid(const std::string& field, const std::string& reason)
    {
        return {ErrorKind::Validation, "VALIDATION", field + ": " + reason, {{field, reason}}};
    }
    static DomainError insufficientFunds(const std::string& why)
    {
        return {ErrorKind::InsufficientFunds, "INSUFFICIENT_FUNDS", why};
    }

private:
    ErrorKind m_kind;
    std::string m_code;
    std::map<std::string, std::string> m_fields;
};

} // namespace taskdesk::domain
