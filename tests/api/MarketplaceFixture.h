#pragma once

// Helpers shared by the skills and disputes API tests: calls, money in cents,
// wallets, a support member, and the setups both suites start from.
#include "JsonPath.h"
#include "TestServer.h"

#include <QTest>
#include <cmath>
#include <stdexcept>
#include <string>

namespace taskdesk::test {

class MarketplaceFixture
{
public:
    explicit MarketplaceFixture(TestServer& srv) : m_srv(srv) {}

    Reply call(const std::string& method, const std::string& path, const std::string& token = {},
               const boost::json::value& body = nullptr,
               std::vector<std::pair<std::string, std::string>> headers = {}) const
    {
        return m_srv.client().call(method, path, token, body, std::move(headers));
    }

    static std::string text(const Reply& r, const std::string& path)
    {
        return jsonText(jsonPath(r.json(), path));
    }
    // A money field (or any number) in cents; -1 when absent or not a number.
    static long long cents(const boost::json::value& v)
    {
        if (v.is_int64())
            return v.as_int64() * 100;
        if (v.is_uint64())
            return static_cast<long long>(v.as_uint64()) * 100;
        if (v.is_double())
            return std::llround(v.as_double() * 100.0);
        return -1;
    }
    static long long cents(const Reply& r, const std::string& path)
    {
        return cents(jsonPath(r.json(), path));
    }
    // An array at a path, by value (jsonPath answers a temporary).
    static boost::json::array arr(const boost::json::value& root, const std::string& path)
    {
        const auto v = jsonPath(root, path);
        return v.is_array() ? v.as_array() : boost::json::array{};
    }
    static long long number(const Reply& r, const std::string& path)
    {
        const auto v = jsonPath(r.json(), path);
        return v.is_int64() ? v.as_int64() : v.is_uint64() ? static_cast<long long>(v.as_uint64()) : -1;
    }

    struct Wallet
    {
        long long available = -1, pending = -1, escrow = -1;
    };
    Wallet wallet(const std::string& token) const
    {
        const auto r = call("GET", "/api/agent/wallet", token);
        if (r.status != 200)
            throw std::runtime_error("wallet: " + r.body);
        return {cents(r, "wallet.available"), cents(r, "wallet.pending"), cents(r, "wallet.escrow")};
    }

    // A member with the support role and a token carrying the given scopes (default: every
    // standard scope plus support:read and support:write).
    TestServer::Member supportMember(const std::string& handle,
                                     boost::json::array scopes = {"support:read", "support:write",
                                                                  "profile:read", "notifications:read"})
    {
        auto m = m_srv.registerMember(handle);
        m_srv.grantRole(handle, "support");
        const auto r = call("POST", "/api/agent/login", "",
                            boost::json::object{{"email", m.email},
                                                {"password", "correct horse battery"},
                                                {"tokenScopes", std::move(scopes)}});
        if (r.status != 200)
            throw std::runtime_error("support login: " + r.body);
        m.token = text(r, "tokenValue");
        return m;
    }

    // The fees account's balance, through the staff ledger check.
    long long fees(const std::string& supportToken) const
    {
        const auto r = call("GET", "/api/support/ledger/verify", supportToken);
        if (r.status != 200)
            throw std::runtime_error("verify: " + r.body);
        return cents(r, "fees");
    }

    std::string publishSkill(const std::string& token, const std::string& title,
                             const boost::json::value& price, const std::string& currency = "CREDITS") const
    {
        const auto r = call("POST", "/api/agent/skills", token,
                            boost::json::object{{"title", title},
                                                {"description", "A skill offered for the tests: " + title},
                                                {"tags", boost::json::array{"docs"}},
                                                {"priceAmount", price},
                                                {"priceCurrency", currency},
                                                {"deliveryDays", 3}});
        if (r.status != 201)
            throw std::runtime_error("publish skill: " + r.body);
        return text(r, "skill.id");
    }

    std::string requestHire(const std::string& token, const std::string& skillId) const
    {
        const auto r = call("POST", "/api/agent/skills/" + skillId + "/hires", token,
                            boost::json::object{{"brief", "Please do the thing described."}});
        if (r.status != 201)
            throw std::runtime_error("hire: " + r.body);
        return text(r, "hire.id");
    }

    // Hire accepted by the seller: returns the contract id.
    std::string acceptHire(const std::string& sellerToken, const std::string& hireId) const
    {
        const auto r =
            call("POST", "/api/agent/hires/" + hireId + "/accept", sellerToken, boost::json::object{});
        if (r.status != 200)
            throw std::runtime_error("accept hire: " + r.body);
        return text(r, "contract.id");
    }

    Reply submit(const std::string& token, const std::string& contractId, const std::string& summary) const
    {
        return call("POST", "/api/agent/contracts/" + contractId + "/submissions", token,
                    boost::json::object{{"summaryText", summary}});
    }

    Reply decide(const std::string& token, const std::string& contractId, const std::string& action,
                 const std::string& reason = {}) const
    {
        boost::json::object body{{"action", action}};
        if (!reason.empty())
            body["reason"] = reason;
        return call("POST", "/api/agent/contracts/" + contractId + "/decision", token, body);
    }

    // A claim task of budgetCents with criteria, claimed by the worker: returns {taskId, contractId}.
    std::pair<std::string, std::string>
    claimedTask(const std::string& ownerToken, const std::string& workerToken, long long budgetCents) const
    {
        auto r = call("POST", "/api/agent/tasks", ownerToken,
                      boost::json::object{
                          {"title", "Translate the manual"},
                          {"description", "Translate the user manual into French."},
                          {"acceptanceCriteria", boost::json::array{"Every chapter", "No machine output"}},
                          {"skillsTags", boost::json::array{"docs"}},
                          {"mode", "claim"},
                          {"budgetAmount", static_cast<double>(budgetCents) / 100.0},
                          {"budgetCurrency", "CREDITS"}});
        if (r.status != 201)
            throw std::runtime_error("post task: " + r.body);
        const std::string taskId = text(r, "task.id");
        r = call("POST", "/api/agent/tasks/" + taskId + "/claim", workerToken, boost::json::object{});
        if (r.status != 201)
            throw std::runtime_error("claim: " + r.body);
        return {taskId, text(r, "contract.id")};
    }

    // Submit and reject n times ("reason 1", "reason 2", ...).
    void rejectTimes(const std::string& ownerToken, const std::string& workerToken,
                     const std::string& contractId, int n) const
    {
        for (int i = 1; i <= n; ++i) {
            auto r = submit(workerToken, contractId, "Attempt " + std::to_string(i));
            if (r.status != 201)
                throw std::runtime_error("submit: " + r.body);
            r = decide(ownerToken, contractId, "reject", "reason " + std::to_string(i));
            if (r.status != 200)
                throw std::runtime_error("reject: " + r.body);
        }
    }

    // Notifications of a type for a member (newest first).
    std::vector<std::string> notifications(const std::string& token, const std::string& type) const
    {
        const auto r = call("GET", "/api/agent/notifications?limit=100", token);
        std::vector<std::string> out;
        if (r.status != 200)
            return out;
        for (const auto& n : arr(r.json(), "notifications"))
            if (jsonText(n.at("type")) == type)
                out.push_back(jsonText(n.at("message")));
        return out;
    }

private:
    TestServer& m_srv;
};

} // namespace taskdesk::test
