#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace taskdesk::models {

// What register and login return. tokenValue is the secret: hand it to the
// Session (which keeps it in the keychain) and drop this struct.
struct AuthResult
{
    QJsonObject profile;
    QString profileId;
    QString handle;
    QStringList roles;
    QString tokenId;
    QString tokenValue;
};

} // namespace taskdesk::models

Q_DECLARE_METATYPE(taskdesk::models::AuthResult)
