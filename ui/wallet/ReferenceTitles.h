#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <functional>

namespace taskdesk::models {
class ApiClient;
}

namespace taskdesk::ui {

// Names the task or contract a transaction is for ("Fix the CSV parser",
// "Proofread the guide with @olga") instead of its id. Titles are fetched on
// first use, a few at a time, and kept until clear(); a reference that cannot
// be read stays unnamed rather than being asked for again.
class ReferenceTitles : public QObject
{
    Q_OBJECT
public:
    using HandleProvider = std::function<QString()>;

    ReferenceTitles(models::ApiClient* client, HandleProvider myHandle, QObject* parent = nullptr);

    // The title, or empty while unknown (then it is fetched; resolved() follows).
    QString title(const QString& type, const QString& id);
    void clear();

signals:
    void resolved();

private:
    void pump();
    void onEntity(const QString& key, const QString& type, const QJsonObject& entity);
    void onDone();

    models::ApiClient* m_client;
    HandleProvider m_myHandle;
    QHash<QString, QString> m_titles; // "type:id" -> title ("" when it could not be read)
    QSet<QString> m_asked;
    QStringList m_queue;
    int m_running = 0;
    bool m_pumpScheduled = false;
    quint64 m_generation = 0;
};

} // namespace taskdesk::ui
