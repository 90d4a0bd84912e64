#include "ConnectionProfile.h"

#include <QSettings>
#include <QUuid>

namespace taskdesk::models {

namespace {
const QString kGroup = QStringLiteral("profiles");
}

ConnectionProfile ConnectionProfile::create(const QString& name, const QUrl& baseUrl)
{
    ConnectionProfile p;
    p.m_key = QUuid::createUuid().toString(QUuid::Id128);
    p.m_name = name;
    p.m_baseUrl = baseUrl;
    return p;
}

void ConnectionProfile::save(QSettings& settings) const
{
    settings.beginGroup(kGroup);
    settings.beginGroup(m_key);
    settings.setValue(QStringLiteral("name"), m_name);
    settings.setValue(QStringLiteral("baseUrl"), m_baseUrl.toString());
    settings.setValue(QStringLiteral("handle"), m_handle);
    settings.setValue(QStringLiteral("profileId"), m_profileId);
    settings.setValue(QStringLiteral("roles"), m_roles);
    settings.endGroup();
    settings.endGroup();
}

ConnectionProfile ConnectionProfile::load(QSettings& settings, const QString& key)
{
    ConnectionProfile p;
    settings.beginGroup(kGroup);
    if (settings.childGroups().contains(key)) {
        settings.beginGroup(key);
        p.m_key = key;
        p.m_name = settings.value(QStringLiteral("name")).toString();
        p.m_baseUrl = QUrl(settings.value(QStringLiteral("baseUrl")).toString());
        p.m_handle = settings.value(QStringLiteral("handle")).toString();
        p.m_profileId = settings.value(QStringLiteral("profileId")).toString();
        p.m_roles = settings.value(QStringLiteral("roles")).toStringList();
        settings.endGroup();
    }
    settings.endGroup();
    return p;
}

QStringList ConnectionProfile::storedKeys(QSettings& settings)
{
    settings.beginGroup(kGroup);
    const QStringList keys = settings.childGroups();
    settings.endGroup();
    return keys;
}

void ConnectionProfile::remove(QSettings& settings, const QString& key)
{
    settings.beginGroup(kGroup);
    settings.remove(key);
    settings.endGroup();
}

} // namespace taskdesk::models
