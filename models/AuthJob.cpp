#include "AuthJob.h"

#include <QJsonArray>

namespace taskdesk::models {

ApiError AuthJob::processJson(const QJsonObject& json)
{
    const QJsonObject profile = json.value(QLatin1String("profile")).toObject();
    const QString tokenValue = json.value(QLatin1String("tokenValue")).toString();
    if (profile.value(QLatin1String("id")).toString().isEmpty() || tokenValue.isEmpty())
        return ApiError::badReply(QStringLiteral("the answer has no profile or token"));
    m_result.profile = profile;
    m_result.profileId = profile.value(QLatin1String("id")).toString();
    m_result.handle = profile.value(QLatin1String("handle")).toString();
    m_result.roles.clear();
    for (const QJsonValue& r : profile.value(QLatin1String("roles")).toArray())
        m_result.roles << r.toString();
    m_result.tokenId = json.value(QLatin1String("token")).toObject().value(QLatin1String("id")).toString();
    m_result.tokenValue = tokenValue;
    emit authenticated(m_result);
    return {};
}

} // namespace taskdesk::models
