#include "DemoSampleTasks.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"
#include "TaskJobs.h"
#include "UiLogging.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QJsonArray>
#include <QSettings>
#include <memory>

namespace taskdesk::ui {

namespace {
QString kindName(DemoSampleTasks::Kind kind)
{
    return kind == DemoSampleTasks::Kind::Bid ? QStringLiteral("bid") : QStringLiteral("open");
}
} // namespace

DemoSampleTasks::DemoSampleTasks(const ViewContext& context, QObject* parent)
    : QObject(parent), m_context(context)
{}

QString DemoSampleTasks::titlePrefix()
{
    return tr("Demo sample:");
}

QJsonObject DemoSampleTasks::body(Kind kind)
{
    QJsonObject task;
    task.insert(QStringLiteral("mode"), kindName(kind));
    task.insert(QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS"));
    task.insert(QStringLiteral("visibility"), QStringLiteral("public"));
    task.insert(QStringLiteral("reviewWindowHours"), 72);
    // Three tags each: a task matches an agent with any one of its tags, and
    // the agents often browse by one of their skills, so more tags mean more
    // of them find the sample among their own tasks.
    if (kind == Kind::Bid) {
        task.insert(QStringLiteral("title"), tr("%1 summarise a product announcement").arg(titlePrefix()));
        task.insert(QStringLiteral("description"),
                    tr("Posted by Demo activity from your account so you can watch bids arrive. "
                       "Simulated agents bid on it; hire one from the Board, or cancel the task to get "
                       "the 20.00 CREDITS back."));
        task.insert(
            QStringLiteral("skillsTags"),
            QJsonArray{QStringLiteral("writing"), QStringLiteral("research"), QStringLiteral("translation")});
        task.insert(QStringLiteral("budgetAmount"), 20.0);
        task.insert(QStringLiteral("acceptanceCriteria"),
                    QJsonArray{tr("At most 150 words"), tr("Names the three main changes")});
    } else {
        task.insert(QStringLiteral("title"), tr("%1 tidy a small CSV table").arg(titlePrefix()));
        task.insert(QStringLiteral("description"),
                    tr("Posted by Demo activity from your account so you can watch deliveries arrive. "
                       "Simulated agents submit work directly; accept one in Review, or cancel the task "
                       "to get the 10.00 CREDITS back."));
        task.insert(QStringLiteral("skillsTags"),
                    QJsonArray{QStringLiteral("data"), QStringLiteral("python"), QStringLiteral("writing")});
        task.insert(QStringLiteral("budgetAmount"), 10.0);
        task.insert(QStringLiteral("acceptanceCriteria"),
                    QJsonArray{tr("One row per customer"), tr("Dates as YYYY-MM-DD")});
    }
    return task;
}

QString DemoSampleTasks::settingsKey(const QString& sandboxKey, const QString& profileId)
{
    return QStringLiteral("demoActivity/%1/samples/%2").arg(sandboxKey, profileId);
}

bool DemoSampleTasks::wasPosted(const QString& sandboxKey, const QString& profileId, Kind kind) const
{
    return m_context.settings && m_context.settings->value(settingsKey(sandboxKey, profileId))
                                     .toStringList()
                                     .contains(kindName(kind));
}

void DemoSampleTasks::markPosted(const QString& sandboxKey, const QString& profileId, Kind kind)
{
    if (!m_context.settings)
        return;
    QStringList done = m_context.settings->value(settingsKey(sandboxKey, profileId)).toStringList();
    if (!done.contains(kindName(kind)))
        done << kindName(kind);
    m_context.settings->setValue(settingsKey(sandboxKey, profileId), done);
    m_context.settings->sync();
}

void DemoSampleTasks::ensurePosted(const QString& sandboxKey, const QString& profileId)
{
    if (m_busy || profileId.isEmpty())
        return;
    const bool bid = wasPosted(sandboxKey, profileId, Kind::Bid);
    const bool open = wasPosted(sandboxKey, profileId, Kind::Open);
    if (bid && open)
        return;
    if (bid || open) {
        // The first half went out before (then a failure): finish the pair,
        // whatever the board holds now (it holds the first sample).
        postMissing(sandboxKey, profileId);
        return;
    }
    m_busy = true;
    models::PagedListJob* job = m_context.client->tasks().listMine(QStringLiteral("open"), {}, 1);
    connect(job, &models::PagedListJob::pageReceived, this,
            [this, sandboxKey, profileId](const QJsonArray& items, const QString&) {
                if (!items.isEmpty()) {
                    m_busy = false;
                    emit skipped(tr("You have open tasks already, so Demo activity posted no samples: "
                                    "the simulated agents work on yours."));
                    return;
                }
                postMissing(sandboxKey, profileId);
            });
    connect(job, &models::ApiJob::failed, this, [this](const models::ApiError& error) {
        m_busy = false;
        qCWarning(lcUi) << "demo activity: could not list my open tasks:" << error.message();
        emit skipped(tr("Demo activity could not look at your tasks (%1), so it posted no samples.")
                         .arg(error.message()));
    });
    job->start();
}

void DemoSampleTasks::postMissing(const QString& sandboxKey, const QString& profileId)
{
    struct Batch
    {
        int pending = 0;
        QStringList titles;
    };
    auto batch = std::make_shared<Batch>();
    QList<Kind> kinds;
    for (Kind kind : {Kind::Bid, Kind::Open})
        if (!wasPosted(sandboxKey, profileId, kind))
            kinds << kind;
    if (kinds.isEmpty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    batch->pending = int(kinds.size());
    for (Kind kind : kinds) {
        const QJsonObject task = body(kind);
        // No parent: the runner owns it, shows its progress and, on failure,
        // the banner with "Try again" (the same Idempotency-Key).
        auto* command = new ApiCommand(tr("Post demo sample task"), [this, task]() -> models::JsonJob* {
            return m_context.client->tasks().post(task);
        });
        connect(command, &ApiCommand::resultReady, this, [this, sandboxKey, profileId, kind, batch, task] {
            markPosted(sandboxKey, profileId, kind);
            batch->titles << task.value(QLatin1String("title")).toString();
        });
        connect(command, &Command::finished, this, [this, batch] {
            if (--batch->pending != 0)
                return;
            m_busy = false;
            if (!batch->titles.isEmpty())
                emit posted(batch->titles);
        });
        m_context.commands->run(command);
    }
}

} // namespace taskdesk::ui
