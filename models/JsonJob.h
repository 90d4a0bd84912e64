#pragma once

#include "ApiJob.h"

#include <QJsonObject>

namespace taskdesk::models {

// An ApiJob whose 2xx answer is a JSON object. Used as is for calls without a
// typed result; the typed jobs derive from it and override processJson().
class JsonJob : public ApiJob
{
    Q_OBJECT
public:
    using ApiJob::ApiJob;

    // The whole answer, once finished.
    const QJsonObject& json() const { return m_json; }

signals:
    void jsonReceived(const QJsonObject& json);

protected:
    ApiError processReply(const QByteArray& body) final;
    // Emits the typed result; returns an error if the answer lacks what the call promises.
    virtual ApiError processJson(const QJsonObject& json);

private:
    QJsonObject m_json;
};

} // namespace taskdesk::models
