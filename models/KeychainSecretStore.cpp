#include "KeychainSecretStore.h"

#include "ModelsLogging.h"

#include <QTimer>
#include <memory>
#include <qt6keychain/keychain.h>

namespace taskdesk::models {

namespace {

SecretStore::Status statusOf(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError:
        return SecretStore::Status::Ok;
    case QKeychain::EntryNotFound:
        return SecretStore::Status::NotFound;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError: // on Linux: no D-Bus session, no Secret Service daemon
        return SecretStore::Status::Unavailable;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretStore::Status::Denied;
    case QKeychain::CouldNotDeleteEntry:
        return SecretStore::Status::Failed;
    }
    return SecretStore::Status::Failed;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject* parent)
    : SecretStore(parent), m_service(std::move(service))
{}

QString KeychainSecretStore::displayName() const
{
    return tr("the system keychain");
}

void KeychainSecretStore::run(QKeychain::Job* job, QObject* context, Callback done, bool isRead)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    // One answer per call: the keychain's or the timeout's, whichever is first.
    auto answered = std::make_shared<bool>(false);
    auto finish = [answered, done = std::move(done)](const Result& r) {
        if (*answered)
            return;
        *answered = true;
        done(r);
    };
    connect(job, &QKeychain::Job::finished, context, [finish, isRead](QKeychain::Job* j) {
        Result r;
        r.status = statusOf(j->error());
        if (r.status != Status::Ok)
            r.errorString = j->errorString();
        else if (isRead)
            r.secret = static_cast<QKeychain::ReadPasswordJob*>(j)->textData();
        if (r.status != Status::Ok && r.status != Status::NotFound)
            qCInfo(lcModelsSession) << "keychain:" << j->error() << r.errorString;
        finish(r);
    });
    QTimer::singleShot(m_timeout, context, [finish] {
        qCInfo(lcModelsSession) << "keychain did not answer in time";
        finish({Status::Unavailable, {}, QStringLiteral("The keychain did not answer")});
    });
    job->start();
}

void KeychainSecretStore::readSecret(const QString& key, QObject* context, Callback done)
{
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setKey(key);
    run(job, context, std::move(done), true);
}

void KeychainSecretStore::writeSecret(const QString& key, const QString& secret, QObject* context,
                                      Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setKey(key);
    job->setTextData(secret);
    run(job, context, std::move(done), false);
}

void KeychainSecretStore::deleteSecret(const QString& key, QObject* context, Callback done)
{
    auto* job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setKey(key);
    run(job, context, std::move(done), false);
}

} // namespace taskdesk::models
