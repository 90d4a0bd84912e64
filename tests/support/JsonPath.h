#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace taskdesk::test {

// Walks a dotted path ("contract.payment.paymentWallet", "tasks.0.id") through
// objects and arrays; null when any step is absent.
boost::json::value jsonPath(const boost::json::value& root, const std::string& path);

// A JSON string's text; empty for anything else (null, absent, a number).
inline std::string jsonText(const boost::json::value& v)
{
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

} // namespace taskdesk::test
