#pragma once

#include "ApiJob.h"
#include "AuthResult.h"
#include "ConnectionProfile.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

class QSettings;

namespace taskdesk::models {

class ApiClient;
class SecretStore;

// Who is signed in where. Connection profiles (name, server, handle, profile
// id, roles) persist in QSettings; the token never does: it goes to the
// SecretStore (the OS keychain) under the profile's key. Without a usable
// keychain the token is kept in memory for this run only, tokenPersisted()
// is false and tokenPersistenceChanged() says why, so the UI can tell the
// user they will have to sign in again next time. There is no other fallback.
class Session : public QObject
{
    Q_OBJECT
public:
    Session(QSettings* settings, SecretStore* secrets, QObject* parent = nullptr);

    QList<ConnectionProfile> profiles() const;
    ConnectionProfile profile(const QString& key) const;
    // The profile used last (to activate at start), empty if none.
    QString lastProfileKey() const;
    void saveProfile(const ConnectionProfile& profile);
    // Forgets the profile and deletes its token.
    void removeProfile(const QString& key);

    const ConnectionProfile& current() const { return m_current; }
    bool hasToken() const { return !m_token.isEmpty(); }
    bool tokenPersisted() const { return m_tokenPersisted; }
    const QString& tokenStorageMessage() const { return m_tokenMessage; }
    // For ApiClient::setTokenProvider; safe to call after the Session is gone.
    ApiJob::TokenProvider tokenProvider() const;
    // Keeps the client's base URL and token in step with the current profile.
    void attach(ApiClient* client);

    // Makes profile current with a fresh token (from register or login) and
    // stores the token; tokenReady() at once, tokenPersistenceChanged() when
    // the store has answered.
    enum class TokenStorage
    {
        Keychain,    // kept for the next run (in memory if the keychain fails)
        ThisRunOnly, // never written anywhere (the local sandbox issues a fresh one each start)
    };
    void signIn(const ConnectionProfile& profile, const QString& token,
                TokenStorage storage = TokenStorage::Keychain);
    // The same from a register/login answer: reuses the profile for that
    // server and profile id if there is one.
    ConnectionProfile signIn(const QUrl& baseUrl, const AuthResult& auth, const QString& name = {});
    // Makes a stored profile current and loads its token: tokenReady() or signInRequired().
    void activate(const QString& key);
    // Forgets the current token (keychain and memory); keeps the profile.
    void signOut();

signals:
    void profilesChanged();
    void currentProfileChanged(const taskdesk::models::ConnectionProfile& profile);
    void tokenReady();
    void signInRequired(const QString& reason);
    void signedOut();
    void tokenPersistenceChanged(bool persisted, const QString& message);

private:
    void makeCurrent(const ConnectionProfile& profile);
    void setPersisted(bool persisted, const QString& message);
    void applyToClients();
    QString token() const { return m_token; }

    QSettings* m_settings;
    SecretStore* m_secrets;
    ConnectionProfile m_current;
    QString m_token;
    // Tokens that could not be stored, by profile key: this run only.
    QHash<QString, QString> m_memoryTokens;
    bool m_tokenPersisted = false;
    QString m_tokenMessage;
    QList<QPointer<ApiClient>> m_clients;
};

} // namespace taskdesk::models
