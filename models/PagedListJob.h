#pragma once

#include "JsonJob.h"

#include <QJsonArray>

namespace taskdesk::models {

// One page of a list ({"tasks": [...], "nextCursor": "..." | null}): emits the
// items and the cursor of the next page (empty at the end).
class PagedListJob : public JsonJob
{
    Q_OBJECT
public:
    PagedListJob(QNetworkAccessManager* nam, QUrl url, QString listKey, QObject* parent = nullptr);

    const QString& listKey() const { return m_key; }
    const QJsonArray& items() const { return m_items; }
    const QString& nextCursor() const { return m_nextCursor; }

signals:
    void pageReceived(const QJsonArray& items, const QString& nextCursor);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    QString m_key;
    QJsonArray m_items;
    QString m_nextCursor;
};

} // namespace taskdesk::models
