#pragma once

#include "ApiClient.h"
#include "ApiJob.h"

#include <QJsonObject>
#include <QPointer>
#include <QString>
#include <QUrlQuery>

namespace taskdesk::models {

class EntityJob;
class JsonJob;
class PagedListJob;

// Makes ready-to-start jobs exactly as ApiClient does for its own families (the
// path under the client's base URL, the session's token on every attempt, the
// client's timeout and retry policy, a 401 reported through
// ApiClient::authenticationFailed) for the call families of the Keys and
// Credentials areas. It uses only ApiClient's public face, so those areas add
// files instead of growing ApiClient's friend list.
class ApiRequests
{
public:
    ApiRequests(ApiClient* client, ApiJob::TokenProvider tokens);

    ApiClient* client() const { return m_client; }
    // Whether a call would go out signed in (a call without would only earn a 401).
    bool isSignedIn() const
    {
        return m_client && m_client->baseUrl().isValid() && m_tokens && !m_tokens().isEmpty();
    }

    // path is already encoded (see segment()).
    JsonJob* json(const QByteArray& method, const QString& path, const QJsonObject& body = {},
                  const QUrlQuery& query = {}) const;
    EntityJob* entity(const QByteArray& method, const QString& path, const QString& key,
                      const QJsonObject& body = {}) const;
    PagedListJob* list(const QString& path, const QString& key, const QUrlQuery& query = {}) const;

    // One path segment from an opaque id, percent-encoded.
    static QString segment(const QString& id);
    static QUrlQuery pageQuery(const QString& cursor, int limit);

private:
    QUrl urlFor(const QString& path, const QUrlQuery& query) const;
    void prepare(ApiJob* job) const;

    QPointer<ApiClient> m_client;
    ApiJob::TokenProvider m_tokens;
};

} // namespace taskdesk::models
