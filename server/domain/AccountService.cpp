#include "AccountService.h"

#include "Access.h"
#include "DelegationService.h"
#include "Digest.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "PasswordHash.h"
#include "Random.h"
#include "Scopes.h"

#include <algorithm>
#include <cctype>
#include <sodium.h>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

const std::vector<std::string> kDenominations = {"USDC", "USDT", "ETH", "SOL",  "BTC",
                                                 "BNB",  "MOLT", "USD", "OTHER"};

bool validHandle(const std::string& h)
{
    if (h.size() < 3 || h.size() > 32)
        return false;
    return std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

bool validEmail(const std::string& e)
{
    const auto at = e.find('@');
    if (at == std::string::npos || at == 0 || at != e.rfind('@') || at + 1 >= e.size())
        return false;
    if (e.find('.', at) == std::string::npos || e.find(' ') != std::string::npos)
        return false;
    return e.size() <= 254;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::vector<std::string> normaliseSkills(std::vector<std::string> skills)
{
    for (auto& s : skills)
        s = lower(s);
    std::sort(skills.begin(), skills.end());
    skills.erase(std::unique(skills.begin(), skills.end()), skills.end());
    return skills;
}

json::array toArray(const std::vector<std::string>& v)
{
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

std::set<std::string> readScopes(Input& in, const char* name, const std::set<std::string>& allowed,
                                 bool& present)
{
    present = in.has(name);
    std::set<std::string> out;
    if (!present)
        return out;
    const auto list = in.strList(name, 64, 64);
    for (const auto& s : list) {
        if (!Scopes::isKnown(s)) {
            in.fail(name, "unknown scope " + s);
            continue;
        }
        if (!allowed.count(s)) {
            in.fail(name, "cannot grant scope " + s);
            continue;
        }
        out.insert(s);
    }
    return out;
}

bool validPublicKey(const std::string& b64)
{
    unsigned char raw[64];
    std::size_t len = 0;
    if (sodium_init() < 0)
        return false;
    if (sodium_base642bin(raw, sizeof raw, b64.c_str(), b64.size(), nullptr, &len, nullptr,
                          sodium_base64_VARIANT_ORIGINAL) != 0)
        return false;
    return len == 32;
}

} // namespace

json::object AccountService::profileSummary(store::Transaction& tx, const std::string& id)
{
    json::object o;
    auto r = tx.query("SELECT id, handle, display_name, kind FROM profiles WHERE id = ?", {sqlText(id)});
    if (r.next()) {
        o["id"] = r.str(0);
        o["handle"] = r.str(1);
        o["displayName"] = r.str(2);
        o["kind"] = r.str(3);
    }
    return o;
}

json::object AccountService::profileJson(store::Transaction& tx, const std::string& id, bool self)
{
    auto r =
        tx.query("SELECT id, kind, handle, display_name, bio, skills, links, availability, public_key, roles,"
                 " exp, credit_score, last_seen_at, created_at, email FROM profiles WHERE id = ?",
                 {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Profile");
    json::object o;
    o["id"] = r.str(0);
    o["kind"] = r.str(1);
    o["handle"] = r.str(2);
    o["displayName"] = r.str(3);
    o["bio"] = r.str(4);
    o["skills"] = parseStoredJson(r.str(5));
    o["links"] = parseStoredJson(r.str(6));
    o["availability"] = r.str(7);
    if (auto k = r.optStr(8))
        o["publicKey"] = *k;
    else
        o["publicKey"] = nullptr;
    o["exp"] = r.i64(10);
    o["creditScore"] = r.i64(11);
    if (auto s = r.optStr(12))
        o["lastSeenAt"] = *s;
    else
        o["lastSeenAt"] = nullptr;
    o["createdAt"] = r.str(13);
    if (self) {
        o["email"] = r.str(14);
        json::array roles;
        for (const auto& role : Scopes::split(r.str(9)))
            roles.emplace_back(role);
        o["roles"] = std::move(roles);
    }
    return o;
}

AccountService::PreparedRegistration AccountService::prepareRegistration(const json::object& body)
{
    Input in(body);
    const std::string email = lower(in.str("email", 3, 254));
    if (in.has("email") && !validEmail(email))
        in.fail("email", "must be an email address");
    const std::string password = in.has("password") && in.raw("password")->is_string()
                                     ? std::string(in.raw("password")->as_string())
                                     : std::string();
    if (!in.has("password"))
        in.fail("password", "is required");
    else if (!in.raw("password")->is_string())
        in.fail("password", "must be a string");
    else if (Input::codePoints(password) < 8)
        in.fail("password", "must be at least 8 characters");
    else if (password.size() > 1024)
        in.fail("password", "must be at most 1024 bytes");
    else if (password.find('\0') != std::string::npos)
        in.fail("password", "must not contain control characters");
    const std::string handle = in.str("handle", 3, 32);
    if (in.has("handle") && !validHandle(handle))
        in.fail("handle", "must be 3-32 letters, digits or underscores");
    in.optStr("displayName", 1, 80);
    in.optEnum("kind", {"agent", "human"});
    in.strList("skills", 20, 40);
    if (auto k = in.optStr("publicKey", 16, 4000); k && k->empty())
        in.fail("publicKey", "must not be empty");
    in.optStr("publicKeyLabel", 1, 64);
    in.optStr("tokenName", 1, 64);
    std::set<std::string> standard(Scopes::standard().begin(), Scopes::standard().end());
    bool present;
    readScopes(in, "tokenScopes", standard, present);
    in.finish();
    PreparedRegistration reg;
    reg.body = body;
    reg.passwordHash = crypto::PasswordHash::hash(password);
    return reg;
}

json::object AccountService::registerProfile(store::Transaction& tx, const PreparedRegistration& reg)
{
    Input in(reg.body);
    const std::string email = lower(in.str("email", 3, 254));
    const std::string handle = in.str("handle", 3, 32);
    const std::string displayName = in.optStr("displayName", 1, 80).value_or(handle);
    const std::string kind = in.optEnum("kind", {"agent", "human"}).value_or("agent");
    const auto skills = normaliseSkills(in.strList("skills", 20, 40));
    const auto publicKey = in.optStr("publicKey", 16, 4000);
    const std::string tokenName = in.optStr("tokenName", 1, 64).value_or("bootstrap");
    std::set<std::string> standard(Scopes::standard().begin(), Scopes::standard().end());
    bool present;
    auto scopes = readScopes(in, "tokenScopes", standard, present);
    if (!present)
        scopes = standard;
    in.finish();

    if (tx.scalarInt("SELECT 1 FROM profiles WHERE email = ?", {sqlText(email)}))
        throw DomainError::conflict("DUPLICATE_EMAIL", "An account with this email already exists");
    if (tx.scalarInt("SELECT 1 FROM profiles WHERE handle_key = ?", {sqlText(lower(handle))}))
        throw DomainError::conflict("DUPLICATE_HANDLE", "This handle is taken");

    const std::string id = newId("prf_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO profiles(id, email, handle, handle_key, password_hash, kind, display_name, skills,"
            " public_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(email), sqlText(handle), sqlText(lower(handle)), sqlText(reg.passwordHash),
             sqlText(kind), sqlText(displayName), sqlText(storeJson(toArray(skills))), sqlOptText(publicKey),
             sqlText(now), sqlText(now)});
    Ledger::ensureAccount(tx, m_p.clock, Ledger::Mint, "mint", "");
    Ledger::ensureAccount(tx, m_p.clock, Ledger::Fees, "fees", "");
    Ledger::ensureAccount(tx, m_p.clock, Ledger::available(id), "available", id);
    Ledger::ensureAccount(tx, m_p.clock, Ledger::pending(id), "pending", id);
    if (m_p.settings.registrationGrantCents > 0)
        Ledger::transfer(tx, m_p.clock, Ledger::Mint, Ledger::available(id),
                         m_p.settings.registrationGrantCents, "registration_grant", "profile", id,
                         "Welcome credits");

    json::object out;
    out["profile"] = profileJson(tx, id, true);
    auto tok = issueToken(tx, id, tokenName, scopes, std::nullopt);
    out["token"] = tok["token"];
    out["tokenValue"] = tok["tokenValue"];
    return out;
}

std::string AccountService::checkLogin(const json::object& body)
{
    Input in(body);
    const std::string email = lower(in.str("email", 1, 254));
    if (!in.has("password") || !in.raw("password")->is_string())
        in.fail("password", "is required");
    in.optStr("tokenName", 1, 64);
    in.finish();
    const std::string password(in.raw("password")->as_string());
    std::optional<std::string> id, hash;
    {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
        auto r = tx.query("SELECT id, password_hash FROM profiles WHERE email = ?", {sqlText(email)});
        if (r.next()) {
            id = r.str(0);
            hash = r.optStr(1);
        }
    }
    // Spend the same effort for an unknown email so timing does not tell which emails exist.
    static const std::string dummy = crypto::PasswordHash::hash("not-a-real-password");
    const bool ok = crypto::PasswordHash::verify(hash.value_or(dummy), password);
    if (!id || !hash || !ok)
        throw DomainError(ErrorKind::Unauthorized, "INVALID_CREDENTIALS", "Email or password is wrong");
    return *id;
}

json::object AccountService::login(store::Transaction& tx, const std::string& profileId,
                                   const json::object& body)
{
    Input in(body);
    const std::string tokenName = in.optStr("tokenName", 1, 64).value_or("login");
    std::set<std::string> allowed(Scopes::standard().begin(), Scopes::standard().end());
    const auto roles = Scopes::split(
        tx.scalarText("SELECT roles FROM profiles WHERE id = ?", {sqlText(profileId)}).value_or(""));
    if (roles.count("support") || roles.count("admin"))
        allowed.insert(Scopes::staff().begin(), Scopes::staff().end());
    bool present;
    auto scopes = readScopes(in, "tokenScopes", allowed, present);
    if (!present)
        scopes = std::set<std::string>(Scopes::standard().begin(), Scopes::standard().end());
    in.finish();
    json::object out;
    out["profile"] = profileJson(tx, profileId, true);
    auto tok = issueToken(tx, profileId, tokenName, scopes, std::nullopt);
    out["token"] = tok["token"];
    out["tokenValue"] = tok["tokenValue"];
    return out;
}

json::object AccountService::localOperatorSignIn(store::Transaction& tx, const std::string& tokenName)
{
    static const std::string kHandle = "operator";
    auto id = tx.scalarText("SELECT id FROM profiles WHERE handle_key = ?", {sqlText(kHandle)});
    if (!id) {
        json::object body;
        body["email"] = "operator@sandbox.invalid";
        body["handle"] = kHandle;
        body["displayName"] = "Local operator";
        body["kind"] = "human";
        body["password"] = crypto::Random::base64url(32);
        PreparedRegistration reg;
        reg.passwordHash = crypto::PasswordHash::hash(std::string(body["password"].as_string()));
        body.erase("password");
        reg.body = std::move(body);
        registerProfile(tx, reg);
        id = tx.scalarText("SELECT id FROM profiles WHERE handle_key = ?", {sqlText(kHandle)});
    }
    grantRole(tx, kHandle, "support");
    tx.exec("UPDATE tokens SET revoked_at = ? WHERE profile_id = ? AND name = ? AND revoked_at IS NULL",
            {sqlText(m_p.clock.nowIso()), sqlText(*id), sqlText(tokenName)});
    std::set<std::string> scopes(Scopes::standard().begin(), Scopes::standard().end());
    scopes.insert(Scopes::staff().begin(), Scopes::staff().end());
    json::object out;
    out["profile"] = profileJson(tx, *id, true);
    auto tok = issueToken(tx, *id, tokenName, scopes, std::nullopt);
    out["token"] = tok["token"];
    out["tokenValue"] = tok["tokenValue"];
    return out;
}

json::object AccountService::issueToken(store::Transaction& tx, const std::string& profileId,
                                        const std::string& name, const std::set<std::string>& scopes,
                                        const std::optional<std::string>& expiresAt,
                                        const std::string& delegationId)
{
    const std::string id = newId("tok_");
    const std::string value = "td_" + crypto::Random::base64url(32);
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO tokens(id, profile_id, name, token_hash, scopes, created_at, expires_at,"
            " delegation_id) VALUES (?,?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(profileId), sqlText(name), sqlText(crypto::Digest::sha256Hex(value)),
             sqlText(Scopes::join(scopes)), sqlText(now), sqlOptText(expiresAt),
             delegationId.empty() ? sqlNull() : sqlText(delegationId)});
    json::object token;
    token["id"] = id;
    token["name"] = name;
    token["scopes"] = toArray(std::vector<std::string>(scopes.begin(), scopes.end()));
    token["createdAt"] = now;
    token["expiresAt"] = expiresAt ? json::value(*expiresAt) : json::value(nullptr);
    json::object out;
    out["token"] = std::move(token);
    out["tokenValue"] = value;
    return out;
}

std::optional<Actor> AccountService::authenticateBearer(store::Transaction& tx, const std::string& tokenValue)
{
    if (tokenValue.size() < 8 || tokenValue.size() > 200)
        return std::nullopt;
    auto r =
        tx.query("SELECT t.id, t.profile_id, t.scopes, t.expires_at, t.revoked_at, p.roles, t.last_used_at,"
                 " t.delegation_id FROM tokens t JOIN profiles p ON p.id = t.profile_id"
                 " WHERE t.token_hash = ?",
                 {sqlText(crypto::Digest::sha256Hex(tokenValue))});
    if (!r.next() || r.optStr(4))
        return std::nullopt;
    const std::string now = m_p.clock.nowIso();
    if (auto exp = r.optStr(3); exp && *exp <= now)
        return std::nullopt;
    Actor a;
    a.credentialId = r.str(0);
    a.profileId = r.str(1);
    a.credentialKind = "token";
    a.roles = Scopes::split(r.str(5));
    for (const auto& s : Scopes::split(r.str(2))) {
        if (Scopes::isStaff(s) && !a.isStaff())
            continue; // staff scopes lapse when the role is taken away
        a.scopes.insert(s);
    }
    // A delegated token lives only as long as its delegation (revoked or expired: 401).
    a.delegationId = r.optStr(7).value_or("");
    if (!a.delegationId.empty() && !DelegationService::isLive(tx, a.delegationId, now))
        return std::nullopt;
    return a;
}

void AccountService::touchToken(const std::string& tokenId)
{
    const auto now = m_p.clock.now();
    const std::string cutoff = Clock::toIso(now - std::chrono::minutes(1));
    try {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
        auto last = tx.scalarText("SELECT last_used_at FROM tokens WHERE id = ?", {sqlText(tokenId)});
        tx.commit();
        if (last && *last > cutoff)
            return;
        store::Transaction w(m_p.db, store::Transaction::Mode::Write);
        w.exec("UPDATE tokens SET last_used_at = ? WHERE id = ?",
               {sqlText(Clock::toIso(now)), sqlText(tokenId)});
        w.commit();
    } catch (const std::exception&) {
        // Last-use bookkeeping never fails a request.
    }
}

json::object AccountService::me(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "profile:read");
    json::object out;
    out["profile"] = profileJson(tx, a.profileId, true);
    const auto pid = sqlText(a.profileId);
    json::object stats;
    stats["tasksPosted"] = tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE owner_id = ?", {pid}).value_or(0);
    stats["activeBids"] =
        tx.scalarInt("SELECT COUNT(*) FROM bids WHERE bidder_id = ? AND status = 'active'", {pid})
            .value_or(0);
    stats["contractsAsBuyer"] =
        tx.scalarInt("SELECT COUNT(*) FROM contracts WHERE buyer_id = ?", {pid}).value_or(0);
    stats["contractsAsSeller"] =
        tx.scalarInt("SELECT COUNT(*) FROM contracts WHERE seller_id = ?", {pid}).value_or(0);
    auto r = tx.query("SELECT COUNT(*), COALESCE(SUM(rating), 0) FROM reviews WHERE subject_id = ?", {pid});
    r.next();
    const auto count = r.i64(0);
    stats["averageRating"] = count
                                 ? json::value(std::round(static_cast<double>(r.i64(1)) / count * 100) / 100)
                                 : json::value(nullptr);
    stats["reviewCount"] = count;
    const auto& p = out["profile"].as_object();
    stats["exp"] = p.at("exp");
    stats["creditScore"] = p.at("creditScore");
    out["stats"] = std::move(stats);
    return out;
}

json::object AccountService::updateMe(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "profile:write");
    Input in(body);
    const auto displayName = in.optStr("displayName", 1, 80);
    const auto bio = in.optStr("bio", 0, 2000);
    const bool hasSkills = in.has("skills");
    const auto skills = normaliseSkills(in.strList("skills", 20, 40));
    const bool hasLinks = in.has("links");
    const auto links = in.strList("links", 10, 300);
    const auto availability = in.optEnum("availability", {"available", "busy", "away"});
    const auto publicKey = in.optStr("publicKey", 16, 4000);
    in.finish();
    const std::string now = m_p.clock.nowIso();
    if (displayName)
        tx.exec("UPDATE profiles SET display_name = ? WHERE id = ?",
                {sqlText(*displayName), sqlText(a.profileId)});
    if (bio)
        tx.exec("UPDATE profiles SET bio = ? WHERE id = ?", {sqlText(*bio), sqlText(a.profileId)});
    if (hasSkills)
        tx.exec("UPDATE profiles SET skills = ? WHERE id = ?",
                {sqlText(storeJson(toArray(skills))), sqlText(a.profileId)});
    if (hasLinks)
        tx.exec("UPDATE profiles SET links = ? WHERE id = ?",
                {sqlText(storeJson(toArray(links))), sqlText(a.profileId)});
    if (availability)
        tx.exec("UPDATE profiles SET availability = ? WHERE id = ?",
                {sqlText(*availability), sqlText(a.profileId)});
    if (publicKey)
        tx.exec("UPDATE profiles SET public_key = ? WHERE id = ?",
                {sqlText(*publicKey), sqlText(a.profileId)});
    tx.exec("UPDATE profiles SET updated_at = ? WHERE id = ?", {sqlText(now), sqlText(a.profileId)});
    json::object out;
    out["profile"] = profileJson(tx, a.profileId, true);
    return out;
}

json::object AccountService::publicProfile(store::Transaction& tx, const std::string& id)
{
    json::object out;
    out["profile"] = profileJson(tx, id, false);
    return out;
}

json::object AccountService::profileReviews(store::Transaction& tx, const std::string& id,
                                            const json::object& query)
{
    if (!tx.scalarInt("SELECT 1 FROM profiles WHERE id = ?", {sqlText(id)}))
        throw DomainError::notFound("Profile");
    const auto page = pageFrom(query);
    auto r = tx.query(
        "SELECT id, contract_id, author_id, rating, text, created_at FROM reviews WHERE subject_id = ?"
        " AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
        {sqlText(id), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next()) {
        json::object o;
        o["id"] = r.str(0);
        o["contractId"] = r.str(1);
        o["author"] = r.str(2); // the id until the rows are read; see below
        o["rating"] = r.i64(3);
        o["text"] = r.textOrNull(4);
        o["createdAt"] = r.str(5);
        items.push_back(std::move(o));
    }
    // No query while the result is open: on PostgreSQL (row by row) it drops the remaining rows.
    for (auto& v : items) {
        auto& o = v.as_object();
        o["author"] = profileSummary(tx, std::string(o["author"].as_string()));
    }
    json::object out;
    finishPage(out, "reviews", std::move(items), page.limit);
    return out;
}

json::object AccountService::publicPayoutMethods(store::Transaction& tx, const std::string& id)
{
    if (!tx.scalarInt("SELECT 1 FROM profiles WHERE id = ?", {sqlText(id)}))
        throw DomainError::notFound("Profile");
    auto r = tx.query("SELECT DISTINCT denomination, network FROM payout_methods WHERE profile_id = ? AND "
                      "deleted_at IS NULL"
                      " ORDER BY denomination",
                      {sqlText(id)});
    json::array items;
    while (r.next()) {
        json::object o;
        o["denomination"] = r.str(0);
        o["network"] = r.textOrNull(1);
        items.push_back(std::move(o));
    }
    json::object out;
    out["payoutMethods"] = std::move(items);
    return out;
}

json::object AccountService::listTokens(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "tokens:read");
    auto r = tx.query("SELECT id, name, scopes, created_at, expires_at, revoked_at, last_used_at FROM tokens"
                      " WHERE profile_id = ? AND revoked_at IS NULL ORDER BY id DESC",
                      {sqlText(a.profileId)});
    json::array items;
    while (r.next()) {
        json::object o;
        o["id"] = r.str(0);
        o["name"] = r.str(1);
        const auto sc = Scopes::split(r.str(2));
        o["scopes"] = toArray(std::vector<std::string>(sc.begin(), sc.end()));
        o["createdAt"] = r.str(3);
        o["expiresAt"] = r.textOrNull(4);
        o["lastUsedAt"] = r.textOrNull(6);
        o["current"] = r.str(0) == a.credentialId;
        items.push_back(std::move(o));
    }
    json::object out;
    out["tokens"] = std::move(items);
    out["nextCursor"] = nullptr;
    return out;
}

json::object AccountService::createToken(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "tokens:write");
    Input in(body);
    const std::string name = in.optStr("name", 1, 64).value_or("token");
    const auto expiresAt = in.optTime("expiresAt");
    if (expiresAt && *expiresAt <= m_p.clock.nowIso())
        in.fail("expiresAt", "must be in the future");
    bool present;
    auto scopes = readScopes(in, "scopes", a.scopes, present);
    if (!present)
        scopes = a.scopes;
    // A token never outlives the token that makes it (as it never holds more scopes).
    const auto parentExpiry =
        tx.scalarText("SELECT expires_at FROM tokens WHERE id = ?", {sqlText(a.credentialId)});
    if (expiresAt && parentExpiry && *expiresAt > *parentExpiry)
        in.fail("expiresAt",
                "must not be later than the expiry of the token making it (" + *parentExpiry + ")");
    in.finish();
    // A token made by a delegated credential stays inside the delegation (revocation, spend limit).
    auto out =
        issueToken(tx, a.profileId, name, scopes, expiresAt ? expiresAt : parentExpiry, a.delegationId);
    return out;
}

json::object AccountService::revokeToken(store::Transaction& tx, const Actor& a, const std::string& id)
{
    if (!tx.scalarInt("SELECT 1 FROM tokens WHERE id = ? AND profile_id = ? AND revoked_at IS NULL",
                      {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::notFound("Token");
    requireScope(a, "tokens:write");
    if (id == a.credentialId)
        throw DomainError::conflict("SELF_REVOKE", "A token cannot revoke itself; use another token");
    tx.exec("UPDATE tokens SET revoked_at = ? WHERE id = ?", {sqlText(m_p.clock.nowIso()), sqlText(id)});
    json::object out;
    out["revoked"] = true;
    out["id"] = id;
    return out;
}

namespace {
json::object payoutJson(store::Rows& r)
{
    json::object o;
    o["id"] = r.str(0);
    o["denomination"] = r.str(1);
    o["network"] = r.textOrNull(2);
    o["address"] = r.str(3);
    o["memo"] = r.textOrNull(4);
    o["createdAt"] = r.str(5);
    o["updatedAt"] = r.str(6);
    return o;
}
constexpr const char* kPayoutCols = "id, denomination, network, address, memo, created_at, updated_at";
} // namespace

json::object AccountService::listPayoutMethods(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "profile:read");
    auto r = tx.query((std::string("SELECT ") + kPayoutCols +
                       " FROM payout_methods WHERE profile_id = ? AND deleted_at IS NULL ORDER BY id DESC")
                          .c_str(),
                      {sqlText(a.profileId)});
    json::array items;
    while (r.next())
        items.push_back(payoutJson(r));
    json::object out;
    out["payoutMethods"] = std::move(items);
    out["nextCursor"] = nullptr;
    return out;
}

json::object AccountService::createPayoutMethod(store::Transaction& tx, const Actor& a,
                                                const json::object& body)
{
    requireScope(a, "profile:write");
    Input in(body);
    const std::string denom = in.requiredEnum("denomination", kDenominations);
    const auto network = in.optStr("network", 1, 40);
    const std::string address = in.str("address", 1, 200);
    const auto memo = in.optStr("memo", 0, 200);
    in.finish();
    if (tx.scalarInt("SELECT COUNT(*) FROM payout_methods WHERE profile_id = ? AND deleted_at IS NULL",
                     {sqlText(a.profileId)})
            .value_or(0) >= 20)
        throw DomainError::conflict("LIMIT_REACHED", "At most 20 payout methods per profile");
    const std::string id = newId("pay_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO payout_methods(id, profile_id, denomination, network, address, memo, created_at, "
            "updated_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(a.profileId), sqlText(denom), sqlOptText(network), sqlText(address),
             sqlOptText(memo), sqlText(now), sqlText(now)});
    auto r = tx.query((std::string("SELECT ") + kPayoutCols + " FROM payout_methods WHERE id = ?").c_str(),
                      {sqlText(id)});
    r.next();
    json::object out;
    out["payoutMethod"] = payoutJson(r);
    return out;
}

json::object AccountService::updatePayoutMethod(store::Transaction& tx, const Actor& a, const std::string& id,
                                                const json::object& body)
{
    if (!tx.scalarInt("SELECT 1 FROM payout_methods WHERE id = ? AND profile_id = ? AND deleted_at IS NULL",
                      {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::notFound("Payout method");
    requireScope(a, "profile:write");
    Input in(body);
    const auto denom = in.optEnum("denomination", kDenominations);
    const auto network = in.optStr("network", 1, 40);
    const auto address = in.optStr("address", 1, 200);
    const auto memo = in.optStr("memo", 0, 200);
    in.finish();
    const std::string now = m_p.clock.nowIso();
    if (denom)
        tx.exec("UPDATE payout_methods SET denomination = ? WHERE id = ?", {sqlText(*denom), sqlText(id)});
    if (network)
        tx.exec("UPDATE payout_methods SET network = ? WHERE id = ?", {sqlText(*network), sqlText(id)});
    if (address)
        tx.exec("UPDATE payout_methods SET address = ? WHERE id = ?", {sqlText(*address), sqlText(id)});
    if (memo)
        tx.exec("UPDATE payout_methods SET memo = ? WHERE id = ?", {sqlText(*memo), sqlText(id)});
    tx.exec("UPDATE payout_methods SET updated_at = ? WHERE id = ?", {sqlText(now), sqlText(id)});
    auto r = tx.query((std::string("SELECT ") + kPayoutCols + " FROM payout_methods WHERE id = ?").c_str(),
                      {sqlText(id)});
    r.next();
    json::object out;
    out["payoutMethod"] = payoutJson(r);
    return out;
}

json::object AccountService::deletePayoutMethod(store::Transaction& tx, const Actor& a, const std::string& id)
{
    if (!tx.scalarInt("SELECT 1 FROM payout_methods WHERE id = ? AND profile_id = ? AND deleted_at IS NULL",
                      {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::notFound("Payout method");
    requireScope(a, "profile:write");
    tx.exec("UPDATE payout_methods SET deleted_at = ? WHERE id = ?",
            {sqlText(m_p.clock.nowIso()), sqlText(id)});
    json::object out;
    out["deleted"] = true;
    out["id"] = id;
    return out;
}

namespace {
json::object keyJson(store::Rows& r)
{
    json::object o;
    o["id"] = r.str(0);
    o["label"] = r.str(1);
    o["purpose"] = r.str(2);
    o["algorithm"] = r.str(3);
    o["publicKey"] = r.str(4);
    o["createdAt"] = r.str(5);
    return o;
}
} // namespace

json::object AccountService::listKeys(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "keys:read");
    auto r = tx.query("SELECT id, label, purpose, algorithm, public_key, created_at FROM profile_keys"
                      " WHERE profile_id = ? AND deleted_at IS NULL ORDER BY id DESC",
                      {sqlText(a.profileId)});
    json::array items;
    while (r.next())
        items.push_back(keyJson(r));
    json::object out;
    out["keys"] = std::move(items);
    out["nextCursor"] = nullptr;
    return out;
}

json::object AccountService::createKey(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "keys:write");
    Input in(body);
    const std::string label = in.str("label", 1, 64);
    const std::string purpose = in.requiredEnum("purpose", {"encryption", "signing"});
    const std::string algorithm = in.requiredEnum("algorithm", {"x25519", "ed25519"});
    const std::string publicKey = in.str("publicKey", 1, 100);
    if (!purpose.empty() && !algorithm.empty() && ((purpose == "encryption") != (algorithm == "x25519")))
        in.fail("algorithm", "encryption keys are x25519 and signing keys ed25519");
    if (!publicKey.empty() && !validPublicKey(publicKey))
        in.fail("publicKey", "must be 32 bytes in standard base64");
    in.finish();
    if (tx.scalarInt("SELECT COUNT(*) FROM profile_keys WHERE profile_id = ? AND deleted_at IS NULL",
                     {sqlText(a.profileId)})
            .value_or(0) >= 20)
        throw DomainError::conflict("LIMIT_REACHED", "At most 20 keys per profile");
    const std::string id = newId("key_");
    tx.exec("INSERT INTO profile_keys(id, profile_id, label, purpose, algorithm, public_key, created_at)"
            " VALUES (?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(a.profileId), sqlText(label), sqlText(purpose), sqlText(algorithm),
             sqlText(publicKey), sqlText(m_p.clock.nowIso())});
    auto r = tx.query(
        "SELECT id, label, purpose, algorithm, public_key, created_at FROM profile_keys WHERE id = ?",
        {sqlText(id)});
    r.next();
    json::object out;
    out["key"] = keyJson(r);
    return out;
}

json::object AccountService::deleteKey(store::Transaction& tx, const Actor& a, const std::string& id)
{
    if (!tx.scalarInt("SELECT 1 FROM profile_keys WHERE id = ? AND profile_id = ? AND deleted_at IS NULL",
                      {sqlText(id), sqlText(a.profileId)}))
        throw DomainError::notFound("Key");
    requireScope(a, "keys:write");
    tx.exec("UPDATE profile_keys SET deleted_at = ? WHERE id = ?",
            {sqlText(m_p.clock.nowIso()), sqlText(id)});
    json::object out;
    out["deleted"] = true;
    out["id"] = id;
    return out;
}

json::object AccountService::heartbeat(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "profile:write");
    const std::string now = m_p.clock.nowIso();
    tx.exec("UPDATE profiles SET last_seen_at = ? WHERE id = ?", {sqlText(now), sqlText(a.profileId)});
    json::object out;
    out["lastSeenAt"] = now;
    return out;
}

json::object AccountService::stats(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "profile:read");
    const auto pid = sqlText(a.profileId);
    const std::string monthStart = m_p.clock.nowIso().substr(0, 7) + "-01T00:00:00.000Z";
    json::object tasks;
    tasks["published"] = tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE owner_id = ?", {pid}).value_or(0);
    tasks["completed"] =
        tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE owner_id = ? AND status = 'completed'", {pid})
            .value_or(0);
    tasks["cancelled"] =
        tx.scalarInt("SELECT COUNT(*) FROM tasks WHERE owner_id = ? AND status = 'cancelled'", {pid})
            .value_or(0);
    // Skills: published by the caller; hires it made as a buyer that were accepted; hires of its
    // skills whose contract completed (accepted, or a dispute released to it).
    json::object skills;
    skills["published"] = tx.scalarInt("SELECT COUNT(*) FROM skills WHERE seller_id = ?", {pid}).value_or(0);
    skills["hired"] =
        tx.scalarInt("SELECT COUNT(*) FROM hires WHERE buyer_id = ? AND contract_id IS NOT NULL", {pid})
            .value_or(0);
    skills["completed"] =
        tx.scalarInt("SELECT COUNT(*) FROM contracts WHERE kind = 'hire' AND seller_id = ? AND status = "
                     "'accepted'",
                     {pid})
            .value_or(0);
    const auto pendingAcct = sqlText(Ledger::pending(a.profileId));
    auto sumSince = [&](const char* sql, const std::string& since) {
        return tx.scalarInt(sql, {pendingAcct, sqlText(since)}).value_or(0);
    };
    const char* earnSql =
        "SELECT COALESCE(SUM(amount),0) FROM transfers WHERE to_account = ? AND kind = 'payout'"
        " AND created_at >= ?";
    json::object earnings;
    earnings["total"] = money(sumSince(earnSql, ""));
    earnings["thisMonth"] = money(sumSince(earnSql, monthStart));
    const char* spendSql =
        "SELECT COALESCE(SUM(t.amount),0) FROM transfers t JOIN accounts a ON a.id = t.from_account"
        " WHERE a.kind = 'escrow' AND a.owner_id = ? AND t.kind IN ('payout', 'fee') AND t.created_at >= ?";
    json::object spending;
    spending["total"] = money(tx.scalarInt(spendSql, {pid, sqlText("")}).value_or(0));
    spending["thisMonth"] = money(tx.scalarInt(spendSql, {pid, sqlText(monthStart)}).value_or(0));
    json::object out;
    out["tasks"] = std::move(tasks);
    out["skills"] = std::move(skills);
    out["earnings"] = std::move(earnings);
    out["spending"] = std::move(spending);
    return out;
}

bool AccountService::grantRole(store::Transaction& tx, const std::string& handle, const std::string& role)
{
    auto roles = tx.scalarText("SELECT roles FROM profiles WHERE handle_key = ?", {sqlText(lower(handle))});
    if (!roles)
        return false;
    auto set = Scopes::split(*roles);
    set.insert(role);
    tx.exec("UPDATE profiles SET roles = ? WHERE handle_key = ?",
            {sqlText(Scopes::join(set)), sqlText(lower(handle))});
    return true;
}

} // namespace taskdesk::domain
