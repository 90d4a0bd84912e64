#include "FleetMember.h"

#include "FleetContext.h"
#include "FleetLogging.h"
#include "Random.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

namespace taskdesk::agent {

FleetMember::FleetMember(Role role, int order, int roleIndex, const QUrl& server, bool hmac)
    : m_role(role), m_order(order), m_roleIndex(roleIndex), m_hmac(hmac),
      m_client(std::make_unique<AgentClient>(server))
{
    m_client->setTimeoutMs(30000);
}

FleetMember::~FleetMember()
{
    crypto::SecureBuffer::wipe(m_password);
}

QString FleetMember::roleName() const
{
    return m_role == Role::Publisher ? QStringLiteral("publisher") : QStringLiteral("worker");
}

void FleetMember::useStoredLogin(const QString& email, const QString& password)
{
    m_email = email;
    m_password = password;
    m_loginFirst = true;
}

void FleetMember::useBundle(Credentials bundle)
{
    m_bundle = std::move(bundle);
    m_fromBundle = true;
}

bool FleetMember::takeStaleLogin(QString* email)
{
    if (!m_staleLogin)
        return false;
    *email = m_email;
    m_staleLogin = false;
    return true;
}

qint64 FleetMember::nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 FleetMember::cents(const QJsonValue& amount)
{
    if (amount.isString())
        return qint64(std::llround(amount.toString().toDouble() * 100.0));
    return qint64(std::llround(amount.toDouble() * 100.0));
}

AgentClient::Reply FleetMember::send(FleetContext& ctx, const QByteArray& method, const QString& path,
                                     const QByteArray& body,
                                     const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QElapsedTimer t;
    t.start();
    AgentClient::Reply r = m_client->send(method, path, body, headers);
    const double ms = double(t.nsecsElapsed()) / 1e6;
    ctx.stats().recordRequest(method, path, r.status, r.code(), ms);
    if (r.status == 429) {
        ctx.stats().add(FleetStats::RateLimited);
        qCInfo(lcFleet).noquote() << m_handle << "rate limited on" << path.section(QLatin1Char('?'), 0, 0)
                                  << "for" << r.retryAfterSeconds << "s";
    } else if (r.status == 0 || r.status >= 500) {
        qCWarning(lcFleet).noquote() << m_handle << method << path.section(QLatin1Char('?'), 0, 0) << "->"
                                     << r.describe();
    }
    return r;
}

AgentClient::Reply FleetMember::get(FleetContext& ctx, const QString& path)
{
    return send(ctx, "GET", path, {});
}

AgentClient::Reply FleetMember::post(FleetContext& ctx, const QString& path, const QJsonObject& body)
{
    return send(ctx, "POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void FleetMember::step(FleetContext& ctx)
{
    ++m_steps;
    if (m_ready)
        act(ctx);
    else
        setUp(ctx);
}

void FleetMember::failSetup(const AgentClient::Reply& r, const char* what)
{
    if (r.status == 429) {
        // Registration and login are limited per IP: wait as told and go on; the
        // other members keep stepping meanwhile.
        m_dueAtMs = nowMs() + 1000LL * std::max(1, r.retryAfterSeconds);
        return;
    }
    ++m_failures;
    m_dueAtMs = nowMs() + 500;
    qCWarning(lcFleet).noquote() << "cannot set up" << roleName() << m_roleIndex << "(" << what
                                 << "):" << r.describe();
}

bool FleetMember::takeSession(FleetContext& ctx, const AgentClient::Reply& r)
{
    const QJsonObject profile = r.json.value(QStringLiteral("profile")).toObject();
    QString token = r.json.value(QStringLiteral("tokenValue")).toString();
    if (token.isEmpty() || profile.value(QStringLiteral("id")).toString().isEmpty()) {
        crypto::SecureBuffer::wipe(token);
        failSetup(r, "no token in the answer");
        return false;
    }
    m_client->useToken(crypto::SecureBuffer::fromUtf8(token));
    crypto::SecureBuffer::wipe(token);
    m_profileId = profile.value(QStringLiteral("id")).toString();
    m_handle = profile.value(QStringLiteral("handle")).toString();
    QStringList skills;
    for (const auto& s : profile.value(QStringLiteral("skills")).toArray())
        skills << s.toString();
    if (!skills.isEmpty() || m_role == Role::Publisher)
        m_skills = skills;
    (void)ctx;
    return true;
}

void FleetMember::setUp(FleetContext& ctx)
{
    if (m_fromBundle) {
        if (m_hmac && !m_bundle.apiKeyId.isEmpty() && !m_bundle.apiSecret.isEmpty())
            m_client->useApiKey(m_bundle.apiKeyId, crypto::SecureBuffer::copyOf(m_bundle.apiSecret.view()));
        else
            m_client->useToken(crypto::SecureBuffer::copyOf(m_bundle.token.view()));
        const auto me = get(ctx, QStringLiteral("/api/agent/me"));
        if (!me.ok()) {
            failSetup(me, "bundle credentials");
            return;
        }
        const QJsonObject profile = me.json.value(QStringLiteral("profile")).toObject();
        m_profileId = profile.value(QStringLiteral("id")).toString();
        m_handle = profile.value(QStringLiteral("handle")).toString();
        QStringList skills;
        for (const auto& s : profile.value(QStringLiteral("skills")).toArray())
            skills << s.toString();
        if (skills.isEmpty() && !m_skills.isEmpty()) {
            // A new delegated agent has no skills yet; claims and open tasks need them.
            // A bundle without profile:write keeps bidding only.
            QJsonArray wanted;
            for (const auto& s : m_skills)
                wanted.append(s);
            const auto r = send(ctx, "PATCH", QStringLiteral("/api/agent/me"),
                                QJsonDocument(QJsonObject{{QStringLiteral("skills"), wanted}})
                                    .toJson(QJsonDocument::Compact));
            if (!r.ok())
                m_skills.clear();
        } else {
            m_skills = skills;
        }
    } else if (m_client->hasCredentials()) {
        // Signed in earlier; only the API key is missing (it failed last step).
    } else if (m_loginFirst) {
        const auto r =
            post(ctx, QStringLiteral("/api/agent/login"),
                 QJsonObject{{QStringLiteral("email"), m_email},
                             {QStringLiteral("password"), m_password},
                             {QStringLiteral("tokenName"), QStringLiteral("taskdesk-agent fleet")}});
        if (r.status == 401 || r.status == 404) {
            // The server forgot the profile (a fresh database behind the same URL).
            m_loginFirst = false;
            m_staleLogin = true;
            return;
        }
        if (!r.ok()) {
            failSetup(r, "login");
            return;
        }
        if (!takeSession(ctx, r))
            return;
        ctx.stats().add(FleetStats::LoggedIn);
        qCInfo(lcFleet).noquote() << "logged in" << roleName() << m_handle;
    } else {
        // The suffix comes from the system's random source, not the seeded one: reruns
        // against one server do not collide and the seeded choices stay the same.
        QString seed = QString::number(ctx.seed());
        if (seed.size() > 8)
            seed = seed.right(8);
        m_handle = QStringLiteral("fl%1_%2%3_%4")
                       .arg(seed, m_role == Role::Publisher ? QStringLiteral("pub") : QStringLiteral("wrk"))
                       .arg(m_roleIndex)
                       .arg(QString::fromStdString(crypto::Random::hex(2)));
        m_email = m_handle + QStringLiteral("@example.test");
        crypto::SecureBuffer::wipe(m_password);
        m_password = QString::fromStdString(crypto::Random::base64url(18));
        QJsonArray skills;
        for (const auto& s : m_skills)
            skills.append(s);
        const auto r =
            post(ctx, QStringLiteral("/api/agent/register"),
                 QJsonObject{{QStringLiteral("email"), m_email},
                             {QStringLiteral("password"), m_password},
                             {QStringLiteral("handle"), m_handle},
                             {QStringLiteral("displayName"),
                              QStringLiteral("Fleet %1 %2").arg(roleName()).arg(m_roleIndex)},
                             {QStringLiteral("kind"), QStringLiteral("agent")},
                             {QStringLiteral("skills"), skills},
                             {QStringLiteral("tokenName"), QStringLiteral("taskdesk-agent fleet")}});
        if (r.status == 409) {
            m_dueAtMs = 0; // the suffix was taken: another one next step
            ++m_failures;
            return;
        }
        if (r.status != 201) {
            failSetup(r, "register");
            return;
        }
        if (!takeSession(ctx, r))
            return;
        m_registeredNow = true;
        ctx.stats().add(FleetStats::Registered);
        qCInfo(lcFleet).noquote() << "registered" << roleName() << m_handle << "skills" << m_skills;
    }

    if (m_hmac && !m_fromBundle) {
        const auto r = post(ctx, QStringLiteral("/api/agent/me/api-keys"),
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("taskdesk-agent fleet")}});
        QString secret = r.json.value(QStringLiteral("secret")).toString();
        const QString keyId =
            r.json.value(QStringLiteral("apiKey")).toObject().value(QStringLiteral("keyId")).toString();
        if (r.status != 201 || secret.isEmpty() || keyId.isEmpty()) {
            crypto::SecureBuffer::wipe(secret);
            failSetup(r, "API key");
            return;
        }
        m_client->useApiKey(keyId, crypto::SecureBuffer::fromUtf8(secret));
        crypto::SecureBuffer::wipe(secret);
    }
    m_ready = true;
    ctx.noteMember(m_profileId, m_order);
}

} // namespace taskdesk::agent
