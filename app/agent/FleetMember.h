#pragma once

#include "AgentClient.h"
#include "SecureBuffer.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <memory>

namespace taskdesk::agent {

class FleetContext;

// One simulated member of a fleet: its identity, credentials and client, and the
// bookkeeping every request goes through (latency, status, 429 parking). Its first
// steps set it up (register, log in, or take a bundle's credentials, then an API key
// with --auth hmac); after that each step is the role's act().
class FleetMember
{
public:
    enum class Role
    {
        Publisher,
        Worker
    };
    struct Credentials
    {
        QString email, password, handle; // from --state: log in
        crypto::SecureBuffer token;      // from a bundle
        QString apiKeyId;                // from a bundle, with --auth hmac
        crypto::SecureBuffer apiSecret;
    };

    FleetMember(Role role, int order, int roleIndex, const QUrl& server, bool hmac);
    virtual ~FleetMember();
    FleetMember(const FleetMember&) = delete;
    FleetMember& operator=(const FleetMember&) = delete;

    Role role() const { return m_role; }
    QString roleName() const;
    int order() const { return m_order; }
    const QString& handle() const { return m_handle; }
    const QString& email() const { return m_email; }
    const QString& password() const { return m_password; }
    const QString& profileId() const { return m_profileId; }
    const QStringList& skills() const { return m_skills; }
    bool ready() const { return m_ready; }
    bool registered() const { return m_registeredNow; }
    bool gaveUp() const { return m_failures >= kMaxSetupFailures; }
    bool fromBundle() const { return m_fromBundle; }

    void setWantedSkills(QStringList skills) { m_skills = std::move(skills); }
    void useStoredLogin(const QString& email, const QString& password);
    void useBundle(Credentials bundle);
    // The login stored for this member did not work: register a new profile instead.
    bool takeStaleLogin(QString* email);

    // When the member may step next (ms since the epoch); parked by 429s and backoff.
    qint64 dueAtMs() const { return m_dueAtMs; }
    void setDueAtMs(qint64 ms) { m_dueAtMs = ms; }

    // One scheduler step: setting up until ready, then the role's own work.
    void step(FleetContext& ctx);

protected:
    virtual void act(FleetContext& ctx) = 0;

    AgentClient::Reply get(FleetContext& ctx, const QString& path);
    AgentClient::Reply post(FleetContext& ctx, const QString& path, const QJsonObject& body);
    AgentClient::Reply send(FleetContext& ctx, const QByteArray& method, const QString& path,
                            const QByteArray& body, const QList<QPair<QByteArray, QByteArray>>& headers = {});
    static qint64 cents(const QJsonValue& amount);
    static qint64 nowMs();
    int stepsTaken() const { return m_steps; }

private:
    void setUp(FleetContext& ctx);
    bool takeSession(FleetContext& ctx, const AgentClient::Reply& r);
    void failSetup(const AgentClient::Reply& r, const char* what);

    static constexpr int kMaxSetupFailures = 3;

    Role m_role;
    int m_order;
    int m_roleIndex;
    bool m_hmac;
    std::unique_ptr<AgentClient> m_client;
    QString m_handle, m_email, m_password, m_profileId;
    QStringList m_skills;
    Credentials m_bundle;
    bool m_fromBundle = false;
    bool m_loginFirst = false;
    bool m_staleLogin = false;
    bool m_registeredNow = false;
    bool m_ready = false;
    int m_failures = 0;
    int m_steps = 0;
    qint64 m_dueAtMs = 0;
};

} // namespace taskdesk::agent
