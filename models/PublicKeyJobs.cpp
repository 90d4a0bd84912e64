#include "PublicKeyJobs.h"

#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

PagedListJob* PublicKeyJobs::list()
{
    return m_requests.list(QStringLiteral("/api/agent/me/keys"), QStringLiteral("keys"));
}

EntityJob* PublicKeyJobs::add(const QString& label, const QString& purpose, const QString& algorithm,
                              const QByteArray& publicKeyBase64)
{
    return m_requests.entity(
        "POST", QStringLiteral("/api/agent/me/keys"), QStringLiteral("key"),
        QJsonObject{{QStringLiteral("label"), label},
                    {QStringLiteral("purpose"), purpose},
                    {QStringLiteral("algorithm"), algorithm},
                    {QStringLiteral("publicKey"), QString::fromLatin1(publicKeyBase64)}});
}

} // namespace taskdesk::models
