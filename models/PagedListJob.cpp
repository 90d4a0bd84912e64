#include "PagedListJob.h"

namespace taskdesk::models {

PagedListJob::PagedListJob(QNetworkAccessManager* nam, QUrl url, QString listKey, QObject* parent)
    : JsonJob(nam, QByteArrayLiteral("GET"), std::move(url), parent), m_key(std::move(listKey))
{}

ApiError PagedListJob::processJson(const QJsonObject& json)
{
    const QJsonValue v = json.value(m_key);
    if (!v.isArray())
        return ApiError::badReply(QStringLiteral("the answer has no \"%1\" list").arg(m_key));
    m_items = v.toArray();
    for (const QJsonValue& item : std::as_const(m_items))
        if (!item.isObject() || !item.toObject().value(QLatin1String("id")).isString())
            return ApiError::badReply(QStringLiteral("an item of \"%1\" has no id").arg(m_key));
    const QJsonValue next = json.value(QLatin1String("nextCursor"));
    if (!next.isNull() && !next.isUndefined() && !next.isString())
        return ApiError::badReply(QStringLiteral("nextCursor is neither a string nor null"));
    m_nextCursor = next.toString();
    emit pageReceived(m_items, m_nextCursor);
    return {};
}

} // namespace taskdesk::models
