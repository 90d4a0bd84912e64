// Schema for credentials: API keys, the replay cache, delegations, linking codes
// (migration version 7).
#include "Migrations.h"

namespace taskdesk::store {

namespace {

std::vector<std::string> v7(Backend)
{
    return {
        // The audit trail names the delegation a credential belongs to, so that a
        // delegation's own trail is one indexed query.
        "ALTER TABLE audit_log ADD COLUMN delegation_id TEXT",
        "CREATE INDEX audit_delegation ON audit_log(delegation_id)",
        "CREATE INDEX audit_actor ON audit_log(actor_id)",
        // A token minted by a delegation carries it, so that every request made with
        // it is bounded by the delegation (revocation, expiry, spend limit).
        "ALTER TABLE tokens ADD COLUMN delegation_id TEXT",
        "CREATE INDEX tokens_delegation ON tokens(delegation_id)",
        // A delegated agent created by an operator ("new" mode) is owned by it.
        "ALTER TABLE profiles ADD COLUMN operator_id TEXT",
        // HMAC key pairs. The secret is needed to verify signatures, so it cannot be
        // hashed: secret_box is SecretBox(server key, AD = key id) of the secret,
        // base64. The AD binds a blob to its row, so a blob copied to another row
        // does not open.
        R"(CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            profile_id TEXT NOT NULL REFERENCES profiles(id),
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            secret_box TEXT NOT NULL,
            delegation_id TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT,
            last_used_at TEXT))",
        "CREATE INDEX api_keys_profile ON api_keys(profile_id, id)",
        "CREATE INDEX api_keys_delegation ON api_keys(delegation_id)",
        // Signatures seen within the 300 s window, shared by every server process on
        // this database: the unique key makes a second use fail on insert. expires_at
        // is unix seconds; rows past it are purged by the verifier.
        R"(CREATE TABLE request_signatures (
            signature TEXT PRIMARY KEY,
            expires_at BIGINT NOT NULL))",
        "CREATE INDEX request_signatures_expiry ON request_signatures(expires_at)",
        // One-use codes an agent hands its operator to be bound by a delegation. Only
        // the SHA-256 of the code is stored.
        R"(CREATE TABLE linking_codes (
            code_hash TEXT PRIMARY KEY,
            profile_id TEXT NOT NULL REFERENCES profiles(id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            delegation_id TEXT))",
        "CREATE INDEX linking_codes_profile ON linking_codes(profile_id)",
        // An operator's grant to an agent. spend_limit and spent are cents; spent only
        // grows (refunds do not lower it). requests and last_used_at are usage
        // counters updated at most about once a second.
        R"(CREATE TABLE delegations (
            id TEXT PRIMARY KEY,
            operator_id TEXT NOT NULL REFERENCES profiles(id),
            agent_id TEXT NOT NULL REFERENCES profiles(id),
            label TEXT NOT NULL,
            agent_mode TEXT NOT NULL,
            scopes TEXT NOT NULL,
            spend_limit BIGINT,
            spent BIGINT NOT NULL DEFAULT 0,
            requests BIGINT NOT NULL DEFAULT 0,
            last_used_at TEXT,
            token_id TEXT,
            api_key_id TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT,
            revoked_by TEXT))",
        "CREATE INDEX delegations_operator ON delegations(operator_id, id)",
        "CREATE INDEX delegations_agent ON delegations(agent_id, id)",
    };
}

} // namespace

std::vector<Migration> Migrations::credentials()
{
    return {{7, "credentials", &v7}};
}

} // namespace taskdesk::store
