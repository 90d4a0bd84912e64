#include "ApiKeyService.h"

#include "Access.h"
#include "AuditLog.h"
#include "DelegationService.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Random.h"
#include "RequestSigner.h"
#include "Scopes.h"
#include "ServerSecrets.h"

#include <QLoggingCategory>
#include <algorithm>
#include <cctype>
#include <charconv>

Q_LOGGING_CATEGORY(lcApiKeys, "taskdesk.server.apikeys", QtInfoMsg)

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlOptText;
using store::sqlText;

namespace {

constexpr const char* kKeyCols = "id, name, scopes, created_at, expires_at, last_used_at, delegation_id";

std::string secretContext(const std::string& keyId)
{
    return "api_keys.secret:" + keyId;
}

json::array scopeArray(const std::set<std::string>& scopes)
{
    json::array a;
    for (const auto& s : scopes)
        a.emplace_back(s);
    return a;
}

std::int64_t unixSeconds(const Clock& clock)
{
    return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

} // namespace

json::object ApiKeyService::keyJson(store::Rows& r)
{
    json::object o;
    o["keyId"] = r.str(0);
    o["name"] = r.str(1);
    o["scopes"] = scopeArray(Scopes::split(r.str(2)));
    o["createdAt"] = r.str(3);
    o["expiresAt"] = r.textOrNull(4);
    o["lastUsedAt"] = r.textOrNull(5);
    o["delegationId"] = r.textOrNull(6);
    return o;
}

json::object ApiKeyService::issue(store::Transaction& tx, const std::string& profileId,
                                  const std::string& name, const std::set<std::string>& scopes,
                                  const std::optional<std::string>& expiresAt,
                                  const std::string& delegationId)
{
    if (!m_p.secrets)
        throw std::runtime_error("no server key loaded");
    const std::string id = newId("ak_");
    // 32 random bytes; the "tds_" prefix lets secret scanners recognise a leaked one.
    std::string secret = "tds_" + crypto::Random::base64url(32);
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO api_keys(id, profile_id, name, scopes, secret_box, delegation_id, created_at, "
            "expires_at)"
            " VALUES (?,?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(profileId), sqlText(name), sqlText(Scopes::join(scopes)),
             sqlText(m_p.secrets->seal(secret, secretContext(id))),
             delegationId.empty() ? sqlOptText(std::nullopt) : sqlText(delegationId), sqlText(now),
             sqlOptText(expiresAt)});
    json::object key;
    key["keyId"] = id;
    key["name"] = name;
    key["scopes"] = scopeArray(scopes);
    key["createdAt"] = now;
    key["expiresAt"] = expiresAt ? json::value(*expiresAt) : json::value(nullptr);
    key["lastUsedAt"] = nullptr;
    key["delegationId"] = delegationId.empty() ? json::value(nullptr) : json::value(delegationId);
    json::object out;
    out["apiKey"] = std::move(key);
    out["secret"] = std::move(secret);
    return out;
}

json::object ApiKeyService::create(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "tokens:write");
    Input in(body);
    const std::string name = in.str("name", 1, 64);
    auto expiresAt = in.optTime("expiresAt");
    if (expiresAt && *expiresAt <= m_p.clock.nowIso())
        in.fail("expiresAt", "must be in the future");
    std::set<std::string> scopes = a.scopes;
    if (in.has("scopes")) {
        scopes.clear();
        for (const auto& s : in.strList("scopes", 64, 64)) {
            if (!Scopes::isKnown(s))
                in.fail("scopes", "unknown scope " + s);
            else if (!a.hasScope(s))
                in.fail("scopes", "cannot grant scope " + s + ": this credential does not hold it");
            else
                scopes.insert(s);
        }
    }
    // A key never outlives the credential that makes it, as it never holds more scopes.
    std::optional<std::string> parentExpiry;
    if (a.credentialKind == "token")
        parentExpiry = tx.scalarText("SELECT expires_at FROM tokens WHERE id = ?", {sqlText(a.credentialId)});
    else if (a.credentialKind == "api_key")
        parentExpiry =
            tx.scalarText("SELECT expires_at FROM api_keys WHERE id = ?", {sqlText(a.credentialId)});
    if (expiresAt && parentExpiry && *expiresAt > *parentExpiry)
        in.fail("expiresAt",
                "must not be later than the expiry of the credential making it (" + *parentExpiry + ")");
    in.finish();
    if (!expiresAt)
        expiresAt = parentExpiry;
    // A key made by a delegated credential belongs to the same delegation, so revoking the
    // delegation revokes it too and its commitments count against the same limit.
    auto out = issue(tx, a.profileId, name, scopes, expiresAt, a.delegationId);
    AuditLog::record(tx, &a, "api_key", std::string(out["apiKey"].as_object()["keyId"].as_string()), "create",
                     nullptr, out["apiKey"], m_p.clock.nowIso());
    return out;
}

json::object ApiKeyService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "tokens:read");
    const Page page = pageFrom(query);
    std::string sql = std::string("SELECT ") + kKeyCols +
                      " FROM api_keys WHERE profile_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR "
                      "expires_at > ?)";
    store::SqlArgs args{sqlText(a.profileId), sqlText(m_p.clock.nowIso())};
    if (!page.cursor.empty()) {
        sql += " AND id < ?";
        args.push_back(sqlText(page.cursor));
    }
    sql += " ORDER BY id DESC LIMIT ?";
    args.push_back(sqlInt(page.limit + 1));
    auto r = tx.query(sql.c_str(), args);
    json::array items;
    while (r.next()) {
        auto o = keyJson(r);
        o["id"] = o["keyId"]; // finishPage pages by "id"
        o["current"] = a.credentialKind == "api_key" && r.str(0) == a.credentialId;
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "apiKeys", std::move(items), page.limit);
    return out;
}

json::object ApiKeyService::revoke(store::Transaction& tx, const Actor& a, const std::string& keyId)
{
    auto r = tx.query((std::string("SELECT ") + kKeyCols +
                       " FROM api_keys WHERE id = ? AND profile_id = ? AND revoked_at IS NULL")
                          .c_str(),
                      {sqlText(keyId), sqlText(a.profileId)});
    if (!r.next())
        throw DomainError::notFound("API key");
    const json::object before = keyJson(r);
    requireScope(a, "tokens:write");
    const std::string now = m_p.clock.nowIso();
    tx.exec("UPDATE api_keys SET revoked_at = ? WHERE id = ?", {sqlText(now), sqlText(keyId)});
    json::object after = before;
    after["revokedAt"] = now;
    AuditLog::record(tx, &a, "api_key", keyId, "revoke", before, after, now);
    json::object out;
    out["revoked"] = true;
    out["keyId"] = keyId;
    return out;
}

ApiKeyService::Verified ApiKeyService::verifySignature(const std::string& keyId, const std::string& timestamp,
                                                       const std::string& method, const std::string& target,
                                                       const std::string& body, const std::string& signature)
{
    Verified v;
    if (!looksLikeId(keyId, "ak_") || !m_p.secrets)
        return v;
    std::string stored;
    {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
        auto r = tx.query("SELECT profile_id, secret_box, expires_at, revoked_at, delegation_id FROM api_keys"
                          " WHERE id = ?",
                          {sqlText(keyId)});
        if (!r.next() || r.optStr(3))
            return v;
        if (auto exp = r.optStr(2); exp && *exp <= m_p.clock.nowIso())
            return v;
        v.profileId = r.str(0);
        stored = r.str(1);
        const auto delegation = r.optStr(4);
        tx.rollback();
        if (delegation) {
            store::Transaction dtx(m_p.db, store::Transaction::Mode::Read);
            const bool live = DelegationService::isLive(dtx, *delegation, m_p.clock.nowIso());
            dtx.rollback();
            if (!live)
                return v;
        }
    }
    if (!ServerSecrets::isSealed(stored))
        return v; // API secrets are always sealed; anything else is not ours
    const auto secret = m_p.secrets->open(stored, secretContext(keyId));
    if (!secret) {
        qCWarning(lcApiKeys) << "an API key's secret does not open: is this the server key it was made with?";
        return v;
    }
    const auto check =
        crypto::RequestSigner::verify(std::string_view(secret->constChar(), secret->size()), timestamp,
                                      method, target, body, signature, unixSeconds(m_p.clock));
    switch (check) {
    case crypto::RequestSigner::Check::Ok:
        v.check = Check::Ok;
        break;
    case crypto::RequestSigner::Check::BadTimestamp:
        v.check = Check::BadTimestamp;
        break;
    case crypto::RequestSigner::Check::Stale:
        v.check = Check::Stale;
        break;
    case crypto::RequestSigner::Check::BadSignature:
        v.check = Check::BadSignature;
        break;
    }
    return v;
}

bool ApiKeyService::recordSignature(const std::string& keyId, const std::string& timestamp,
                                    const std::string& signature)
{
    std::int64_t ts = 0;
    std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
    // Hex is accepted in either case, so the cache key is lower case: an upper-cased copy of
    // a used signature is the same signature.
    std::string sig = signature;
    std::transform(sig.begin(), sig.end(), sig.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::int64_t now = unixSeconds(m_p.clock);
    // The signature is accepted while its timestamp is within the window of now, so it can
    // be forgotten once ts + window has passed.
    const std::int64_t expires = ts + crypto::RequestSigner::kWindowSeconds + 1;
    bool purge = false;
    {
        std::lock_guard lock(m_purgeMutex);
        if (now - m_lastPurge >= 60) {
            m_lastPurge = now;
            purge = true;
        }
    }
    for (int attempt = 0;; ++attempt) {
        try {
            store::Transaction tx(m_p.db, store::Transaction::Mode::Write);
            if (purge)
                tx.exec("DELETE FROM request_signatures WHERE expires_at < ?", {sqlInt(now)});
            tx.exec("INSERT INTO request_signatures(signature, expires_at) VALUES (?, ?)",
                    {sqlText(keyId + ":" + sig), sqlInt(expires)});
            tx.commit();
            return true;
        } catch (const store::StoreError& e) {
            if (e.kind() == store::StoreError::Kind::UniqueViolation)
                return false;
            if (e.kind() != store::StoreError::Kind::Retryable || attempt >= 5)
                throw;
        }
    }
}

std::optional<Actor> ApiKeyService::authenticate(store::Transaction& tx, const std::string& keyId)
{
    auto r = tx.query("SELECT k.profile_id, k.scopes, k.expires_at, k.revoked_at, k.delegation_id, p.roles"
                      " FROM api_keys k JOIN profiles p ON p.id = k.profile_id WHERE k.id = ?",
                      {sqlText(keyId)});
    if (!r.next() || r.optStr(3))
        return std::nullopt;
    const std::string now = m_p.clock.nowIso();
    if (auto exp = r.optStr(2); exp && *exp <= now)
        return std::nullopt;
    Actor a;
    a.profileId = r.str(0);
    a.credentialId = keyId;
    a.credentialKind = "api_key";
    a.delegationId = r.optStr(4).value_or("");
    a.roles = Scopes::split(r.str(5));
    for (const auto& s : Scopes::split(r.str(1))) {
        if (Scopes::isStaff(s) && !a.isStaff())
            continue; // staff scopes lapse when the role is taken away
        a.scopes.insert(s);
    }
    if (!a.delegationId.empty() && !DelegationService::isLive(tx, a.delegationId, now))
        return std::nullopt;
    return a;
}

void ApiKeyService::touch(const std::string& keyId)
{
    const auto now = m_p.clock.now();
    const std::string cutoff = Clock::toIso(now - std::chrono::minutes(1));
    try {
        store::Transaction tx(m_p.db, store::Transaction::Mode::Read);
        auto last = tx.scalarText("SELECT last_used_at FROM api_keys WHERE id = ?", {sqlText(keyId)});
        tx.rollback();
        if (last && *last > cutoff)
            return;
        store::Transaction w(m_p.db, store::Transaction::Mode::Write);
        w.exec("UPDATE api_keys SET last_used_at = ? WHERE id = ?",
               {sqlText(Clock::toIso(now)), sqlText(keyId)});
        w.commit();
    } catch (const std::exception&) {
        // Last-use bookkeeping never fails a request.
    }
}

} // namespace taskdesk::domain
