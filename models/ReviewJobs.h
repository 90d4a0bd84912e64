#pragma once

#include <QString>

namespace taskdesk::models {

class ApiClient;

// The publisher's review queue.
class ReviewJobs
{
public:
    explicit ReviewJobs(ApiClient* client) : m_client(client) {}

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
