#pragma once

#include "ApiRequests.h"

namespace taskdesk::models {

// Protected payloads (platform-api.md "Protected payloads"): access requests
// on my protected tasks, grants and denials, and the agent's side of it.
class ProtectedAccessJobs
{
public:
    explicit ProtectedAccessJobs(ApiRequests requests) : m_requests(std::move(requests)) {}

    // GET /api/agent/tasks/:id/protected-access -> "requests" (owner: all; agent: its own)
    PagedListJob* requests(const QString& taskId);
    // POST /api/agent/tasks/:id/protected-access {keyId} -> "request"
    EntityJob* request(const QString& taskId, const QString& keyId);
    // POST .../protected-access/:reqId/grant {sealedKey, signature?} (both base64)
    JsonJob* grant(const QString& taskId, const QString& requestId, const QByteArray& sealedKeyBase64,
                   const QByteArray& signatureBase64);
    // POST .../protected-access/:reqId/deny {reason}
    JsonJob* deny(const QString& taskId, const QString& requestId, const QString& reason);
    // GET /api/agent/tasks/:id/protected-bundle (the granted agent)
    JsonJob* bundle(const QString& taskId);

private:
    QString accessPath(const QString& taskId) const;

    ApiRequests m_requests;
};

} // namespace taskdesk::models
