#include "FuzzWorld.h"

#include "AccountService.h"
#include "ApiServer.h"
#include "Clock.h"
#include "Database.h"
#include "Platform.h"
#include "ServerSecrets.h"

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <stdexcept>

namespace taskdesk::fuzz {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {
const char* const kPassword = "correct horse battery";
// Public keys, nonces and ciphertexts are checked for encoding and length only; fixed bytes
// keep the seeded world the same from run to run.
const char* const kPublicKey = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="; // 32 bytes
const char* const kNonce = "KCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/";                 // 24 bytes
const char* const kCiphertext = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKT";
} // namespace

FuzzWorld::FuzzWorld(std::string root)
    : m_root(std::move(root)), m_seedDb(m_root + "/seed.db"), m_workDir(m_root + "/work"),
      m_clock(std::make_unique<domain::Clock>())
{
    fs::create_directories(m_workDir);
    open(m_seedDb);
    m_db->migrate();
    seed();
    close(); // the last connection checkpoints the WAL into the file, which is then complete
    reset();
}

FuzzWorld::~FuzzWorld()
{
    close();
}

void FuzzWorld::open(const std::string& dbPath)
{
    std::string why;
    auto secrets = domain::ServerSecrets::load(m_root + "/server.key", &why);
    if (!secrets)
        throw std::runtime_error("fuzz world: server key: " + why);
    domain::PlatformSettings settings;
    settings.dataDir = m_workDir;
    settings.serverKeyPath = m_root + "/server.key";
    settings.allowPrivateWebhooks = true;
    settings.publicBaseUrl = "http://127.0.0.1:8080";
    m_db = std::make_unique<store::Database>(dbPath);
    m_platform.reset(new domain::Platform{*m_db, *m_clock, settings, std::move(secrets)});
    m_api = std::make_unique<http::ApiServer>(*m_platform, false);
}

void FuzzWorld::close()
{
    if (m_api)
        m_api->shutdownEvents();
    m_api.reset();
    m_platform.reset();
    m_db.reset();
}

void FuzzWorld::reset()
{
    close();
    // Uploaded files and the previous copy go with the folder.
    fs::remove_all(m_workDir);
    fs::create_directories(m_workDir);
    const std::string db = m_workDir + "/taskdesk.db";
    fs::copy_file(m_seedDb, db, fs::copy_options::overwrite_existing);
    open(db);
}

void FuzzWorld::substitute(std::string& text) const
{
    if (text.find('@') == std::string::npos)
        return;
    for (const auto& [name, value] : m_placeholders) {
        for (std::size_t at = text.find(name); at != std::string::npos;
             at = text.find(name, at + value.size()))
            text.replace(at, name.size(), value);
    }
}

void FuzzWorld::define(std::string name, std::string value)
{
    m_placeholders.emplace_back(std::move(name), std::move(value));
    std::stable_sort(m_placeholders.begin(), m_placeholders.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

FuzzWorld::Reply FuzzWorld::call(const std::string& method, const std::string& path, const std::string& token,
                                 const json::value& body, int expected)
{
    http::Request req;
    req.method = method;
    req.target = path;
    req.path = path;
    req.remoteAddress = "127.0.0.1";
    if (!token.empty())
        req.headers["authorization"] = "Bearer " + token;
    if (!body.is_null()) {
        req.headers["content-type"] = "application/json";
        req.body = json::serialize(body);
    }
    const http::Response res = m_api->handle(req);
    Reply r;
    r.status = res.status;
    if (!res.body.empty())
        r.json = json::parse(res.body);
    if (r.status != expected)
        // The body is an error message from our own setup; no secret is in it.
        throw std::runtime_error("fuzz world setup: " + method + " " + path + " answered " +
                                 std::to_string(res.status) + " " + res.body.substr(0, 300));
    return r;
}

std::string FuzzWorld::idAt(const Reply& r, const char* object, const char* field) const
{
    const auto* o = r.json.as_object().if_contains(object);
    if (!o || !o->is_object() || !o->as_object().contains(field))
        throw std::runtime_error(std::string("fuzz world setup: no ") + object + "." + field + " in " +
                                 json::serialize(r.json).substr(0, 300));
    return std::string(o->as_object().at(field).as_string());
}

void FuzzWorld::seed()
{
    auto registerMember = [&](const std::string& handle, json::array skills) {
        const auto r = call("POST", "/api/agent/register", {},
                            json::object{{"email", handle + "@example.com"},
                                         {"password", kPassword},
                                         {"handle", handle},
                                         {"skills", std::move(skills)}},
                            201);
        return std::pair{idAt(r, "profile"), std::string(r.json.at("tokenValue").as_string())};
    };
    // Plain variables, not structured bindings: clang 14 cannot capture those in the lambdas below.
    const auto ownerMember = registerMember("fuzz_owner", {"docs"});
    const auto workerMember = registerMember("fuzz_worker", {"docs", "python"});
    registerMember("fuzz_staff", {});
    const std::string ownerId = ownerMember.first, owner = ownerMember.second;
    const std::string workerId = workerMember.first, worker = workerMember.second;
    {
        store::Transaction tx(*m_db, store::Transaction::Mode::Write);
        if (!domain::AccountService::grantRole(tx, "fuzz_staff", "support"))
            throw std::runtime_error("fuzz world setup: cannot grant the support role");
        tx.commit();
    }
    // Staff scopes are granted only at sign-in, and only to profiles with the role.
    const auto staffLogin = call("POST", "/api/agent/login", {},
                                 json::object{{"email", "fuzz_staff@example.com"},
                                              {"password", kPassword},
                                              {"tokenScopes", json::array{"support:read", "support:write",
                                                                          "profile:read", "disputes:read"}}},
                                 200);
    const std::string staff(staffLogin.json.at("tokenValue").as_string());

    auto postTask = [&](const std::string& mode, json::object extra = {}) {
        json::object body{{"title", "Translate the manual"},
                          {"description", "Translate the user manual into French."},
                          {"acceptanceCriteria", json::array{"Every chapter"}},
                          {"skillsTags", json::array{"docs"}},
                          {"mode", mode},
                          {"budgetAmount", 40},
                          {"budgetCurrency", "CREDITS"}};
        for (auto& [k, v] : extra)
            body[k] = v;
        return idAt(call("POST", "/api/agent/tasks", owner, body, 201), "task");
    };
    auto bid = [&](const std::string& task) {
        return idAt(call("POST", "/api/agent/tasks/" + task + "/bids", worker,
                         json::object{{"proposedAmount", 30}, {"etaDays", 3}, {"approach", "Careful work"}},
                         201),
                    "bid");
    };
    auto claim = [&](const std::string& task) {
        return idAt(call("POST", "/api/agent/tasks/" + task + "/claim", worker, json::object{}, 201),
                    "contract");
    };
    auto submit = [&](const std::string& contract, const std::string& summary) {
        call("POST", "/api/agent/contracts/" + contract + "/submissions", worker,
             json::object{{"summaryText", summary}}, 201);
    };

    // A bid task with one bid (bids, bid actions, counter-offers, hiring).
    const std::string task = postTask("bid");
    const std::string bidId = bid(task);
    // A claimed task whose contract waits for a decision.
    const std::string contract = claim(postTask("claim"));
    submit(contract, "First delivery");
    // A contract rejected three times and disputed (support routes).
    const std::string disputed = claim(postTask("claim"));
    for (int i = 1; i <= 3; ++i) {
        submit(disputed, "Attempt " + std::to_string(i));
        call("POST", "/api/agent/contracts/" + disputed + "/decision", owner,
             json::object{{"action", "reject"}, {"reason", "reason " + std::to_string(i)}}, 200);
    }
    const std::string dispute = idAt(
        call("POST", "/api/agent/contracts/" + disputed + "/disputes", worker,
             json::object{{"reason", "The rejections ignore the criteria"}, {"evidence", "See attempt 3"}},
             201),
        "dispute");
    // An open task with one pending submission.
    const std::string openTask = postTask("open");
    const std::string submission =
        idAt(call("POST", "/api/agent/tasks/" + openTask + "/submissions", worker,
                  json::object{{"summaryText", "Done"}, {"output", "result"}}, 201),
             "submission");
    // A claim task that needs the owner's approval, with one application.
    const std::string approvalTask = postTask("claim", json::object{{"requireApproval", true}});
    const std::string application =
        idAt(call("POST", "/api/agent/tasks/" + approvalTask + "/claim", worker, json::object{}, 201),
             "application");
    // A skill and a pending hire of it.
    const std::string skill = idAt(call("POST", "/api/agent/skills", worker,
                                        json::object{{"title", "Manual translation"},
                                                     {"description", "Translates manuals."},
                                                     {"tags", json::array{"docs"}},
                                                     {"priceAmount", 20},
                                                     {"priceCurrency", "CREDITS"},
                                                     {"deliveryDays", 3}},
                                        201),
                                   "skill");
    const std::string hire = idAt(call("POST", "/api/agent/skills/" + skill + "/hires", owner,
                                       json::object{{"brief", "Translate it"}}, 201),
                                  "hire");
    // A protected task hired to the worker, who asked for access with an encryption key.
    const std::string key = idAt(call("POST", "/api/agent/me/keys", worker,
                                      json::object{{"label", "encryption key"},
                                                   {"purpose", "encryption"},
                                                   {"algorithm", "x25519"},
                                                   {"publicKey", kPublicKey}},
                                      201),
                                 "key");
    const std::string protectedTask =
        postTask("bid", json::object{{"protected", json::object{{"alg", "xchacha20poly1305-ietf"},
                                                                {"nonce", kNonce},
                                                                {"ciphertext", kCiphertext},
                                                                {"fields", json::array{"apiKey"}}}}});
    const std::string protectedBid = bid(protectedTask);
    call("POST", "/api/agent/contracts", owner,
         json::object{{"taskId", protectedTask}, {"bidId", protectedBid}}, 201);
    const auto access = call("POST", "/api/agent/tasks/" + protectedTask + "/protected-access", worker,
                             json::object{{"keyId", key}}, 201);
    const std::string accessId = idAt(access, "request");
    // A delegation the owner minted for a new agent, and a linking code of the worker's.
    const std::string delegation =
        idAt(call("POST", "/api/agent/delegations", owner,
                  json::object{{"label", "fuzz bot"},
                               {"agent", json::object{{"mode", "new"}, {"handle", "fuzz_bot"}}},
                               {"scopes", json::array{"profile:read", "tasks:read"}}},
                  201),
             "delegation");
    const auto code = call("POST", "/api/agent/me/linking-codes", worker, json::object{}, 201);

    define("@TOKEN@", owner);
    define("@TOKEN2@", worker);
    define("@STAFF@", staff);
    define("@OWNER@", ownerId);
    define("@WORKER@", workerId);
    define("@TASK@", task);
    define("@BID@", bidId);
    define("@CONTRACT@", contract);
    define("@DISPUTED@", disputed);
    define("@DISPUTE@", dispute);
    define("@OPENTASK@", openTask);
    define("@SUBMISSION@", submission);
    define("@APPROVALTASK@", approvalTask);
    define("@APPLICATION@", application);
    define("@SKILL@", skill);
    define("@HIRE@", hire);
    define("@KEY@", key);
    define("@PTASK@", protectedTask);
    define("@ACCESS@", accessId);
    define("@DELEGATION@", delegation);
    define("@LINKCODE@", std::string(code.json.at("code").as_string()));
}

} // namespace taskdesk::fuzz
