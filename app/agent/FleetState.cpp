#include "FleetState.h"

#include "SecureBuffer.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <sys/stat.h>

namespace taskdesk::agent {

FleetState::~FleetState()
{
    for (auto& e : m_entries)
        crypto::SecureBuffer::wipe(e.password);
}

QString FleetState::normalisedServer(const QString& url)
{
    QString s = url.trimmed();
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    return s;
}

bool FleetState::load(QString* error)
{
    QFile f(m_path);
    if (!f.exists())
        return true;
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the state file %1").arg(m_path);
        return false;
    }
    QByteArray content = f.readAll();
    QJsonParseError perr{};
    const QJsonDocument doc = QJsonDocument::fromJson(content, &perr);
    crypto::SecureBuffer::wipe(content);
    if (perr.error != QJsonParseError::NoError || !doc.isObject() ||
        !doc.object().value(QStringLiteral("members")).isArray()) {
        *error = QStringLiteral("The state file %1 is not a fleet state file").arg(m_path);
        return false;
    }
    for (const auto& v : doc.object().value(QStringLiteral("members")).toArray()) {
        const QJsonObject o = v.toObject();
        Entry e{normalisedServer(o.value(QStringLiteral("server")).toString()),
                o.value(QStringLiteral("email")).toString(), o.value(QStringLiteral("password")).toString(),
                o.value(QStringLiteral("handle")).toString(), o.value(QStringLiteral("role")).toString()};
        if (!e.server.isEmpty() && !e.email.isEmpty() && !e.password.isEmpty())
            m_entries.push_back(std::move(e));
    }
    return true;
}

bool FleetState::save(QString* error) const
{
    QJsonArray members;
    for (const auto& e : m_entries)
        members.append(QJsonObject{{QStringLiteral("server"), e.server},
                                   {QStringLiteral("email"), e.email},
                                   {QStringLiteral("password"), e.password},
                                   {QStringLiteral("handle"), e.handle},
                                   {QStringLiteral("role"), e.role}});
    QByteArray content =
        QJsonDocument(QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("members"), members}})
            .toJson(QJsonDocument::Indented);
    // The temporary file QSaveFile writes must never be readable by others, not even
    // for the moment before the rename; the umask covers its creation.
    const mode_t previous = ::umask(077);
    QSaveFile f(m_path);
    bool ok = f.open(QIODevice::WriteOnly);
    if (ok) {
        f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        ok = f.write(content) == content.size() && f.commit();
    }
    ::umask(previous);
    crypto::SecureBuffer::wipe(content);
    if (ok)
        ok = QFile::setPermissions(m_path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!ok)
        *error = QStringLiteral("Cannot write the state file %1").arg(m_path);
    return ok;
}

QList<FleetState::Entry> FleetState::entriesFor(const QString& server, const QString& role) const
{
    QList<Entry> out;
    const QString s = normalisedServer(server);
    for (const auto& e : m_entries)
        if (e.server == s && e.role == role)
            out.push_back(e);
    return out;
}

void FleetState::remove(const QString& server, const QString& email)
{
    const QString s = normalisedServer(server);
    m_entries.removeIf([&](const Entry& e) { return e.server == s && e.email == email; });
}

} // namespace taskdesk::agent
