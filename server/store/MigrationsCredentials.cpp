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
    };
}

} // namespace

std::vector<Migration> Migrations::credentials()
{
    return {{7, "credentials", &v7}};
}

} // namespace taskdesk::store
