#include "ProtectedAccessJobs.h"

#include "EntityJob.h"
#include "JsonJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

QString ProtectedAccessJobs::accessPath(const QString& taskId) const
{
    return QStringLiteral("/api/agent/tasks/") + ApiRequests::segment(taskId) +
           QStringLiteral("/protected-access");
}

PagedListJob* ProtectedAccessJobs::requests(const QString& taskId)
{
    return m_requests.list(accessPath(taskId), QStringLiteral("requests"));
}

EntityJob* ProtectedAccessJobs::request(const QString& taskId, const QString& keyId)
{
    return m_requests.entity("POST", accessPath(taskId), QStringLiteral("request"),
                             QJsonObject{{QStringLiteral("keyId"), keyId}});
}

JsonJob* ProtectedAccessJobs::grant(const QString& taskId, const QString& requestId,
                                    const QByteArray& sealedKeyBase64, const QByteArray& signatureBase64)
{
    QJsonObject body{{QStringLiteral("sealedKey"), QString::fromLatin1(sealedKeyBase64)}};
    if (!signatureBase64.isEmpty())
        body.insert(QStringLiteral("signature"), QString::fromLatin1(signatureBase64));
    return m_requests.json("POST",
                           accessPath(taskId) + QLatin1Char('/') + ApiRequests::segment(requestId) +
                               QStringLiteral("/grant"),
                           body);
}

JsonJob* ProtectedAccessJobs::deny(const QString& taskId, const QString& requestId, const QString& reason)
{
    return m_requests.json("POST",
                           accessPath(taskId) + QLatin1Char('/') + ApiRequests::segment(requestId) +
                               QStringLiteral("/deny"),
                           QJsonObject{{QStringLiteral("reason"), reason}});
}

JsonJob* ProtectedAccessJobs::bundle(const QString& taskId)
{
    return m_requests.json("GET", QStringLiteral("/api/agent/tasks/") + ApiRequests::segment(taskId) +
                                      QStringLiteral("/protected-bundle"));
}

} // namespace taskdesk::models
