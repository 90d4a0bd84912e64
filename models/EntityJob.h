#pragma once

#include "JsonJob.h"

namespace taskdesk::models {

// A call answered with one object under its type name ({"task": {...}}):
// emits that object.
class EntityJob : public JsonJob
{
    Q_OBJECT
public:
    EntityJob(QNetworkAccessManager* nam, QByteArray method, QUrl url, QString entityKey,
              QObject* parent = nullptr);

    const QString& entityKey() const { return m_key; }
    const QJsonObject& entity() const { return m_entity; }

signals:
    void received(const QJsonObject& entity);

protected:
    ApiError processJson(const QJsonObject& json) override;

private:
    QString m_key;
    QJsonObject m_entity;
};

} // namespace taskdesk::models
