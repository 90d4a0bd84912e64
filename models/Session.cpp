#include "Session.h"

#include "ApiClient.h"
#include "ModelsLogging.h"
#include "SecretStore.h"

#include <QSettings>

namespace taskdesk::models {

namespace {
const QString kLastProfile = QStringLiteral("session/lastProfile");

QString unavailableMessage(const SecretStore::Result& r)
{
    return Session::tr("No keychain is available (%1). You stay signed in until the console closes; "
                       "next time you will need to sign in again.")
        .arg(r.errorString.isEmpty() ? Session::tr("no answer") : r.errorString);
}
} // namespace

Session::Session(QSettings* settings, SecretStore* secrets, QObject* parent)
    : QObject(parent), m_settings(settings), m_secrets(secrets)
{}

QList<ConnectionProfile> Session::profiles() const
{
    QList<ConnectionProfile> out;
    for (const QString& key : ConnectionProfile::storedKeys(*m_settings))
        out << ConnectionProfile::load(*m_settings, key);
    return out;
}

ConnectionProfile Session::profile(const QString& key) const
{
    return ConnectionProfile::load(*m_settings, key);
}

QString Session::lastProfileKey() const
{
    return m_settings->value(kLastProfile).toString();
}

void Session::saveProfile(const ConnectionProfile& profile)
{
    if (!profile.isValid())
        return;
    profile.save(*m_settings);
    m_settings->sync();
    if (profile.key() == m_current.key() && !(profile == m_current)) {
        m_current = profile;
        applyToClients();
        emit currentProfileChanged(m_current);
    }
    emit profilesChanged();
}

void Session::removeProfile(const QString& key)
{
    const ConnectionProfile p = profile(key);
    ConnectionProfile::remove(*m_settings, key);
    if (lastProfileKey() == key)
        m_settings->remove(kLastProfile);
    m_settings->sync();
    m_memoryTokens.remove(key);
    if (p.isValid())
        m_secrets->deleteSecret(p.secretKey(), this, [](const SecretStore::Result&) {});
    if (m_current.key() == key) {
        m_current = {};
        m_token.clear();
        applyToClients();
        emit currentProfileChanged(m_current);
    }
    emit profilesChanged();
}

ApiJob::TokenProvider Session::tokenProvider() const
{
    return [self = QPointer<const Session>(this)] { return self ? self->token() : QString(); };
}

void Session::attach(ApiClient* client)
{
    m_clients.append(client);
    client->setTokenProvider(tokenProvider());
    if (m_current.isValid())
        client->setBaseUrl(m_current.baseUrl());
}

void Session::applyToClients()
{
    for (const auto& c : std::as_const(m_clients))
        if (c && m_current.isValid())
            c->setBaseUrl(m_current.baseUrl());
}

void Session::makeCurrent(const ConnectionProfile& profile)
{
    m_current = profile;
    m_token.clear();
    m_tokenPersisted = false;
    m_tokenMessage.clear();
    m_settings->setValue(kLastProfile, profile.key());
    m_settings->sync();
    applyToClients();
    emit currentProfileChanged(m_current);
}

void Session::setPersisted(bool persisted, const QString& message)
{
    m_tokenPersisted = persisted;
    m_tokenMessage = message;
    emit tokenPersistenceChanged(persisted, message);
}

void Session::signIn(const ConnectionProfile& profile, const QString& token, TokenStorage storage)
{
    if (!profile.isValid() || token.isEmpty())
        return;
    profile.save(*m_settings);
    makeCurrent(profile);
    emit profilesChanged();
    m_token = token;
    // In memory until the store confirms; if it never can, it stays there.
    m_memoryTokens.insert(profile.key(), token);
    emit tokenReady();
    if (storage == TokenStorage::ThisRunOnly) {
        m_tokenPersisted = false;
        m_tokenMessage.clear();
        return;
    }

    const QString key = profile.key();
    m_secrets->writeSecret(profile.secretKey(), token, this, [this, key](const SecretStore::Result& r) {
        if (r.status == SecretStore::Status::Ok) {
            m_memoryTokens.remove(key);
            qCInfo(lcModelsSession) << "token stored in" << m_secrets->displayName();
            if (key == m_current.key())
                setPersisted(true, tr("Signed in; the token is kept in %1.").arg(m_secrets->displayName()));
            return;
        }
        qCWarning(lcModelsSession) << "token kept in memory only: keychain status" << int(r.status);
        if (key == m_current.key())
            setPersisted(false,
                         r.status == SecretStore::Status::Denied
                             ? tr("The keychain refused to store the token (%1). You stay signed in until "
                                  "the console closes.")
                                   .arg(r.errorString)
                             : unavailableMessage(r));
    });
}

ConnectionProfile Session::signIn(const QUrl& baseUrl, const AuthResult& auth, const QString& name)
{
    ConnectionProfile p;
    for (const ConnectionProfile& existing : profiles())
        if (existing.baseUrl() == baseUrl && existing.profileId() == auth.profileId)
            p = existing;
    if (!p.isValid())
        p = ConnectionProfile::create(name.isEmpty() ? auth.handle + QLatin1Char('@') + baseUrl.host() : name,
                                      baseUrl);
    else if (!name.isEmpty())
        p.setName(name);
    p.setHandle(auth.handle);
    p.setProfileId(auth.profileId);
    p.setRoles(auth.roles);
    signIn(p, auth.tokenValue);
    return p;
}

void Session::activate(const QString& key)
{
    const ConnectionProfile p = profile(key);
    if (!p.isValid()) {
        emit signInRequired(tr("There is no saved connection with this name."));
        return;
    }
    makeCurrent(p);
    if (const auto it = m_memoryTokens.constFind(key); it != m_memoryTokens.constEnd()) {
        m_token = *it;
        setPersisted(false, tr("The token of this connection is kept in memory only."));
        emit tokenReady();
        return;
    }
    m_secrets->readSecret(p.secretKey(), this, [this, key](const SecretStore::Result& r) {
        if (key != m_current.key())
            return; // another profile was activated meanwhile
        switch (r.status) {
        case SecretStore::Status::Ok:
            m_token = r.secret;
            m_tokenPersisted = true;
            m_tokenMessage.clear();
            emit tokenReady();
            return;
        case SecretStore::Status::NotFound:
            emit signInRequired(
                tr("Sign in to %1 as %2.").arg(m_current.baseUrl().toString(), m_current.handle()));
            return;
        default:
            setPersisted(false, unavailableMessage(r));
            emit signInRequired(tr("The saved sign-in could not be read: %1").arg(r.errorString));
            return;
        }
    });
}

void Session::signOut()
{
    if (!m_current.isValid())
        return;
    m_token.clear();
    m_memoryTokens.remove(m_current.key());
    m_tokenPersisted = false;
    m_secrets->deleteSecret(m_current.secretKey(), this, [](const SecretStore::Result& r) {
        if (r.status != SecretStore::Status::Ok && r.status != SecretStore::Status::NotFound)
            qCInfo(lcModelsSession) << "could not delete the stored token:" << r.errorString;
    });
    emit signedOut();
}

} // namespace taskdesk::models
