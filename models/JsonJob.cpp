#include "JsonJob.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace taskdesk::models {

ApiError JsonJob::processReply(const QByteArray& body)
{
    if (body.trimmed().isEmpty()) {
        m_json = {};
    } else {
        QJsonParseError err;
        const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return ApiError::badReply(QStringLiteral("the body is not a JSON object"));
        m_json = doc.object();
    }
    return processJson(m_json);
}

ApiError JsonJob::processJson(const QJsonObject& json)
{
    emit jsonReceived(json);
    return {};
}

} // namespace taskdesk::models
