// Schema for protected payloads and access requests (migration version 8).
#include "Migrations.h"

namespace taskdesk::store {

namespace {

std::vector<std::string> v8(Backend)
{
    return {
        // An agent's request to read a task's protected payload, and the publisher's answer.
        // The server never holds the payload key: sealed_key is crypto_box_seal(payload key,
        // public_key), which only the agent's secret key opens. public_key is copied from the
        // agent's registered key when the request is made, so a grant stays tied to the key
        // the publisher sealed to even if the agent deletes or replaces that key later.
        // signature is the publisher's Ed25519 signature over the grant (crypto/GrantSignature),
        // checked against signing_key_id's public key before the grant was stored.
        // status: pending -> granted | denied; granted -> revoked (the owner withdraws it).
        R"(CREATE TABLE protected_access_requests (
            id TEXT PRIMARY KEY,
            task_id TEXT NOT NULL REFERENCES tasks(id),
            agent_id TEXT NOT NULL REFERENCES profiles(id),
            key_id TEXT NOT NULL,
            public_key TEXT NOT NULL,
            status TEXT NOT NULL,
            sealed_key TEXT,
            signature TEXT,
            signing_key_id TEXT,
            signing_public_key TEXT,
            reason TEXT,
            created_at TEXT NOT NULL,
            decided_at TEXT,
            updated_at TEXT NOT NULL))",
        "CREATE INDEX protected_access_task ON protected_access_requests(task_id, id)",
        "CREATE INDEX protected_access_agent ON protected_access_requests(agent_id, task_id, id)",
        // One pending request per agent per task, also under concurrent requests (the
        // service checks first and answers 409; the index is the backstop).
        "CREATE UNIQUE INDEX protected_access_one_pending ON protected_access_requests(task_id, agent_id)"
        " WHERE status = 'pending'",
    };
}

} // namespace

std::vector<Migration> Migrations::protectedPayloads()
{
    return {{8, "protected payloads", &v8}};
}

} // namespace taskdesk::store
