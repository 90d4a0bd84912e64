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

    // From a register or login answer ({profile, token, tokenValue}); an
    // invalid result (empty profileId or tokenValue) when either is missing.
    static AuthResult fromJson(const QJsonObject& json);
    bool isValid() const { return !profileId.isEmpty() && !tokenValue.isEmpty(); }
};

} // namespace taskdesk::models

Q_DECLARE_METATYPE(taskdesk::models::AuthResult)
