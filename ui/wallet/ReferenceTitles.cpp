#include "ReferenceTitles.h"

#include "ApiClient.h"
#include "ContractJobs.h"
#include "EntityJob.h"
#include "TaskJobs.h"

#include <QJsonObject>
#include <QTimer>

namespace taskdesk::ui {

namespace {
constexpr int kConcurrent = 3;
}

ReferenceTitles::ReferenceTitles(models::ApiClient* client, HandleProvider myHandle, QObject* parent)
    : QObject(parent), m_client(client), m_myHandle(std::move(myHandle))
{}

QString ReferenceTitles::title(const QString& type, const QString& id)
{
    if (id.isEmpty() || (type != QLatin1String("task") && type != QLatin1String("contract")))
        return {};
    const QString key = type + QLatin1Char(':') + id;
    if (const auto it = m_titles.constFind(key); it != m_titles.constEnd())
        return *it;
    if (!m_asked.contains(key)) {
        m_asked.insert(key);
        m_queue.append(key);
        // Asked from inside data(): start the requests once the view is done painting.
        if (!m_pumpScheduled) {
            m_pumpScheduled = true;
            QTimer::singleShot(0, this, &ReferenceTitles::pump);
        }
    }
    return {};
}

void ReferenceTitles::clear()
{
    ++m_generation;
    m_titles.clear();
    m_asked.clear();
    m_queue.clear();
    m_running = 0;
}

void ReferenceTitles::pump()
{
    m_pumpScheduled = false;
    while (m_client && m_running < kConcurrent && !m_queue.isEmpty()) {
        const QString key = m_queue.takeFirst();
        const QString type = key.section(QLatin1Char(':'), 0, 0);
        const QString id = key.section(QLatin1Char(':'), 1);
        models::EntityJob* job =
            type == QLatin1String("task") ? m_client->tasks().get(id) : m_client->contracts().get(id);
        ++m_running;
        const quint64 generation = m_generation;
        connect(job, &models::EntityJob::received, this, [this, key, type, generation](const QJsonObject& e) {
            if (generation == m_generation)
                onEntity(key, type, e);
        });
        connect(job, &models::ApiJob::failed, this, [this, key, generation] {
            if (generation != m_generation)
                return;
            m_titles.insert(key, QString());
            onDone();
        });
        job->start();
    }
}

void ReferenceTitles::onEntity(const QString& key, const QString& type, const QJsonObject& entity)
{
    QString title;
    if (type == QLatin1String("task")) {
        title = entity.value(QLatin1String("title")).toString();
    } else {
        title = entity.value(QLatin1String("terms")).toObject().value(QLatin1String("taskTitle")).toString();
        const QString me = m_myHandle ? m_myHandle() : QString();
        const auto handleOf = [&entity](const char* side) {
            return entity.value(QLatin1String(side)).toObject().value(QLatin1String("handle")).toString();
        };
        const QString buyer = handleOf("buyer");
        const QString other = buyer == me ? handleOf("seller") : buyer;
        if (!other.isEmpty())
            title = tr("%1 with @%2").arg(title, other);
    }
    m_titles.insert(key, title);
    onDone();
}

void ReferenceTitles::onDone()
{
    --m_running;
    emit resolved();
    pump();
}

} // namespace taskdesk::ui
