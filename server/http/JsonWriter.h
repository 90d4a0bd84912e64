#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace taskdesk::http {

// Serialises JSON for responses. Written by hand because Boost.JSON 1.81 prints
// every double in exponent form ("1.25E1"), which reads badly for money; this
// writer prints the shortest exact decimal ("12.5") and is otherwise plain.
void writeJson(const boost::json::value& v, std::string& out);
std::string toJson(const boost::json::value& v);

} // namespace taskdesk::http
