#include "DelegationService.h"

#include "Access.h"
#include "AccountService.h"
#include "ApiKeyService.h"
#include "AuditLog.h"
#include "Digest.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"
#include "Random.h"
#include "Scopes.h"

#include <algorithm>
#include <cctype>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

constexpr auto kLinkingCodeLifetime = std::chrono::minutes(10);
constexpr std::size_t kLinkingCodeLength = 8;

constexpr const char* kCols =
    "id, operator_id, agent_id, label, agent_mode, scopes, spend_limit, spent, requests,"
    " last_used_at, token_id, api_key_id, created_at, expires_at, revoked_at, revoked_by";

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

bool validHandle(const std::string& h)
{
    if (h.size() < 3 || h.size() > 32)
        return false;
    return std::all_of(h.begin(), h.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

json::array scopeArray(const std::set<std::string>& scopes)
{
    json::array a;
    for (const auto& s : scopes)
        a.emplace_back(s);
    return a;
}

json::value spendLimitJson(const std::optional<std::int64_t>& cents)
{
    if (!cents)
        return nullptr;
    json::object o;
    o["amount"] = money(*cents);
    o["currency"] = "CREDITS";
    return o;
}

} // namespace

struct DelegationService::Row
{
    std::string id, operatorId, agentId, label, mode, scopes;
    std::optional<std::int64_t> spendLimit;
    std::int64_t spent = 0, requests = 0;
    std::optional<std::string> lastUsedAt, tokenId, apiKeyId;
    std::string createdAt;
    std::optional<std::string> expiresAt, revokedAt, revokedBy;
};

namespace {
DelegationService::Row readRow(store::Rows& r);
}

bool DelegationService::isLive(store::Transaction& tx, const std::string& delegationId,
                               const std::string& nowIso)
{
    auto r = tx.query("SELECT expires_at, revoked_at FROM delegations WHERE id = ?", {sqlText(delegationId)});
    if (!r.next() || r.optStr(1))
        return false;
    const auto exp = r.optStr(0);
    return !exp || *exp > nowIso;
}

void DelegationService::recordUse(const std::string& delegationId)
{
    const auto now = std::chrono::steady_clock::now();
    std::int64_t count = 0;
    {
        std::lock_guard lock(m_usageMutex);
        auto& u = m_usage[delegationId];
        ++u.pending;
        if (now - u.lastWrite < std::chrono::seconds(1))
            return;
        count = u.pending;
        u.pending = 0;
        u.lastWrite = now;
        if (m_usage.size() > 10000) // forget idle entries now and then
            std::erase_if(m_usage, [&](const auto& e) {
                return e.second.pending == 0 && now - e.second.lastWrite > std::chrono::minutes(5);
            });
    }
    try {
        store::Transaction w(m_p.db, store::Transaction::Mode::Write);
        w.exec("UPDATE delegations SET requests = requests + ?, last_used_at = ? WHERE id = ?",
               {sqlInt(count), sqlText(m_p.clock.nowIso()), sqlText(delegationId)});
        w.commit();
    } catch (const std::exception&) {
        // Usage bookkeeping never fails a request.
    }
}

json::object DelegationService::createLinkingCode(store::Transaction& tx, const Actor& a)
{
    requireScope(a, "delegations:write");
    if (!a.delegationId.empty())
        throw DomainError::forbidden("A delegated credential cannot hand out linking codes");
    const std::string code = crypto::Random::code(kLinkingCodeLength);
    const auto nowTp = m_p.clock.now();
    const std::string now = Clock::toIso(nowTp);
    const std::string expiresAt = Clock::toIso(nowTp + kLinkingCodeLifetime);
    // Only a digest is stored: the code is a bearer secret while it lives.
    tx.exec(
        "INSERT INTO linking_codes(code_hash, profile_id, created_at, expires_at) VALUES (?,?,?,?)",
        {sqlText(crypto::Digest::sha256Hex(code)), sqlText(a.profileId), sqlText(now), sqlText(expiresAt)});
    json::object after;
    after["expiresAt"] = expiresAt;
    AuditLog::record(tx, &a, "linking_code", a.profileId, "create", nullptr, after, now);
    json::object out;
    out["code"] = code;
    out["expiresAt"] = expiresAt;
    return out;
}

json::object DelegationService::create(store::Transaction& tx, const Actor& a, const json::object& body,
                                       const std::string& baseUrl)
{
    requireScope(a, "delegations:write");
    // A delegation is the operator's own act: credentials it minted cannot mint more
    // delegations (that would escape its spend limit and revocation).
    if (!a.delegationId.empty())
        throw DomainError::forbidden("A delegated credential cannot create delegations");
    Input in(body);
    const std::string label = in.str("label", 1, 80);
    std::string mode, handle, displayName, linkingCode;
    const auto* agentRaw = in.raw("agent");
    if (!agentRaw)
        in.fail("agent",
                "is required: {mode: \"new\", handle, displayName} or {mode: \"existing\", linkingCode}");
    else if (!agentRaw->is_object())
        in.fail("agent", "must be an object");
    else {
        Input ag(agentRaw->as_object());
        mode = ag.requiredEnum("mode", {"new", "existing"});
        if (mode == "new") {
            handle = ag.str("handle", 3, 32);
            if (ag.has("handle") && !validHandle(handle))
                ag.fail("handle", "must be 3-32 letters, digits or underscores");
            displayName = ag.optStr("displayName", 1, 80).value_or(handle);
        } else if (mode == "existing") {
            linkingCode = upper(ag.str("linkingCode", kLinkingCodeLength, kLinkingCodeLength));
        }
        try {
            ag.finish();
        } catch (const DomainError& e) {
            for (const auto& [k, v] : e.fields())
                in.fail("agent." + k, v);
        }
    }
    std::set<std::string> scopes;
    for (const auto& s : in.strList("scopes", 64, 64, true)) {
        if (!Scopes::isKnown(s))
            in.fail("scopes", "unknown scope " + s);
        else if (Scopes::isStaff(s))
            in.fail("scopes", "staff scope " + s + " cannot be delegated");
        else if (!a.hasScope(s))
            in.fail("scopes", "cannot grant scope " + s + ": this credential does not hold it");
        else
            scopes.insert(s);
    }
    if (in.ok() && scopes.empty())
        in.fail("scopes", "must name at least one scope");
    std::optional<std::int64_t> spendLimit;
    if (const auto* sl = in.raw("spendLimit"); sl && !sl->is_null()) {
        if (!sl->is_object()) {
            in.fail("spendLimit", "must be {amount, currency: \"CREDITS\"} or null");
        } else {
            const auto* cur = sl->as_object().if_contains("currency");
            if (cur && !(cur->is_string() && cur->as_string() == "CREDITS"))
                in.fail("spendLimit", "currency must be CREDITS (only escrow is limited)");
            const auto* amount = sl->as_object().if_contains("amount");
            std::string reason;
            if (!amount)
                in.fail("spendLimit", "amount is required");
            else if (auto parsed = Input::parseAmount(*amount, true, reason))
                spendLimit = parsed->cents;
            else
                in.fail("spendLimit", "amount " + reason);
        }
    }
    const std::string now = m_p.clock.nowIso();
    auto expiresAt = in.optTime("expiresAt");
    if (expiresAt && *expiresAt <= now)
        in.fail("expiresAt", "must be in the future");
    // The credentials never outlive the operator's credential that mints them.
    std::optional<std::string> parentExpiry;
    if (a.credentialKind == "token")
        parentExpiry = tx.scalarText("SELECT expires_at FROM tokens WHERE id = ?", {sqlText(a.credentialId)});
    else if (a.credentialKind == "api_key")
        parentExpiry =
            tx.scalarText("SELECT expires_at FROM api_keys WHERE id = ?", {sqlText(a.credentialId)});
    if (expiresAt && parentExpiry && *expiresAt > *parentExpiry)
        in.fail("expiresAt",
                "must not be later than the expiry of the credential making it (" + *parentExpiry + ")");
    if (!expiresAt)
        expiresAt = parentExpiry;

    // The linking code is checked with the body: an unknown, used or expired code is a bad field.
    std::string agentId;
    std::string codeHash;
    if (in.ok() && mode == "existing") {
        codeHash = crypto::Digest::sha256Hex(linkingCode);
        auto r = tx.query("SELECT profile_id, expires_at, used_at FROM linking_codes WHERE code_hash = ?",
                          {sqlText(codeHash)});
        if (!r.next() || r.optStr(2) || r.str(1) <= now)
            in.fail("agent.linkingCode", "unknown, already used or expired; ask the agent for a new one");
        else if (r.str(0) == a.profileId)
            in.fail("agent.linkingCode", "is your own; an operator cannot delegate to itself");
        else
            agentId = r.str(0);
    }
    in.finish();

    const std::string id = newId("dlg_");
    if (mode == "new") {
        if (tx.scalarInt("SELECT 1 FROM profiles WHERE handle_key = ?", {sqlText(lower(handle))}))
            throw DomainError::conflict("DUPLICATE_HANDLE", "This handle is taken");
        agentId = newId("prf_");
        // No password (no login), an address that can never receive mail, owned by the
        // operator, and 0 credits: the operator funds it by wallet transfer.
        tx.exec(
            "INSERT INTO profiles(id, email, handle, handle_key, password_hash, kind, display_name, skills,"
            " operator_id, created_at, updated_at) VALUES (?,?,?,?,?,'agent',?,'[]',?,?,?)",
            {sqlText(agentId), sqlText(lower(agentId) + "@delegated.invalid"), sqlText(handle),
             sqlText(lower(handle)), sqlNull(), sqlText(displayName), sqlText(a.profileId), sqlText(now),
             sqlText(now)});
        Ledger::ensureAccount(tx, m_p.clock, Ledger::available(agentId), "available", agentId);
        Ledger::ensureAccount(tx, m_p.clock, Ledger::pending(agentId), "pending", agentId);
    } else {
        // Single use even under concurrency: the conditional update wins once.
        if (tx.exec("UPDATE linking_codes SET used_at = ?, delegation_id = ? WHERE code_hash = ? AND used_at "
                    "IS NULL",
                    {sqlText(now), sqlText(id), sqlText(codeHash)}) != 1)
            throw DomainError::invalid("agent.linkingCode", "unknown, already used or expired");
    }

    AccountService accounts(m_p);
    auto tok = accounts.issueToken(tx, agentId, "delegation: " + label, scopes, expiresAt, id);
    ApiKeyService keys(m_p);
    auto key = keys.issue(tx, agentId, "delegation: " + label, scopes, expiresAt, id);
    const std::string tokenId(tok["token"].as_object()["id"].as_string());
    const std::string keyId(key["apiKey"].as_object()["keyId"].as_string());
    tx.exec(
        "INSERT INTO delegations(id, operator_id, agent_id, label, agent_mode, scopes, spend_limit, token_id,"
        " api_key_id, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        {sqlText(id), sqlText(a.profileId), sqlText(agentId), sqlText(label), sqlText(mode),
         sqlText(Scopes::join(scopes)), spendLimit ? sqlInt(*spendLimit) : sqlNull(), sqlText(tokenId),
         sqlText(keyId), sqlText(now), sqlOptText(expiresAt)});

    const Row row = loadVisible(tx, a, id);
    json::object delegation = toJson(tx, row);
    // The lifecycle entries carry the delegation's id, so its audit trail shows them.
    Actor audited = a;
    audited.delegationId = id;
    if (mode == "existing") {
        json::object used;
        used["delegationId"] = id;
        used["operatorId"] = a.profileId;
        AuditLog::record(tx, &audited, "linking_code", agentId, "use", nullptr, used, now);
    }
    AuditLog::record(tx, &audited, "delegation", id, "create", nullptr, delegation, now);

    const auto agent = AccountService::profileSummary(tx, agentId);
    const auto op = AccountService::profileSummary(tx, a.profileId);
    json::object bundle;
    bundle["version"] = 1;
    bundle["baseUrl"] = baseUrl;
    bundle["profileId"] = agentId;
    bundle["handle"] = agent.at("handle");
    bundle["tokenValue"] = tok["tokenValue"];
    bundle["apiKeyId"] = keyId;
    bundle["apiSecret"] = key["secret"];
    bundle["scopes"] = scopeArray(scopes);
    bundle["spendLimit"] = spendLimitJson(spendLimit);
    bundle["expiresAt"] = expiresAt ? json::value(*expiresAt) : json::value(nullptr);
    json::object issuedBy;
    issuedBy["profileId"] = a.profileId;
    issuedBy["handle"] = op.at("handle");
    bundle["issuedBy"] = std::move(issuedBy);
    bundle["delegationId"] = id;
    json::object out;
    out["delegation"] = std::move(delegation);
    out["bundle"] = std::move(bundle);
    return out;
}

namespace {
DelegationService::Row readRow(store::Rows& r)
{
    DelegationService::Row d;
    d.id = r.str(0);
    d.operatorId = r.str(1);
    d.agentId = r.str(2);
    d.label = r.str(3);
    d.mode = r.str(4);
    d.scopes = r.str(5);
    d.spendLimit = r.optI64(6);
    d.spent = r.i64(7);
    d.requests = r.i64(8);
    d.lastUsedAt = r.optStr(9);
    d.tokenId = r.optStr(10);
    d.apiKeyId = r.optStr(11);
    d.createdAt = r.str(12);
    d.expiresAt = r.optStr(13);
    d.revokedAt = r.optStr(14);
    d.revokedBy = r.optStr(15);
    return d;
}
} // namespace

DelegationService::Row DelegationService::loadVisible(store::Transaction& tx, const Actor& a,
                                                      const std::string& id)
{
    auto r =
        tx.query((std::string("SELECT ") + kCols + " FROM delegations WHERE id = ?").c_str(), {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Delegation");
    Row d = readRow(r);
    // Visible to its operator and its agent. A delegated credential sees only its own
    // delegation: one operator's grant does not reveal another's.
    const bool party = d.operatorId == a.profileId || d.agentId == a.profileId;
    if (!party || (!a.delegationId.empty() && a.delegationId != d.id))
        throw DomainError::notFound("Delegation");
    return d;
}

json::object DelegationService::toJson(store::Transaction& tx, const Row& d)
{
    const std::string now = m_p.clock.nowIso();
    json::object o;
    o["id"] = d.id;
    o["label"] = d.label;
    o["operator"] = AccountService::profileSummary(tx, d.operatorId);
    o["agent"] = AccountService::profileSummary(tx, d.agentId);
    o["agentMode"] = d.mode;
    o["scopes"] = scopeArray(Scopes::split(d.scopes));
    o["spendLimit"] = spendLimitJson(d.spendLimit);
    o["tokenId"] = d.tokenId ? json::value(*d.tokenId) : json::value(nullptr);
    o["apiKeyId"] = d.apiKeyId ? json::value(*d.apiKeyId) : json::value(nullptr);
    o["createdAt"] = d.createdAt;
    o["expiresAt"] = d.expiresAt ? json::value(*d.expiresAt) : json::value(nullptr);
    o["revokedAt"] = d.revokedAt ? json::value(*d.revokedAt) : json::value(nullptr);
    o["revokedBy"] = d.revokedBy ? json::value(*d.revokedBy) : json::value(nullptr);
    o["status"] = d.revokedAt ? "revoked" : (d.expiresAt && *d.expiresAt <= now) ? "expired" : "active";
    json::object usage;
    usage["spent"] = money(d.spent);
    usage["currency"] = "CREDITS";
    usage["remaining"] =
        d.spendLimit ? money(std::max<std::int64_t>(0, *d.spendLimit - d.spent)) : json::value(nullptr);
    usage["requests"] = d.requests;
    usage["lastUsedAt"] = d.lastUsedAt ? json::value(*d.lastUsedAt) : json::value(nullptr);
    o["usage"] = std::move(usage);
    return o;
}

json::object DelegationService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "delegations:read");
    const std::string role = queryText(query, "role");
    if (!role.empty() && role != "operator" && role != "agent")
        throw DomainError::invalid("role", "must be operator or agent");
    const std::string status = queryText(query, "status");
    if (!status.empty() && status != "active" && status != "revoked" && status != "expired")
        throw DomainError::invalid("status", "must be active, revoked or expired");
    const Page page = pageFrom(query);
    std::string sql = std::string("SELECT ") + kCols + " FROM delegations WHERE ";
    store::SqlArgs args;
    if (role == "operator") {
        sql += "operator_id = ?";
        args.push_back(sqlText(a.profileId));
    } else if (role == "agent") {
        sql += "agent_id = ?";
        args.push_back(sqlText(a.profileId));
    } else {
        sql += "(operator_id = ? OR agent_id = ?)";
        args.push_back(sqlText(a.profileId));
        args.push_back(sqlText(a.profileId));
    }
    if (!a.delegationId.empty()) {
        sql += " AND id = ?";
        args.push_back(sqlText(a.delegationId));
    }
    const std::string now = m_p.clock.nowIso();
    if (status == "revoked")
        sql += " AND revoked_at IS NOT NULL";
    else if (status == "active") {
        sql += " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
        args.push_back(sqlText(now));
    } else if (status == "expired") {
        sql += " AND revoked_at IS NULL AND expires_at <= ?";
        args.push_back(sqlText(now));
    }
    if (!page.cursor.empty()) {
        sql += " AND id < ?";
        args.push_back(sqlText(page.cursor));
    }
    sql += " ORDER BY id DESC LIMIT ?";
    args.push_back(sqlInt(page.limit + 1));
    std::vector<Row> rows;
    {
        auto r = tx.query(sql.c_str(), args);
        while (r.next())
            rows.push_back(readRow(r));
    }
    json::array items;
    for (const auto& d : rows)
        items.push_back(toJson(tx, d));
    json::object out;
    finishPage(out, "delegations", std::move(items), page.limit);
    return out;
}

json::object DelegationService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const Row d = loadVisible(tx, a, id);
    requireScope(a, "delegations:read");
    json::object out;
    out["delegation"] = toJson(tx, d);
    return out;
}

json::object DelegationService::revoke(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const Row d = loadVisible(tx, a, id);
    requireScope(a, "delegations:write");
    if (d.revokedAt)
        throw DomainError::conflict("STATE_CONFLICT", "This delegation is already revoked");
    const std::string now = m_p.clock.nowIso();
    const json::object before = toJson(tx, d);
    if (tx.exec("UPDATE delegations SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                {sqlText(now), sqlText(a.profileId), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "This delegation is already revoked");
    // Authentication checks the delegation too; marking its credentials revoked keeps the
    // credential lists honest.
    tx.exec("UPDATE tokens SET revoked_at = ? WHERE delegation_id = ? AND revoked_at IS NULL",
            {sqlText(now), sqlText(id)});
    tx.exec("UPDATE api_keys SET revoked_at = ? WHERE delegation_id = ? AND revoked_at IS NULL",
            {sqlText(now), sqlText(id)});
    const Row after = [&] {
        auto r = tx.query((std::string("SELECT ") + kCols + " FROM delegations WHERE id = ?").c_str(),
                          {sqlText(id)});
        r.next();
        return readRow(r);
    }();
    json::object afterJson = toJson(tx, after);
    Actor audited = a;
    audited.delegationId = id;
    AuditLog::record(tx, &audited, "delegation", id, "revoke", before, afterJson, now);
    const bool byOperator = a.profileId == d.operatorId;
    const std::string other = byOperator ? d.agentId : d.operatorId;
    Notifier::notify(tx, m_p.clock, other, "delegation.revoked", "delegation", id,
                     byOperator ? "Your operator revoked the delegation \"" + d.label + "\""
                                : "The agent revoked the delegation \"" + d.label + "\"");
    json::object out;
    out["delegation"] = std::move(afterJson);
    return out;
}

json::object DelegationService::audit(store::Transaction& tx, const Actor& a, const std::string& id,
                                      const json::object& query)
{
    loadVisible(tx, a, id);
    requireScope(a, "delegations:read");
    AuditLog::Filter f;
    f.delegationId = id;
    return AuditLog::list(tx, f, query);
}

} // namespace taskdesk::domain
