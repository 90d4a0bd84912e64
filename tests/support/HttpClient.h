#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace taskdesk::test {

struct Reply
{
    int status = 0; // 0 when the connection failed
    std::string body;
    std::map<std::string, std::string> headers; // lower-case names
    std::string error;                          // transport error, if any
    boost::json::value json() const;
    // The parsed body as an object (empty when not JSON).
    boost::json::object obj() const;
};

// A small blocking HTTP/1.1 client for tests (Boost.Beast, one connection per
// request). One instance per thread; it keeps no state between calls.
class HttpClient
{
public:
    HttpClient(std::string host, std::uint16_t port) : m_host(std::move(host)), m_port(port) {}
    Reply request(const std::string& method, const std::string& target, const std::string& body = {},
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) const;
    // JSON convenience: Bearer token (if not empty), JSON body (if not null).
    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const boost::json::value& body = nullptr,
               std::vector<std::pair<std::string, std::string>> headers = {}) const;

private:
    std::string m_host;
    std::uint16_t m_port;
};

} // namespace taskdesk::test
