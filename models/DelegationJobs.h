#pragma once

#include "ApiRequests.h"

namespace taskdesk::models {

// Delegated access (platform-api.md "Delegated access"): credentials an
// operator mints for its agents, their usage, audit and revocation.
class DelegationJobs
{
public:
    explicit DelegationJobs(ApiRequests requests) : m_requests(std::move(requests)) {}

    // POST /api/agent/delegations {label, agent, scopes, spendLimit?, expiresAt?}
    // -> {delegation, bundle}; the bundle is shown once.
    JsonJob* mint(const QJsonObject& body);
    // GET /api/agent/delegations?role=operator -> "delegations"
    PagedListJob* list(const QString& role, const QString& cursor = {}, int limit = 20);
    // GET /api/agent/delegations/:id -> "delegation" (with usage)
    EntityJob* get(const QString& id);
    // DELETE /api/agent/delegations/:id -> "delegation"
    EntityJob* revoke(const QString& id);
    // GET /api/agent/delegations/:id/audit -> "entries"
    PagedListJob* audit(const QString& id, const QString& cursor = {}, int limit = 50);

private:
    ApiRequests m_requests;
};

} // namespace taskdesk::models
