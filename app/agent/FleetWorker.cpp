#include "FleetWorker.h"

#include "FleetContext.h"
#include "FleetLogging.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <algorithm>
#include <vector>

namespace taskdesk::agent {

namespace {

QString idOf(const QJsonObject& o, const char* key = "id")
{
    return o.value(QLatin1String(key)).toString();
}

const char* const kThreadMessages[] = {
    "Hello! I have started on this and will deliver within a day.",
    "Quick question: is plain text fine for the result?",
    "Thanks for the feedback; a revised version is on its way.",
};

// The "Output: <json>" line the fleet's publishers put in a verified task's description.
std::optional<QJsonValue> exampleOutput(const QString& description)
{
    for (const QString& line : description.split(QLatin1Char('\n'))) {
        if (!line.startsWith(QLatin1String("Output: ")))
            continue;
        const QByteArray wrapped = "[" + line.mid(8).toUtf8() + "]";
        const QJsonDocument doc = QJsonDocument::fromJson(wrapped);
        if (doc.isArray() && doc.array().size() == 1)
            return doc.array().at(0);
    }
    return std::nullopt;
}

} // namespace

void FleetWorker::act(FleetContext& ctx)
{
    if (stepsTaken() % 4 == 2)
        post(ctx, QStringLiteral("/api/agent/heartbeat"), {});
    workContracts(ctx);
    if (stepsTaken() % 3 == 0 && !m_openSubmissions.empty())
        followOpenSubmissions(ctx);
    browse(ctx);
}

bool FleetWorker::skillsMatch(const QJsonObject& task) const
{
    const QJsonArray tags = task.value(QStringLiteral("skillsTags")).toArray();
    if (tags.isEmpty())
        return true;
    for (const auto& t : tags)
        if (skills().contains(t.toString(), Qt::CaseInsensitive))
            return true;
    return false;
}

QJsonObject FleetWorker::taskInfo(FleetContext& ctx, const QString& taskId)
{
    if (const auto it = m_taskCache.find(taskId); it != m_taskCache.end())
        return it->second;
    auto r = get(ctx, QStringLiteral("/api/tasks/%1").arg(taskId));
    if (!r.ok())
        return {};
    const QJsonObject task = r.json.value(QStringLiteral("task")).toObject();
    m_taskCache[taskId] = task;
    return task;
}

void FleetWorker::workContracts(FleetContext& ctx)
{
    std::vector<QJsonObject> contracts;
    for (const char* status : {"in_progress", "rejected"}) {
        const auto r = get(ctx, QStringLiteral("/api/agent/contracts?role=seller&status=%1&limit=100")
                                    .arg(QLatin1String(status)));
        if (!r.ok())
            return;
        for (const auto& v : r.json.value(QStringLiteral("contracts")).toArray())
            if (!idOf(v.toObject(), "taskId").isEmpty()) // skill hires are not the fleet's business
                contracts.push_back(v.toObject());
    }
    std::sort(contracts.begin(), contracts.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        const int sa = ctx.taskSeq(idOf(a, "taskId")), sb = ctx.taskSeq(idOf(b, "taskId"));
        return sa != sb ? sa < sb : idOf(a, "taskId") < idOf(b, "taskId");
    });
    for (std::size_t i = 0; i < contracts.size() && i < 2; ++i) {
        const QJsonObject& c = contracts[i];
        const QString id = idOf(c);
        const qint64 rejections = c.value(QStringLiteral("rejectionCount")).toInteger();
        const qint64 max = c.value(QStringLiteral("maxSubmissions")).toInteger(3);
        if (c.value(QStringLiteral("status")).toString() == QLatin1String("rejected") && rejections >= max) {
            const auto d =
                post(ctx, QStringLiteral("/api/agent/contracts/%1/disputes").arg(id),
                     QJsonObject{
                         {QStringLiteral("reason"),
                          QStringLiteral("Rejected %1 times although the criteria are met").arg(rejections)},
                         {QStringLiteral("evidence"),
                          QStringLiteral("Every delivery follows the task's description and "
                                         "acceptance criteria; see the submissions.")}});
            if (d.status == 201) {
                ctx.stats().add(FleetStats::Disputes);
                qCInfo(lcFleet).noquote()
                    << handle() << "opened a dispute on task" << ctx.taskLabel(idOf(c, "taskId"));
            }
            continue;
        }
        if (ctx.chance(15)) {
            if (post(ctx, QStringLiteral("/api/agent/contracts/%1/messages").arg(id),
                     QJsonObject{
                         {QStringLiteral("body"), QString::fromLatin1(kThreadMessages[ctx.roll(0, 2)])}})
                    .status == 201)
                ctx.stats().add(FleetStats::Messages);
        }
        deliver(ctx, idOf(c, "taskId"), QStringLiteral("/api/agent/contracts/%1/submissions").arg(id));
    }
}

void FleetWorker::followOpenSubmissions(FleetContext& ctx)
{
    std::vector<QString> tasks;
    for (const auto& [taskId, resubmits] : m_openSubmissions)
        tasks.push_back(taskId);
    std::sort(tasks.begin(), tasks.end(), [&](const QString& a, const QString& b) {
        const int sa = ctx.taskSeq(a), sb = ctx.taskSeq(b);
        return sa != sb ? sa < sb : a < b;
    });
    for (std::size_t i = 0; i < tasks.size() && i < 2; ++i) {
        const QString& taskId = tasks[i];
        const QString path = QStringLiteral("/api/agent/tasks/%1/submissions").arg(taskId);
        const auto r = get(ctx, path);
        if (!r.ok()) {
            m_openSubmissions.erase(taskId);
            continue;
        }
        const QJsonArray subs = r.json.value(QStringLiteral("submissions")).toArray();
        bool pending = false, accepted = false;
        for (const auto& v : subs) {
            const QString status = v.toObject().value(QStringLiteral("status")).toString();
            pending = pending || status == QLatin1String("pending");
            accepted = accepted || status == QLatin1String("accepted");
        }
        if (pending)
            continue;
        // Rejected: one more try while the task is open, then let it go.
        if (!accepted && m_openSubmissions[taskId] < 1) {
            ++m_openSubmissions[taskId];
            if (deliver(ctx, taskId, path))
                continue;
        }
        m_openSubmissions.erase(taskId);
    }
}

void FleetWorker::browse(FleetContext& ctx)
{
    QString query = QStringLiteral("/api/tasks?limit=50");
    if (!skills().isEmpty() && ctx.chance(75))
        query += QStringLiteral("&skill=") + QString::fromUtf8(QUrl::toPercentEncoding(ctx.pick(skills())));
    const auto r = get(ctx, query);
    if (!r.ok())
        return;
    const bool bidsParked = nowMs() < m_bidsParkedUntilMs;
    std::vector<QJsonObject> candidates;
    for (const auto& v : r.json.value(QStringLiteral("tasks")).toArray()) {
        const QJsonObject t = v.toObject();
        const QString mode = t.value(QStringLiteral("mode")).toString();
        if (t.value(QStringLiteral("status")).toString() != QLatin1String("open") ||
            idOf(t.value(QStringLiteral("owner")).toObject()) == profileId() || m_actedOn.contains(idOf(t)) ||
            t.value(QStringLiteral("hasSubtasks")).toBool())
            continue;
        if (mode == QLatin1String("bid") ? bidsParked : !skillsMatch(t))
            continue;
        candidates.push_back(t);
    }
    if (candidates.empty())
        return;
    // The fleet's own tasks by their sequence numbers, then anybody else's by title.
    std::sort(candidates.begin(), candidates.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        const int sa = ctx.taskSeq(idOf(a)), sb = ctx.taskSeq(idOf(b));
        if (sa != sb)
            return sa < sb;
        const QString ta = idOf(a, "title"), tb = idOf(b, "title");
        return ta != tb ? ta < tb : idOf(a) < idOf(b);
    });
    takeTask(ctx, ctx.pick(candidates));
}

void FleetWorker::takeTask(FleetContext& ctx, const QJsonObject& task)
{
    const QString id = idOf(task);
    const QString mode = task.value(QStringLiteral("mode")).toString();
    m_taskCache[id] = task;
    if (mode == QLatin1String("bid")) {
        QJsonObject body{
            {QStringLiteral("etaDays"), ctx.roll(1, 7)},
            {QStringLiteral("approach"),
             QStringLiteral("I will follow the acceptance criteria one by one and deliver a short "
                            "report with the result.")}};
        const int share = ctx.roll(60, 100);
        const bool credits =
            task.value(QStringLiteral("budgetCurrency")).toString() == QLatin1String("CREDITS") &&
            task.value(QStringLiteral("budgetAmount")).isDouble();
        if (credits)
            body[QStringLiteral("proposedAmount")] =
                double(std::max<qint64>(1, cents(task.value(QStringLiteral("budgetAmount"))) * share / 100)) /
                100.0;
        else
            body[QStringLiteral("priceText")] = QStringLiteral("As budgeted");
        const auto r = post(ctx, QStringLiteral("/api/agent/tasks/%1/bids").arg(id), body);
        if (r.status == 429) {
            m_bidsParkedUntilMs = nowMs() + 1000LL * std::max(1, r.retryAfterSeconds);
            return; // try this task again once bidding is allowed
        }
        m_actedOn.insert(id);
        if (r.status != 201)
            return;
        ctx.stats().add(FleetStats::Bids);
        qCInfo(lcFleet).noquote() << handle() << "bid on task" << ctx.taskLabel(id);
        if (ctx.chance(25)) {
            const QString bidId =
                r.json.value(QStringLiteral("bid")).toObject().value(QStringLiteral("id")).toString();
            if (post(ctx, QStringLiteral("/api/agent/bids/%1/messages").arg(bidId),
                     QJsonObject{{QStringLiteral("body"), QString::fromLatin1(kThreadMessages[0])}})
                    .status == 201)
                ctx.stats().add(FleetStats::Messages);
        }
    } else if (mode == QLatin1String("claim")) {
        m_actedOn.insert(id);
        const auto r =
            post(ctx, QStringLiteral("/api/agent/tasks/%1/claim").arg(id),
                 QJsonObject{{QStringLiteral("message"), QStringLiteral("I can start right away.")}});
        if (r.status != 201)
            return;
        if (r.json.contains(QStringLiteral("contract"))) {
            ctx.stats().add(FleetStats::Claims);
            qCInfo(lcFleet).noquote() << handle() << "claimed task" << ctx.taskLabel(id);
        } else {
            ctx.stats().add(FleetStats::Applications);
            qCInfo(lcFleet).noquote() << handle() << "applied for task" << ctx.taskLabel(id);
        }
    } else if (mode == QLatin1String("open")) {
        m_actedOn.insert(id);
        if (deliver(ctx, id, QStringLiteral("/api/agent/tasks/%1/submissions").arg(id)))
            m_openSubmissions[id] = 0;
    }
}

bool FleetWorker::deliver(FleetContext& ctx, const QString& taskId, const QString& path)
{
    const QJsonObject task = taskInfo(ctx, taskId);
    const bool verified = task.value(QStringLiteral("verification")).isObject();
    const auto example = exampleOutput(task.value(QStringLiteral("description")).toString());
    const bool pass = ctx.chance(75);
    QJsonValue output;
    if (verified)
        output = pass && example ? *example : QJsonValue(QStringLiteral("not the expected output"));
    else
        output = QStringLiteral("Done: %1").arg(task.value(QStringLiteral("title")).toString());
    QJsonObject body{
        {QStringLiteral("summaryText"),
         QStringLiteral("Worked through each acceptance criterion; the result is in the output.")},
        {QStringLiteral("output"), output}};
    if (ctx.chance(20)) {
        const QByteArray report = QStringLiteral("Report by %1 for %2\n\nEvery criterion was checked.\n")
                                      .arg(handle(), task.value(QStringLiteral("title")).toString())
                                      .toUtf8();
        const QString name = QStringLiteral("report-%1.txt").arg(ctx.taskSeq(taskId));
        const auto f = send(ctx, "POST", QStringLiteral("/api/agent/files"), report,
                            {{"Content-Type", "text/plain; charset=utf-8"}, {"X-File-Name", name.toUtf8()}});
        if (f.status == 201) {
            ctx.stats().add(FleetStats::Files);
            body[QStringLiteral("attachments")] = QJsonArray{
                QJsonObject{{QStringLiteral("fileId"), f.json.value(QStringLiteral("fileId")).toString()},
                            {QStringLiteral("name"), name},
                            {QStringLiteral("mimeType"), QStringLiteral("text/plain")},
                            {QStringLiteral("size"), f.json.value(QStringLiteral("size")).toInteger()},
                            {QStringLiteral("sha256"), f.json.value(QStringLiteral("sha256")).toString()}}};
        }
    }
    if (ctx.chance(50))
        body[QStringLiteral("deliverableUrl")] =
            QStringLiteral("https://example.test/fleet/%1/%2").arg(handle(), taskId);
    const auto r = post(ctx, path, body);
    if (r.status != 201)
        return false;
    ctx.stats().add(FleetStats::Submissions);
    const QJsonValue v =
        r.json.value(QStringLiteral("submission")).toObject().value(QStringLiteral("verification"));
    if (v.isObject())
        ctx.stats().add(v.toObject().value(QStringLiteral("passed")).toBool()
                            ? FleetStats::SubmissionsPassed
                            : FleetStats::SubmissionsFailed);
    qCInfo(lcFleet).noquote() << handle() << "delivered on task" << ctx.taskLabel(taskId)
                              << (v.isObject() ? (v.toObject().value(QStringLiteral("passed")).toBool()
                                                      ? "(passes verification)"
                                                      : "(fails verification)")
                                               : "");
    return true;
}

} // namespace taskdesk::agent
