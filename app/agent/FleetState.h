#pragma once

#include <QList>
#include <QString>

namespace taskdesk::agent {

// `run --state FILE`: the members a fleet registered, so that the next run against the
// same server logs them in instead of registering again (registration is rate limited).
// The file holds passwords: it is written atomically (QSaveFile) with mode 0600 and its
// content is never printed.
class FleetState
{
public:
    struct Entry
    {
        QString server; // the base URL, without a trailing slash
        QString email;
        QString password;
        QString handle;
        QString role; // "publisher" | "worker"
    };

    explicit FleetState(QString path) : m_path(std::move(path)) {}
    ~FleetState();
    FleetState(const FleetState&) = delete;
    FleetState& operator=(const FleetState&) = delete;

    bool enabled() const { return !m_path.isEmpty(); }
    // A missing file is an empty state; an unreadable or malformed one is an error.
    bool load(QString* error);
    bool save(QString* error) const;

    // The entries for server and role, in the order they were added.
    QList<Entry> entriesFor(const QString& server, const QString& role) const;
    void add(Entry e) { m_entries.push_back(std::move(e)); }
    // Forgets an entry whose credentials the server no longer takes.
    void remove(const QString& server, const QString& email);

    static QString normalisedServer(const QString& url);

private:
    QString m_path;
    QList<Entry> m_entries;
};

} // namespace taskdesk::agent
