// The skills marketplace over real HTTP: publish, edit, retire, browse and search;
// hires from request to a paid contract with every wallet figure checked; the
// refusals (short funds, strangers, own skill, retired skill) and bad input.
#include "ApiExpect.h"
#include "MarketplaceFixture.h"

#include <QTest>

using namespace taskdesk::test;
namespace json = boost::json;

class ApiSkillsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    std::unique_ptr<MarketplaceFixture> m_f;

    Reply call(const std::string& m, const std::string& p, const std::string& t = {},
               const json::value& b = nullptr, std::vector<std::pair<std::string, std::string>> h = {})
    {
        return m_f->call(m, p, t, b, std::move(h));
    }
    static std::string T(const Reply& r, const std::string& p) { return MarketplaceFixture::text(r, p); }
    long long exp(const std::string& token)
    {
        return MarketplaceFixture::number(call("GET", "/api/agent/me", token), "stats.exp");
    }
    long long creditScore(const std::string& token)
    {
        return MarketplaceFixture::number(call("GET", "/api/agent/me", token), "stats.creditScore");
    }
    std::string narrowToken(const std::string& token, json::array scopes)
    {
        const auto r = call("POST", "/api/agent/me/tokens", token,
                            json::object{{"name", "narrow"}, {"scopes", std::move(scopes)}});
        if (r.status != 201)
            throw std::runtime_error("narrow token: " + r.body);
        return T(r, "tokenValue");
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        m_f = std::make_unique<MarketplaceFixture>(*m_srv);
    }
    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        QCOMPARE(l.mismatchedAccounts, 0LL);
        m_f.reset();
        m_srv.reset();
    }

    void publishEditRetireBrowse()
    {
        const auto seller = m_srv->registerMember("skill_seller");
        const auto other = m_srv->registerMember("skill_other");
        const long long exp0 = exp(seller.token);
        auto r = call("POST", "/api/agent/skills", seller.token,
                      json::object{{"title", "  Rust code review  "},
                                   {"description", "I review Rust pull requests within a day."},
                                   {"tags", json::array{"Rust", "review", "rust"}},
                                   {"priceAmount", 40.5},
                                   {"priceCurrency", "CREDITS"},
                                   {"deliveryDays", 2}});
        EXPECT_STATUS(r, 201);
        const std::string rustId = T(r, "skill.id");
        QVERIFY(rustId.rfind("skl_", 0) == 0);
        QCOMPARE(T(r, "skill.title"), std::string("Rust code review")); // trimmed
        QCOMPARE(jsonPath(r.json(), "skill.tags"), json::value(json::array{"review", "rust"}));
        QCOMPARE(MarketplaceFixture::cents(r, "skill.priceAmount"), 4050LL);
        QCOMPARE(T(r, "skill.priceText"), std::string("40.5 CREDITS"));
        QCOMPARE(jsonPath(r.json(), "skill.active"), json::value(true));
        QCOMPARE(T(r, "skill.seller.id"), seller.id);
        // Seed 000: publishing a skill is +30 exp.
        QCOMPARE(exp(seller.token), exp0 + 30);

        const std::string docsId = m_f->publishSkill(seller.token, "French translation", 12);
        const std::string otherId = m_f->publishSkill(other.token, "Logo design", 99.99, "USDC");

        r = call("GET", "/api/skills");
        EXPECT_STATUS(r, 200);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(3));
        QCOMPARE(T(r, "skills.0.id"), otherId); // newest first
        QCOMPARE(T(r, "skills.0.priceCurrency"), std::string("USDC"));
        r = call("GET", "/api/skills?tag=RUST");
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(1));
        QCOMPARE(T(r, "skills.0.id"), rustId);
        r = call("GET", "/api/skills?query=translation");
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(1));
        QCOMPARE(T(r, "skills.0.id"), docsId);
        r = call("GET", "/api/skills?query=100%25");
        EXPECT_STATUS(r, 200);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(0));
        // Paging.
        r = call("GET", "/api/skills?limit=2");
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(2));
        const std::string cursor = T(r, "nextCursor");
        QVERIFY(!cursor.empty());
        r = call("GET", "/api/skills?limit=2&cursor=" + cursor);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(1));
        QCOMPARE(T(r, "skills.0.id"), rustId);
        QVERIFY(jsonPath(r.json(), "nextCursor").is_null());

        // Edits: the seller only.
        EXPECT_ERROR(
            call("PATCH", "/api/agent/skills/" + rustId, other.token, json::object{{"title", "Mine now"}}),
            403, "FORBIDDEN");
        EXPECT_ERROR(
            call("PATCH", "/api/agent/skills/skl_nope", seller.token, json::object{{"title", "X y z"}}), 404,
            "NOT_FOUND");
        EXPECT_ERROR(
            call("PATCH", "/api/agent/skills/" + rustId, seller.token, json::object{{"active", false}}), 400,
            "VALIDATION");
        r = call("PATCH", "/api/agent/skills/" + rustId, seller.token,
                 json::object{
                     {"title", "Rust and C++ review"}, {"priceAmount", 45}, {"tags", json::array{"cpp"}}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "skill.title"), std::string("Rust and C++ review"));
        QCOMPARE(MarketplaceFixture::cents(r, "skill.priceAmount"), 4500LL);
        QCOMPARE(call("GET", "/api/skills?tag=rust").json().at("skills").as_array().size(), std::size_t(0));
        QCOMPARE(call("GET", "/api/skills?tag=cpp").json().at("skills").as_array().size(), std::size_t(1));

        r = call("GET", "/api/agent/skills/my", seller.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(2));

        // Retire: kept, shown inactive by id, gone from browsing, no new hires, no edits.
        EXPECT_ERROR(call("DELETE", "/api/agent/skills/" + rustId, other.token), 403, "FORBIDDEN");
        r = call("DELETE", "/api/agent/skills/" + rustId, seller.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "skill.active"), json::value(false));
        EXPECT_STATUS(call("DELETE", "/api/agent/skills/" + rustId, seller.token), 200);
        r = call("GET", "/api/skills/" + rustId);
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "skill.active"), json::value(false));
        r = call("GET", "/api/skills");
        for (const auto& s : MarketplaceFixture::arr(r.json(), "skills"))
            QVERIFY(jsonText(s.at("id")) != rustId);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(2));
        EXPECT_ERROR(call("POST", "/api/agent/skills/" + rustId + "/hires", other.token,
                          json::object{{"brief", "Review my crate"}}),
                     409, "SKILL_INACTIVE");
        EXPECT_ERROR(
            call("PATCH", "/api/agent/skills/" + rustId, seller.token, json::object{{"title", "Back again"}}),
            409, "SKILL_INACTIVE");
        r = call("GET", "/api/agent/skills/my", seller.token);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(2)); // retired ones included
        EXPECT_ERROR(call("GET", "/api/skills/skl_missing"), 404, "NOT_FOUND");

        // The audit trail has every change of the skill.
        const auto staff = m_f->supportMember("skills_staff");
        r = call("GET", "/api/support/audit?entityType=skill&entityId=" + rustId, staff.token);
        EXPECT_STATUS(r, 200);
        std::vector<std::string> actions;
        for (const auto& e : MarketplaceFixture::arr(r.json(), "entries"))
            actions.push_back(jsonText(e.at("action")));
        QCOMPARE(actions, (std::vector<std::string>{"skill.retired", "skill.updated", "skill.published"}));
    }

    void validationAndAuth()
    {
        const auto seller = m_srv->registerMember("bad_input_seller");
        const json::object good{
            {"title", "Data cleaning"},    {"description", "I clean CSV files of any size."},
            {"tags", json::array{"data"}}, {"priceAmount", 10},
            {"priceCurrency", "CREDITS"},  {"deliveryDays", 1}};
        EXPECT_ERROR(call("POST", "/api/agent/skills", "", good), 401, "UNAUTHORIZED");
        EXPECT_ERROR(call("POST", "/api/agent/skills", "td_forged_token_value", good), 401, "UNAUTHORIZED");
        const std::string readOnly = narrowToken(seller.token, json::array{"skills:read"});
        auto r = call("POST", "/api/agent/skills", readOnly, good);
        EXPECT_ERROR(r, 403, "MISSING_SCOPE");
        QCOMPARE(T(r, "fields.scope"), std::string("skills:write"));

        std::vector<std::pair<const char*, json::value>> bad;
        auto add = [&bad](const char* field, json::value v) { bad.emplace_back(field, std::move(v)); };
        add("title", json::value("ab"));
        add("title", json::value(std::string("Bad\x01title")));
        add("title", json::value(std::string(121, 'x')));
        add("description", json::value("short"));
        add("description", json::value(std::string("Null\0inside the text", 20)));
        json::array many;
        for (int i = 0; i < 21; ++i)
            many.emplace_back("tag" + std::to_string(i));
        add("tags", json::value(many));
        add("tags", json::value("not-a-list"));
        add("priceAmount", json::value(-5));
        add("priceAmount", json::value(0));
        add("priceAmount", json::value(1.234));
        add("priceAmount", json::value(2000000000));
        add("priceAmount", json::value("ten"));
        add("priceCurrency", json::value("DOGE"));
        add("priceCurrency", json::value("OTHER"));
        add("deliveryDays", json::value(0));
        add("deliveryDays", json::value(366));
        add("deliveryDays", json::value("soon"));
        for (const auto& b : bad) {
            json::object body = good;
            body[b.first] = b.second;
            r = call("POST", "/api/agent/skills", seller.token, body);
            const std::string label = std::string(b.first) + "=" + json::serialize(b.second) + ": " + r.body;
            QVERIFY2(r.status == 400, label.c_str());
            QVERIFY2(T(r, "code") == "VALIDATION", label.c_str());
            // OTHER alone is refused for the custom name it lacks.
            const bool other = std::string(b.first) == "priceCurrency" && b.second == json::value("OTHER");
            QVERIFY2(
                jsonPath(r.json(), "fields").as_object().contains(other ? "priceCurrencyCustom" : b.first),
                label.c_str());
        }
        for (const char* missing : {"title", "description", "priceAmount", "deliveryDays"}) {
            json::object body = good;
            body.erase(missing);
            r = call("POST", "/api/agent/skills", seller.token, body);
            QVERIFY2(r.status == 400 && jsonPath(r.json(), "fields").as_object().contains(missing),
                     r.body.c_str());
        }
        r = m_srv->client().request(
            "POST", "/api/agent/skills", "{\"title\": ",
            {{"Authorization", "Bearer " + seller.token}, {"Content-Type", "application/json"}});
        EXPECT_ERROR(r, 400, "VALIDATION");
        // Nothing was created by any of it.
        r = call("GET", "/api/agent/skills/my", seller.token);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "skills").size(), std::size_t(0));
        // An OTHER currency names itself; up to 8 decimals off-platform.
        json::object other = good;
        other["priceCurrency"] = "OTHER";
        other["priceCurrencyCustom"] = "PEPE";
        other["priceAmount"] = 0.12345678;
        r = call("POST", "/api/agent/skills", seller.token, other);
        EXPECT_STATUS(r, 201);
        QCOMPARE(T(r, "skill.priceText"), std::string("0.12345678 PEPE"));
        // Search input.
        EXPECT_ERROR(call("GET", "/api/skills?query=" + std::string(201, 'q')), 400, "VALIDATION");
        EXPECT_ERROR(call("GET", "/api/skills?limit=0"), 400, "VALIDATION");
        EXPECT_ERROR(call("GET", "/api/agent/hires?role=boss", seller.token), 400, "VALIDATION");
    }

    void hireFlowWithExactFigures()
    {
        const auto seller = m_srv->registerMember("hire_seller");
        const auto buyer = m_srv->registerMember("hire_buyer");
        const auto staff = m_f->supportMember("hire_staff");
        const std::string skillId = m_f->publishSkill(seller.token, "API documentation", 100.01);
        const long long sellerExp = exp(seller.token), buyerExp = exp(buyer.token);
        const long long sellerScore = creditScore(seller.token), buyerScore = creditScore(buyer.token);
        const long long fees0 = m_f->fees(staff.token);

        auto r = call("POST", "/api/agent/skills/" + skillId + "/hires", buyer.token,
                      json::object{{"brief", "Document the agent API, every route."}});
        EXPECT_STATUS(r, 201);
        const std::string hireId = T(r, "hire.id");
        QVERIFY(hireId.rfind("hir_", 0) == 0);
        QCOMPARE(T(r, "hire.status"), std::string("pending"));
        QCOMPARE(MarketplaceFixture::cents(r, "hire.priceAmount"), 10001LL);
        QVERIFY(jsonPath(r.json(), "hire.contractId").is_null());
        QCOMPARE(m_f->notifications(seller.token, "hire.requested").size(), std::size_t(1));
        // Nothing moves until the seller accepts.
        auto w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 100000LL);
        QCOMPARE(w.escrow, 0LL);

        r = call("GET", "/api/agent/hires?role=seller", seller.token);
        QCOMPARE(T(r, "hires.0.id"), hireId);
        QCOMPARE(
            call("GET", "/api/agent/hires?role=buyer", seller.token).json().at("hires").as_array().size(),
            std::size_t(0));
        r = call("GET", "/api/agent/hires?role=buyer", buyer.token);
        QCOMPARE(T(r, "hires.0.id"), hireId);

        r = call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "hire.status"), std::string("accepted"));
        const std::string contractId = T(r, "contract.id");
        QCOMPARE(T(r, "hire.contractId"), contractId);
        QCOMPARE(T(r, "contract.kind"), std::string("hire"));
        QVERIFY(jsonPath(r.json(), "contract.taskId").is_null());
        QCOMPARE(T(r, "contract.hireId"), hireId);
        QCOMPARE(jsonPath(r.json(), "contract.escrowed"), json::value(true));
        QCOMPARE(T(r, "contract.status"), std::string("in_progress"));
        QCOMPARE(T(r, "contract.buyer.id"), buyer.id);
        QCOMPARE(T(r, "contract.seller.id"), seller.id);
        QCOMPARE(T(r, "contract.terms.brief"), std::string("Document the agent API, every route."));
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{}),
                     409, "STATE_CONFLICT");
        QCOMPARE(m_f->notifications(buyer.token, "hire.accepted").size(), std::size_t(1));
        w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 100000LL - 10001LL);
        QCOMPARE(w.escrow, 10001LL);

        // Delivery, a rejection, a second delivery, acceptance: the contract endpoints.
        EXPECT_ERROR(m_f->submit(buyer.token, contractId, "not mine to deliver"), 403, "FORBIDDEN");
        r = m_f->submit(seller.token, contractId, "First draft");
        EXPECT_STATUS(r, 201);
        QVERIFY(jsonPath(r.json(), "submission.taskId").is_null());
        EXPECT_STATUS(m_f->decide(buyer.token, contractId, "reject", "Missing the webhook routes"), 200);
        EXPECT_STATUS(m_f->submit(seller.token, contractId, "Second draft"), 201);
        r = m_f->decide(buyer.token, contractId, "accept");
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "contract.status"), std::string("accepted"));
        // 100.01 less a 5% fee of floor(500.05) = 5.00 cents -> 95.01 pending for the worker.
        w = m_f->wallet(seller.token);
        QCOMPARE(w.pending, 9501LL);
        QCOMPARE(w.available, 100000LL);
        w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 89999LL);
        QCOMPARE(w.escrow, 0LL);
        QCOMPARE(m_f->fees(staff.token), fees0 + 500);
        // Seed 000: a completed hire is +15 exp and +10 credit score for both; the seller's
        // two submissions were +5 each.
        QCOMPARE(exp(seller.token), sellerExp + 15 + 10);
        QCOMPARE(exp(buyer.token), buyerExp + 15);
        QCOMPARE(creditScore(seller.token), sellerScore + 10);
        QCOMPARE(creditScore(buyer.token), buyerScore + 10);
        r = call("GET", "/api/agent/hires/" + hireId, buyer.token);
        QCOMPARE(T(r, "hire.contractStatus"), std::string("accepted"));
        r = call("GET", "/api/agent/stats", seller.token);
        QCOMPARE(MarketplaceFixture::number(r, "skills.published"), 1LL);
        QCOMPARE(MarketplaceFixture::number(r, "skills.completed"), 1LL);
        r = call("GET", "/api/agent/stats", buyer.token);
        QCOMPARE(MarketplaceFixture::number(r, "skills.hired"), 1LL);

        // After the hold the seller's pending becomes available.
        m_srv->server().clock().advance(std::chrono::hours(25));
        m_srv->server().runJobsNow();
        w = m_f->wallet(seller.token);
        QCOMPARE(w.pending, 0LL);
        QCOMPARE(w.available, 100000LL + 9501LL);
    }

    void shortFundsLeaveTheHirePending()
    {
        const auto seller = m_srv->registerMember("pricey_seller");
        const auto buyer = m_srv->registerMember("poor_buyer");
        const std::string skillId = m_f->publishSkill(seller.token, "Full audit", 1000.01);
        const std::string hireId = m_f->requestHire(buyer.token, skillId);
        auto r = call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{});
        EXPECT_ERROR(r, 402, "INSUFFICIENT_FUNDS");
        r = call("GET", "/api/agent/hires/" + hireId, buyer.token);
        QCOMPARE(T(r, "hire.status"), std::string("pending"));
        QVERIFY(jsonPath(r.json(), "hire.contractId").is_null());
        const auto w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 100000LL);
        QCOMPARE(w.escrow, 0LL);
        QCOMPARE(call("GET", "/api/agent/contracts", seller.token).json().at("contracts").as_array().size(),
                 std::size_t(0));
        QCOMPARE(m_f->notifications(buyer.token, "hire.accepted").size(), std::size_t(0));
        // With the price lowered the buyer's next hire goes through; the old one keeps its price.
        EXPECT_STATUS(
            call("PATCH", "/api/agent/skills/" + skillId, seller.token, json::object{{"priceAmount", 10}}),
            200);
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{}),
                     402, "INSUFFICIENT_FUNDS");
        EXPECT_STATUS(call("POST", "/api/agent/hires/" + hireId + "/withdraw", buyer.token), 200);
        const std::string second = m_f->requestHire(buyer.token, skillId);
        m_f->acceptHire(seller.token, second);
        QCOMPARE(m_f->wallet(buyer.token).escrow, 1000LL);
    }

    void declineWithdrawAndStrangers()
    {
        const auto seller = m_srv->registerMember("dw_seller");
        const auto buyer = m_srv->registerMember("dw_buyer");
        const auto stranger = m_srv->registerMember("dw_stranger");
        const std::string skillId = m_f->publishSkill(seller.token, "Proofreading", 20);
        // Not one's own skill; one pending hire per buyer and skill.
        EXPECT_ERROR(call("POST", "/api/agent/skills/" + skillId + "/hires", seller.token,
                          json::object{{"brief", "Hire myself"}}),
                     403, "SELF_HIRE");
        EXPECT_ERROR(
            call("POST", "/api/agent/skills/skl_missing/hires", buyer.token, json::object{{"brief", "x"}}),
            404, "NOT_FOUND");
        EXPECT_ERROR(call("POST", "/api/agent/skills/" + skillId + "/hires", buyer.token, json::object{}),
                     400, "VALIDATION");
        EXPECT_ERROR(call("POST", "/api/agent/skills/" + skillId + "/hires", buyer.token,
                          json::object{{"brief", std::string("bad\x02"
                                                             "brief")}}),
                     400, "VALIDATION");
        const std::string hireId = m_f->requestHire(buyer.token, skillId);
        EXPECT_ERROR(call("POST", "/api/agent/skills/" + skillId + "/hires", buyer.token,
                          json::object{{"brief", "Again"}}),
                     409, "DUPLICATE_HIRE");

        // A stranger cannot see or act on the hire: 404, as if it did not exist.
        for (const char* action : {"accept", "decline", "withdraw"})
            EXPECT_ERROR(
                call("POST", "/api/agent/hires/" + hireId + "/" + action, stranger.token, json::object{}),
                404, "NOT_FOUND");
        EXPECT_ERROR(call("GET", "/api/agent/hires/" + hireId, stranger.token), 404, "NOT_FOUND");
        QCOMPARE(call("GET", "/api/agent/hires", stranger.token).json().at("hires").as_array().size(),
                 std::size_t(0));
        // Each party may do only its own part.
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/accept", buyer.token, json::object{}), 403,
                     "FORBIDDEN");
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/decline", buyer.token, json::object{}),
                     403, "FORBIDDEN");
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/withdraw", seller.token), 403,
                     "FORBIDDEN");
        // A token without skills:write is refused after the hire was found.
        const std::string readOnly = narrowToken(seller.token, json::array{"skills:read"});
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/accept", readOnly, json::object{}), 403,
                     "MISSING_SCOPE");

        auto r = call("POST", "/api/agent/hires/" + hireId + "/decline", seller.token,
                      json::object{{"reason", "Fully booked this week"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "hire.status"), std::string("declined"));
        QCOMPARE(T(r, "hire.reason"), std::string("Fully booked this week"));
        const auto declined = m_f->notifications(buyer.token, "hire.declined");
        QCOMPARE(declined.size(), std::size_t(1));
        QVERIFY(declined[0].find("Fully booked") != std::string::npos);
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{}),
                     409, "STATE_CONFLICT");
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + hireId + "/withdraw", buyer.token), 409,
                     "STATE_CONFLICT");

        const std::string second = m_f->requestHire(buyer.token, skillId);
        r = call("POST", "/api/agent/hires/" + second + "/withdraw", buyer.token);
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "hire.status"), std::string("withdrawn"));
        QCOMPARE(m_f->notifications(seller.token, "hire.withdrawn").size(), std::size_t(1));
        EXPECT_ERROR(call("POST", "/api/agent/hires/" + second + "/accept", seller.token, json::object{}),
                     409, "STATE_CONFLICT");
        r = call("GET", "/api/agent/hires?role=buyer&status=withdrawn", buyer.token);
        QCOMPARE(MarketplaceFixture::arr(r.json(), "hires").size(), std::size_t(1));
        // No money moved for any of it.
        QCOMPARE(m_f->wallet(buyer.token).available, 100000LL);
    }

    void hireCancellationAndOffPlatformPrice()
    {
        const auto seller = m_srv->registerMember("cx_seller");
        const auto buyer = m_srv->registerMember("cx_buyer");
        const long long buyerExp = exp(buyer.token), buyerScore = creditScore(buyer.token);
        const std::string skillId = m_f->publishSkill(seller.token, "Bug triage", 50.01);
        const std::string contractId = m_f->acceptHire(seller.token, m_f->requestHire(buyer.token, skillId));
        // The buyer walks away: seed 000's penalty pays the worker half (less the fee).
        EXPECT_STATUS(call("POST", "/api/agent/contracts/" + contractId + "/cancellation", buyer.token,
                           json::object{{"action", "apply"}, {"reason", "No longer needed"}}),
                      200);
        auto r = call("POST", "/api/agent/contracts/" + contractId + "/cancellation", seller.token,
                      json::object{{"action", "confirm"}});
        EXPECT_STATUS(r, 200);
        QCOMPARE(T(r, "contract.status"), std::string("cancelled"));
        // half = floor(5001 / 2) = 2500; fee floor(125) = 125; worker 2375; buyer back 2501.
        QCOMPARE(m_f->wallet(seller.token).pending, 2375LL);
        auto w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 100000LL - 2500LL);
        QCOMPARE(w.escrow, 0LL);
        // Seed 000: a buyer cancelling a hire is -10 exp and -15 credit score.
        QCOMPARE(exp(buyer.token), std::max(0LL, buyerExp - 10));
        QCOMPARE(creditScore(buyer.token), buyerScore - 15);

        // A USDC skill: no escrow, the seller's payout method as payment instructions.
        r = call("POST", "/api/agent/me/payout-methods", seller.token,
                 json::object{{"denomination", "USDC"}, {"network", "base"}, {"address", "0xSELLERWALLET"}});
        EXPECT_STATUS(r, 201);
        const std::string usdc = m_f->publishSkill(seller.token, "Smart contract review", 250.5, "USDC");
        r = call("POST", "/api/agent/hires/" + m_f->requestHire(buyer.token, usdc) + "/accept", seller.token,
                 json::object{});
        EXPECT_STATUS(r, 200);
        QCOMPARE(jsonPath(r.json(), "contract.escrowed"), json::value(false));
        QCOMPARE(T(r, "contract.currency"), std::string("USDC"));
        QCOMPARE(T(r, "contract.priceText"), std::string("250.5 USDC"));
        QCOMPARE(T(r, "contract.payment.paymentWallet"), std::string("0xSELLERWALLET"));
        w = m_f->wallet(buyer.token);
        QCOMPARE(w.available, 100000LL - 2500LL);
        QCOMPARE(w.escrow, 0LL);
    }
};

TASKDESK_API_TEST_MAIN(ApiSkillsTest)
#include "tst_api_skills.moc"
