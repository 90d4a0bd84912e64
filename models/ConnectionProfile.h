#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QUrl>

class QSettings;

namespace taskdesk::models {

// A server and who I am on it, as remembered between runs. Holds no secret:
// the token lives in the SecretStore under secretKey().
class ConnectionProfile
{
public:
    ConnectionProfile() = default;
    // A new profile with a fresh stable key.
    static ConnectionProfile create(const QString& name, const QUrl& baseUrl);

    bool isValid() const { return !m_key.isEmpty() && m_baseUrl.isValid(); }
    const QString& key() const { return m_key; }
    // The SecretStore entry for this profile's token.
    QString secretKey() const { return QStringLiteral("token/") + m_key; }

    const QString& name() const { return m_name; }
    void setName(const QString& name) { m_name = name; }
    const QUrl& baseUrl() const { return m_baseUrl; }
    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    const QString& handle() const { return m_handle; }
    void setHandle(const QString& handle) { m_handle = handle; }
    const QString& profileId() const { return m_profileId; }
    void setProfileId(const QString& id) { m_profileId = id; }
    const QStringList& roles() const { return m_roles; }
    void setRoles(const QStringList& roles) { m_roles = roles; }

    // Under the settings group "profiles/<key>".
    void save(QSettings& settings) const;
    static ConnectionProfile load(QSettings& settings, const QString& key);
    static QStringList storedKeys(QSettings& settings);
    static void remove(QSettings& settings, const QString& key);

    bool operator==(const ConnectionProfile& other) const = default;

private:
    QString m_key;
    QString m_name;
    QUrl m_baseUrl;
    QString m_handle;
    QString m_profileId;
    QStringList m_roles;
};

} // namespace taskdesk::models

Q_DECLARE_METATYPE(taskdesk::models::ConnectionProfile)
