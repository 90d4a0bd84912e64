#include "HttpClient.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace taskdesk::test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;

boost::json::value Reply::json() const
{
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value(nullptr) : v;
}

boost::json::object Reply::obj() const
{
    auto v = json();
    return v.is_object() ? v.as_object() : boost::json::object{};
}

Reply HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers) const
{
    Reply out;
    try {
        asio::io_context ioc;
        asio::ip::tcp::resolver resolver(ioc);
        beast::tcp_stream stream(ioc);
        stream.expires_after(std::chrono::seconds(120));
        stream.connect(resolver.resolve(m_host, std::to_string(m_port)));
        http::request<http::string_body> req;
        req.method_string(method);
        req.target(target);
        req.version(11);
        req.set(http::field::host, m_host + ":" + std::to_string(m_port));
        req.set(http::field::connection, "close");
        for (const auto& [k, v] : headers)
            req.set(k, v);
        if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT")
            req.body() = body;
        req.prepare_payload();
        http::write(stream, req);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64u << 20);
        http::read(stream, buffer, parser);
        auto& res = parser.get();
        out.status = static_cast<int>(res.result_int());
        out.body = res.body();
        for (const auto& f : res) {
            std::string name(f.name_string());
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char c) { return std::tolower(c); });
            out.headers[name] = std::string(f.value());
        }
        beast::error_code ec;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    } catch (const std::exception& e) {
        out.status = 0;
        out.error = e.what();
    }
    return out;
}

Reply HttpClient::call(const std::string& method, const std::string& target, const std::string& token,
                       const boost::json::value& body,
                       std::vector<std::pair<std::string, std::string>> headers) const
{
    if (!token.empty())
        headers.emplace_back("Authorization", "Bearer " + token);
    std::string payload;
    if (!body.is_null()) {
        payload = boost::json::serialize(body);
        headers.emplace_back("Content-Type", "application/json");
    }
    return request(method, target, payload, headers);
}

} // namespace taskdesk::test
