#include "DelegationJobs.h"

#include "EntityJob.h"
#include "JsonJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kBase = QStringLiteral("/api/agent/delegations");
}

JsonJob* DelegationJobs::mint(const QJsonObject& body)
{
    return m_requests.json("POST", kBase, body);
}

PagedListJob* DelegationJobs::list(const QString& role, const QString& cursor, int limit)
{
    QUrlQuery q = ApiRequests::pageQuery(cursor, limit);
    if (!role.isEmpty())
        q.addQueryItem(QStringLiteral("role"), role);
    return m_requests.list(kBase, QStringLiteral("delegations"), q);
}

EntityJob* DelegationJobs::get(const QString& id)
{
    return m_requests.entity("GET", kBase + QLatin1Char('/') + ApiRequests::segment(id),
                             QStringLiteral("delegation"));
}

EntityJob* DelegationJobs::revoke(const QString& id)
{
    return m_requests.entity("DELETE", kBase + QLatin1Char('/') + ApiRequests::segment(id),
                             QStringLiteral("delegation"));
}

PagedListJob* DelegationJobs::audit(const QString& id, const QString& cursor, int limit)
{
    return m_requests.list(kBase + QLatin1Char('/') + ApiRequests::segment(id) + QStringLiteral("/audit"),
                           QStringLiteral("entries"), ApiRequests::pageQuery(cursor, limit));
}

} // namespace taskdesk::models
