#pragma once

#include <QObject>
#include <QString>
#include <functional>

namespace taskdesk::models {

// Where the Session keeps tokens: the OS keychain in the console, a fake in
// tests. Calls are asynchronous (a keychain may ask the user); the callback
// runs later on the caller's thread, and not at all once context is gone.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Status
    {
        Ok,
        NotFound,    // nothing stored under the key
        Unavailable, // no keychain here (no backend, no daemon, no answer)
        Denied,      // the keychain refused (locked, the user said no)
        Failed,      // anything else
    };
    struct Result
    {
        Status status = Status::Failed;
        QString secret;      // read only
        QString errorString; // for logs and the UI; never contains the secret
    };
    using Callback = std::function<void(const Result&)>;

    using QObject::QObject;

    virtual void readSecret(const QString& key, QObject* context, Callback done) = 0;
    virtual void writeSecret(const QString& key, const QString& secret, QObject* context, Callback done) = 0;
    virtual void deleteSecret(const QString& key, QObject* context, Callback done) = 0;
    // For the UI ("Saved in the system keychain").
    virtual QString displayName() const = 0;
};

} // namespace taskdesk::models
