#include "AuthJob.h"

#include <QJsonArray>

namespace taskdesk::models {

AuthResult AuthResult::fromJson(const QJsonObject& json)
{
    AuthResult result;
    const QJsonObject profile = json.value(QLatin1String("profile")).toObject();
    const QString tokenValue = json.value(QLatin1String("tokenValue")).toString();
    if (profile.value(QLatin1String("id")).toString().isEmpty() || tokenValue.isEmpty())
        return result;
    result.profile = profile;
    result.profileId = profile.value(QLatin1String("id")).toString();
    result.handle = profile.value(QLatin1String("handle")).toString();
    for (const QJsonValue& r : profile.value(QLatin1String("roles")).toArray())
        result.roles << r.toString();
    result.tokenId = json.value(QLatin1String("token")).toObject().value(QLatin1String("id")).toString();
    result.tokenValue = tokenValue;
    return result;
}

ApiError AuthJob::processJson(const QJsonObject& json)
{
    m_result = AuthResult::fromJson(json);
    if (!m_result.isValid())
        return ApiError::badReply(QStringLiteral("the answer has no profile or token"));
    emit authenticated(m_result);
    return {};
}

} // namespace taskdesk::models
