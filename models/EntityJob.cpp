#include "EntityJob.h"

namespace taskdesk::models {

EntityJob::EntityJob(QNetworkAccessManager* nam, QByteArray method, QUrl url, QString entityKey,
                     QObject* parent)
    : JsonJob(nam, std::move(method), std::move(url), parent), m_key(std::move(entityKey))
{}

ApiError EntityJob::processJson(const QJsonObject& json)
{
    const QJsonValue v = json.value(m_key);
    if (!v.isObject())
        return ApiError::badReply(QStringLiteral("the answer has no \"%1\" object").arg(m_key));
    m_entity = v.toObject();
    emit received(m_entity);
    return {};
}

} // namespace taskdesk::models
