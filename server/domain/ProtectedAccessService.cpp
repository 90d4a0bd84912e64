#include "ProtectedAccessService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "Base64.h"
#include "DomainError.h"
#include "GrantSignature.h"
#include "Ids.h"
#include "Input.h"
#include "Notifier.h"

#include <QString>
#include <optional>
#include <vector>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

constexpr const char* kColumns =
    "id, task_id, agent_id, key_id, public_key, status, sealed_key, signature,"
    " signing_key_id, signing_public_key, reason, created_at, decided_at, updated_at";

// Contract states in which the seller is still working on the task.
constexpr const char* kLiveContract = "('in_progress', 'submitted', 'rejected', 'disputed')";

std::string handleOf(store::Transaction& tx, const std::string& profileId)
{
    return tx.scalarText("SELECT handle FROM profiles WHERE id = ?", {sqlText(profileId)})
        .value_or(profileId);
}

std::optional<QByteArray> decodeField(Input& in, const char* name, const std::optional<std::string>& text,
                                      std::size_t bytes, const std::string& what)
{
    if (!text)
        return std::nullopt;
    auto raw = crypto::Base64::decodeExact(QByteArrayView(text->data(), qsizetype(text->size())), bytes);
    if (!raw)
        in.fail(name,
                "must be standard base64 of exactly " + std::to_string(bytes) + " bytes (" + what + ")");
    return raw;
}

} // namespace

struct ProtectedAccessService::Row
{
    std::string id, taskId, agentId, keyId, publicKey, status;
    std::optional<std::string> sealedKey, signature, signingKeyId, signingPublicKey, reason;
    std::string createdAt;
    std::optional<std::string> decidedAt;
    std::string updatedAt;

    static Row read(store::Rows& r)
    {
        Row x;
        x.id = r.str(0);
        x.taskId = r.str(1);
        x.agentId = r.str(2);
        x.keyId = r.str(3);
        x.publicKey = r.str(4);
        x.status = r.str(5);
        x.sealedKey = r.optStr(6);
        x.signature = r.optStr(7);
        x.signingKeyId = r.optStr(8);
        x.signingPublicKey = r.optStr(9);
        x.reason = r.optStr(10);
        x.createdAt = r.str(11);
        x.decidedAt = r.optStr(12);
        x.updatedAt = r.str(13);
        return x;
    }
};

TaskRecord ProtectedAccessService::loadTask(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                            bool forRequest)
{
    const auto t = TaskRecord::load(tx, taskId);
    if (!t)
        throw DomainError::notFound("Task");
    // An unlisted task is a 404 to strangers, except that anyone holding the id of an
    // open-submission task may act on it (as they may submit to it), and an agent that
    // already asked for access may follow its own request.
    const bool visible =
        t->visibleTo(tx, &a) || (forRequest && t->mode == "open") ||
        tx.scalarInt("SELECT 1 FROM protected_access_requests WHERE task_id = ? AND agent_id = ?",
                     {sqlText(taskId), sqlText(a.profileId)});
    if (!visible)
        throw DomainError::notFound("Task");
    if (!t->protectedPayload || !parseStoredJson(*t->protectedPayload).is_object())
        throw DomainError(ErrorKind::NotFound, "NOT_FOUND", "This task has no protected payload");
    return *t;
}

ProtectedAccessService::Row ProtectedAccessService::loadRequest(store::Transaction& tx, const Actor& a,
                                                                const TaskRecord& t,
                                                                const std::string& requestId)
{
    auto r = tx.query(
        (std::string("SELECT ") + kColumns + " FROM protected_access_requests WHERE id = ? AND task_id = ?")
            .c_str(),
        {sqlText(requestId), sqlText(t.id)});
    if (!r.next())
        throw DomainError::notFound("Access request");
    Row row = Row::read(r);
    // Another agent's request is none of the caller's business: 404, not 403.
    if (t.ownerId != a.profileId && row.agentId != a.profileId)
        throw DomainError::notFound("Access request");
    return row;
}

json::object ProtectedAccessService::toJson(store::Transaction& tx, const Row& r)
{
    json::object o;
    o["id"] = r.id;
    o["taskId"] = r.taskId;
    o["agentId"] = r.agentId;
    o["agent"] = AccountService::profileSummary(tx, r.agentId);
    o["keyId"] = r.keyId;
    o["publicKey"] = r.publicKey;
    o["status"] = r.status;
    o["signed"] = r.signature.has_value();
    o["reason"] = r.reason ? json::value(*r.reason) : json::value(nullptr);
    o["createdAt"] = r.createdAt;
    o["decidedAt"] = r.decidedAt ? json::value(*r.decidedAt) : json::value(nullptr);
    o["updatedAt"] = r.updatedAt;
    return o;
}

json::object ProtectedAccessService::request(store::Transaction& tx, const Actor& a,
                                             const std::string& taskId, const json::object& body)
{
    TaskRecord::lockForWrite(tx, taskId);
    const TaskRecord t = loadTask(tx, a, taskId, true);
    requireScope(a, "protected:write");
    if (t.ownerId == a.profileId)
        throw DomainError::forbidden("You own this task: its payload key is already in your keystore");

    // Who may ask. A closed contract is a state that says no (409); never having had one
    // on the task is not being a party at all (403).
    bool closedContract = false;
    if (t.mode == "open") {
        const auto tags = parseStoredJson(t.skills);
        if (tags.is_array() && !tags.as_array().empty()) {
            const auto mine = parseStoredJson(
                tx.scalarText("SELECT skills FROM profiles WHERE id = ?", {sqlText(a.profileId)})
                    .value_or("[]"));
            bool match = false;
            if (mine.is_array())
                for (const auto& s : mine.as_array())
                    for (const auto& tag : tags.as_array())
                        match = match || s == tag;
            if (!match)
                throw DomainError(ErrorKind::Forbidden, "SKILL_MISMATCH",
                                  "Your profile's skills match none of this task's tags");
        }
    } else {
        const auto p = sqlText(a.profileId);
        const auto tid = sqlText(taskId);
        const bool live =
            tx.scalarInt(
                  (std::string("SELECT 1 FROM contracts WHERE task_id = ? AND seller_id = ? AND status IN ") +
                   kLiveContract)
                      .c_str(),
                  {tid, p})
                .has_value();
        if (!live) {
            closedContract =
                tx.scalarInt("SELECT 1 FROM contracts WHERE task_id = ? AND seller_id = ?", {tid, p})
                    .has_value();
            if (!closedContract)
                throw DomainError::forbidden(
                    "Only the agent holding this task's contract may request its protected payload");
        }
    }

    Input in(body);
    const std::string keyId = in.str("keyId", 1, 64);
    in.finish();
    auto k = tx.query("SELECT purpose, algorithm, public_key FROM profile_keys"
                      " WHERE id = ? AND profile_id = ? AND deleted_at IS NULL",
                      {sqlText(keyId), sqlText(a.profileId)});
    if (!k.next())
        throw DomainError::invalid("keyId", "is not one of your registered keys (POST /api/agent/me/keys)");
    if (k.str(0) != "encryption" || k.str(1) != "x25519")
        throw DomainError::invalid("keyId",
                                   "must name an encryption key (purpose encryption, algorithm x25519)");
    const std::string publicKey = k.str(2);

    if (closedContract)
        throw DomainError::conflict("CONTRACT_CLOSED", "Your contract on this task is closed");
    if (t.mode == "open" && t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    if (auto pending = tx.scalarText("SELECT id FROM protected_access_requests WHERE task_id = ? AND "
                                     "agent_id = ? AND status = 'pending'",
                                     {sqlText(taskId), sqlText(a.profileId)}))
        throw DomainError::conflict(
            "DUPLICATE_REQUEST", "You already have a pending access request on this task (" + *pending + ")");
    if (auto granted =
            tx.scalarText("SELECT id FROM protected_access_requests WHERE task_id = ? AND agent_id = ?"
                          " AND key_id = ? AND status = 'granted'",
                          {sqlText(taskId), sqlText(a.profileId), sqlText(keyId)}))
        throw DomainError::conflict("ALREADY_GRANTED",
                                    "Access with this key was granted already (" + *granted + ")");

    const std::string id = newId("par_");
    const std::string now = m_p.clock.nowIso();
    tx.exec(
        "INSERT INTO protected_access_requests(id, task_id, agent_id, key_id, public_key, status, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
        {sqlText(id), sqlText(taskId), sqlText(a.profileId), sqlText(keyId), sqlText(publicKey), sqlText(now),
         sqlText(now)});
    Row row;
    row.id = id;
    row.taskId = taskId;
    row.agentId = a.profileId;
    row.keyId = keyId;
    row.publicKey = publicKey;
    row.status = "pending";
    row.createdAt = now;
    row.updatedAt = now;
    json::object out;
    out["request"] = toJson(tx, row);
    Notifier::notify(tx, m_p.clock, t.ownerId, "protected_access.requested", "task", taskId,
                     "@" + handleOf(tx, a.profileId) + " asks to read the protected data of " + t.title);
    AuditLog::record(tx, &a, "protected_access", id, "request", nullptr, out["request"], now);
    return out;
}

json::object ProtectedAccessService::list(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                          const json::object& query)
{
    const TaskRecord t = loadTask(tx, a, taskId, false);
    requireScope(a, "protected:read");
    const Page page = pageFrom(query);
    std::string sql = std::string("SELECT ") + kColumns + " FROM protected_access_requests WHERE task_id = ?";
    store::SqlArgs args{sqlText(taskId)};
    if (t.ownerId != a.profileId) {
        sql += " AND agent_id = ?";
        args.push_back(sqlText(a.profileId));
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
            rows.push_back(Row::read(r));
    }
    json::array items;
    for (const auto& row : rows)
        items.push_back(toJson(tx, row));
    json::object out;
    finishPage(out, "requests", std::move(items), page.limit);
    return out;
}

ProtectedAccessService::Row ProtectedAccessService::decide(store::Transaction& tx, const Actor& a,
                                                           const TaskRecord& t, const std::string& requestId,
                                                           const char* scope)
{
    Row row = loadRequest(tx, a, t, requestId);
    requireScope(a, scope);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner decides on access to its protected payload");
    return row;
}

json::object ProtectedAccessService::grant(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                           const std::string& requestId, const json::object& body)
{
    TaskRecord::lockForWrite(tx, taskId);
    const TaskRecord t = loadTask(tx, a, taskId, false);
    Row row = decide(tx, a, t, requestId, "protected:write");

    Input in(body);
    const auto sealedText = in.optStr("sealedKey", 1, 200);
    if (!sealedText && !in.has("sealedKey"))
        in.fail("sealedKey", "is required: crypto_box_seal(payload key, the request's publicKey), base64");
    const auto signatureText = in.optStr("signature", 1, 200);
    const auto sealed = decodeField(in, "sealedKey", sealedText, kSealedKeyBytes,
                                    "crypto_box_seal of the 32-byte payload key");
    const auto signature =
        decodeField(in, "signature", signatureText, kSignatureBytes, "an Ed25519 signature");
    in.finish();

    // The server cannot open the sealed key, but it can refuse a grant its publisher did not
    // sign: with a signing key on file, the signature must verify against one of them.
    struct SigningKey
    {
        std::string id, publicKey;
    };
    std::vector<SigningKey> keys;
    {
        auto k =
            tx.query("SELECT id, public_key FROM profile_keys WHERE profile_id = ? AND purpose = 'signing'"
                     " AND algorithm = 'ed25519' AND deleted_at IS NULL ORDER BY id",
                     {sqlText(t.ownerId)});
        while (k.next())
            keys.push_back({k.str(0), k.str(1)});
    }
    std::optional<SigningKey> signedWith;
    if (keys.empty() && signature)
        throw DomainError::invalid("signature", "cannot be checked: you have no signing key registered "
                                                "(purpose signing, algorithm ed25519)");
    if (!keys.empty()) {
        if (!signature)
            throw DomainError::invalid("signature",
                                       "is required: you have a signing key registered, so grants "
                                       "must be signed (GrantSignature)");
        const auto payload = parseStoredJson(*t.protectedPayload).as_object();
        const auto* ctText = payload.if_contains("ciphertext");
        const auto ciphertext = ctText && ctText->is_string()
                                    ? crypto::Base64::decode(QByteArrayView(
                                          ctText->as_string().data(), qsizetype(ctText->as_string().size())))
                                    : std::nullopt;
        for (const auto& key : keys) {
            const auto pub = crypto::Base64::decodeExact(
                QByteArrayView(key.publicKey.data(), qsizetype(key.publicKey.size())), 32);
            if (ciphertext && pub &&
                crypto::GrantSignature::verify(*pub, QString::fromStdString(t.id), *ciphertext, *sealed,
                                               *signature)) {
                signedWith = key;
                break;
            }
        }
        if (!signedWith)
            throw DomainError::invalid("signature", "does not verify against your registered signing key");
    }

    if (row.status != "pending")
        throw DomainError::conflict("REQUEST_NOT_PENDING", "This request was " + row.status + " already");
    const json::value before = toJson(tx, row);
    const std::string now = m_p.clock.nowIso();
    if (tx.exec("UPDATE protected_access_requests SET status = 'granted', sealed_key = ?, signature = ?,"
                " signing_key_id = ?, signing_public_key = ?, decided_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'pending'",
                {sqlText(*sealedText), signatureText ? sqlText(*signatureText) : sqlNull(),
                 signedWith ? sqlText(signedWith->id) : sqlNull(),
                 signedWith ? sqlText(signedWith->publicKey) : sqlNull(), sqlText(now), sqlText(now),
                 sqlText(row.id)}) != 1)
        throw DomainError::conflict("REQUEST_NOT_PENDING", "This request was decided already");
    row.status = "granted";
    row.sealedKey = sealedText;
    row.signature = signatureText;
    row.decidedAt = now;
    row.updatedAt = now;
    json::object out;
    out["request"] = toJson(tx, row);
    Notifier::notify(tx, m_p.clock, row.agentId, "protected_access.granted", "task", taskId,
                     "Access to the protected data of " + t.title + " was granted");
    AuditLog::record(tx, &a, "protected_access", row.id, "grant", before, out["request"], now);
    return out;
}

json::object ProtectedAccessService::deny(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                          const std::string& requestId, const json::object& body)
{
    TaskRecord::lockForWrite(tx, taskId);
    const TaskRecord t = loadTask(tx, a, taskId, false);
    Row row = decide(tx, a, t, requestId, "protected:write");
    Input in(body);
    const std::string reason = in.str("reason", 1, 1000);
    in.finish();
    if (row.status != "pending")
        throw DomainError::conflict("REQUEST_NOT_PENDING", "This request was " + row.status + " already");
    const json::value before = toJson(tx, row);
    const std::string now = m_p.clock.nowIso();
    if (tx.exec("UPDATE protected_access_requests SET status = 'denied', reason = ?, decided_at = ?, "
                "updated_at = ?"
                " WHERE id = ? AND status = 'pending'",
                {sqlText(reason), sqlText(now), sqlText(now), sqlText(row.id)}) != 1)
        throw DomainError::conflict("REQUEST_NOT_PENDING", "This request was decided already");
    row.status = "denied";
    row.reason = reason;
    row.decidedAt = now;
    row.updatedAt = now;
    json::object out;
    out["request"] = toJson(tx, row);
    Notifier::notify(tx, m_p.clock, row.agentId, "protected_access.denied", "task", taskId,
                     "Access to the protected data of " + t.title + " was denied: " + reason);
    AuditLog::record(tx, &a, "protected_access", row.id, "deny", before, out["request"], now);
    return out;
}

json::object ProtectedAccessService::revoke(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                            const std::string& requestId, const json::object& body)
{
    TaskRecord::lockForWrite(tx, taskId);
    const TaskRecord t = loadTask(tx, a, taskId, false);
    Row row = decide(tx, a, t, requestId, "protected:write");
    Input in(body);
    const auto reason = in.optStr("reason", 1, 1000);
    in.finish();
    if (row.status != "granted")
        throw DomainError::conflict("REQUEST_NOT_GRANTED",
                                    "Only a granted request can be revoked (this one is " + row.status + ")");
    const json::value before = toJson(tx, row);
    const std::string now = m_p.clock.nowIso();
    // The sealed key is dropped with the grant: the server stops serving it at once.
    if (tx.exec("UPDATE protected_access_requests SET status = 'revoked', sealed_key = NULL, reason = ?,"
                " updated_at = ? WHERE id = ? AND status = 'granted'",
                {sqlOptText(reason), sqlText(now), sqlText(row.id)}) != 1)
        throw DomainError::conflict("REQUEST_NOT_GRANTED", "This grant was revoked already");
    row.status = "revoked";
    row.sealedKey.reset();
    row.reason = reason;
    row.updatedAt = now;
    json::object out;
    out["request"] = toJson(tx, row);
    Notifier::notify(tx, m_p.clock, row.agentId, "protected_access.revoked", "task", taskId,
                     "Access to the protected data of " + t.title + " was revoked");
    AuditLog::record(tx, &a, "protected_access", row.id, "revoke", before, out["request"], now);
    return out;
}

json::object ProtectedAccessService::bundle(store::Transaction& tx, const Actor& a, const std::string& taskId)
{
    const TaskRecord t = loadTask(tx, a, taskId, false);
    requireScope(a, "protected:read");
    if (t.ownerId == a.profileId)
        throw DomainError::forbidden(
            "You own this task: its payload key is in your keystore, not in a bundle");
    std::optional<Row> row;
    {
        auto r = tx.query(
            (std::string("SELECT ") + kColumns +
             " FROM protected_access_requests WHERE task_id = ? AND agent_id = ? AND status = 'granted'"
             " ORDER BY id DESC LIMIT 1")
                .c_str(),
            {sqlText(taskId), sqlText(a.profileId)});
        if (r.next())
            row = Row::read(r);
    }
    // A grant lasts as long as the work it was for: while the agent's contract is live
    // (bid and claim tasks) or while an open-mode task is open. A cancelled, refunded or
    // finished job ends it, without the owner having to remember to revoke.
    const bool workGoesOn =
        t.mode == "open"
            ? t.status == "open"
            : tx.scalarInt(
                    (std::string(
                         "SELECT 1 FROM contracts WHERE task_id = ? AND seller_id = ? AND status IN ") +
                     kLiveContract)
                        .c_str(),
                    {sqlText(taskId), sqlText(a.profileId)})
                  .has_value();
    if (row && row->sealedKey && !workGoesOn)
        throw DomainError(ErrorKind::Forbidden, "ACCESS_ENDED",
                          "The work this access was granted for has ended (the contract or task is closed)");
    if (!row || !row->sealedKey)
        throw DomainError(ErrorKind::Forbidden, "ACCESS_NOT_GRANTED",
                          "You have no granted access to this task's protected payload: request it with POST "
                          "/api/agent/tasks/" +
                              taskId + "/protected-access and wait for the owner's grant");
    const auto payload = parseStoredJson(*t.protectedPayload).as_object();
    json::object b;
    b["taskId"] = taskId;
    b["requestId"] = row->id;
    for (const char* k : {"alg", "nonce", "ciphertext", "fields"})
        b[k] = payload.contains(k) ? payload.at(k) : json::value(nullptr);
    b["sealedKey"] = *row->sealedKey;
    b["keyId"] = row->keyId;
    b["publicKey"] = row->publicKey;
    b["signature"] = row->signature ? json::value(*row->signature) : json::value(nullptr);
    b["publisherId"] = t.ownerId;
    b["publisherSigningKeyId"] = row->signingKeyId ? json::value(*row->signingKeyId) : json::value(nullptr);
    b["publisherSigningKey"] =
        row->signingPublicKey ? json::value(*row->signingPublicKey) : json::value(nullptr);
    b["grantedAt"] = row->decidedAt ? json::value(*row->decidedAt) : json::value(nullptr);
    json::object out;
    out["bundle"] = std::move(b);
    return out;
}

} // namespace taskdesk::domain
