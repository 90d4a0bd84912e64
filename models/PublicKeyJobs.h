#pragma once

#include "ApiRequests.h"

namespace taskdesk::models {

// The public keys registered on my profile (/api/agent/me/keys): agents seal
// payload keys to my encryption key and check grants against my signing key.
class PublicKeyJobs
{
public:
    explicit PublicKeyJobs(ApiRequests requests) : m_requests(std::move(requests)) {}

    // GET /api/agent/me/keys -> "keys"
    PagedListJob* list();
    // POST /api/agent/me/keys {label, purpose, algorithm, publicKey} -> "key"
    EntityJob* add(const QString& label, const QString& purpose, const QString& algorithm,
                   const QByteArray& publicKeyBase64);

private:
    ApiRequests m_requests;
};

} // namespace taskdesk::models
