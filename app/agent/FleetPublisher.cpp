#include "FleetPublisher.h"

#include "FleetContext.h"
#include "FleetLogging.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <algorithm>
#include <vector>

namespace taskdesk::agent {

namespace {

constexpr int kMaxOpenTasks = 5;

struct Topic
{
    const char* title;
    const char* description;
};

const Topic kTopics[] = {
    {"Summarise a support thread", "Read the attached support thread and write a five-line summary."},
    {"Clean a CSV of addresses", "Normalise the street names and postcodes of a small address list."},
    {"Write a Python date parser", "A function that reads the three date formats our logs use."},
    {"Design a status badge", "A small SVG badge for build status, in two colours."},
    {"Research open datasets", "List five openly licensed datasets about city cycling counts."},
    {"Translate release notes", "Translate the release notes into plain, friendly German."},
    {"Tabulate survey answers", "Count the answers per option in a short survey export."},
    {"Draft an onboarding email", "A short welcome email for new agents joining the marketplace."},
};

const char* const kCriteria[] = {
    "Follows the format given in the description",
    "No spelling mistakes",
    "Delivered as plain UTF-8 text",
    "Explains any assumption made",
    "Includes a short summary at the top",
    "Keeps within the length asked for",
};

const char* const kRejectReasons[] = {
    "The summary at the top is missing; please add it.",
    "Acceptance criterion 1 is not met: the format differs from the description.",
    "Please explain the assumptions you made.",
    "The result is incomplete: half of the items are missing.",
};

QString idOf(const QJsonObject& o, const char* key = "id")
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

void FleetPublisher::act(FleetContext& ctx)
{
    if (stepsTaken() % 5 == 2)
        post(ctx, QStringLiteral("/api/agent/heartbeat"), {});

    const auto mine = get(ctx, QStringLiteral("/api/agent/tasks?status=open&limit=100"));
    if (!mine.ok())
        return;
    // The open tasks in the fleet's own order (sequence numbers), not the server's.
    std::vector<std::pair<int, QJsonObject>> open;
    for (const auto& v : mine.json.value(QStringLiteral("tasks")).toArray()) {
        const QJsonObject t = v.toObject();
        const auto it = m_tasks.find(idOf(t));
        if (it == m_tasks.end()) {
            // Left open by an earlier run of this member (--state): its escrow would sit
            // there forever, so give it back.
            if (post(ctx, QStringLiteral("/api/agent/tasks/%1/cancel").arg(idOf(t)),
                     QJsonObject{{QStringLiteral("reason"), QStringLiteral("Left over from an earlier run")}})
                    .ok())
                ctx.stats().add(FleetStats::TasksCancelled);
            continue;
        }
        open.emplace_back(it->second.seq, t);
    }
    std::sort(open.begin(), open.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    m_openCount = int(open.size());

    reviewContracts(ctx);
    for (const auto& [seq, task] : open)
        tendTask(ctx, idOf(task), m_tasks.at(idOf(task)), task);
    if (m_openCount < kMaxOpenTasks && (m_openCount < 2 || ctx.chance(50)))
        postTask(ctx);
}

void FleetPublisher::reviewContracts(FleetContext& ctx)
{
    const auto r = get(ctx, QStringLiteral("/api/agent/contracts?role=buyer&status=submitted&limit=100"));
    if (!r.ok())
        return;
    std::vector<QJsonObject> contracts;
    for (const auto& v : r.json.value(QStringLiteral("contracts")).toArray())
        if (m_tasks.contains(v.toObject().value(QStringLiteral("taskId")).toString()))
            contracts.push_back(v.toObject());
    std::sort(contracts.begin(), contracts.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        return ctx.taskSeq(idOf(a, "taskId")) < ctx.taskSeq(idOf(b, "taskId"));
    });
    for (std::size_t i = 0; i < contracts.size() && i < 3; ++i)
        reviewContract(ctx, contracts[i]);
}

QString FleetPublisher::rejectionReason(FleetContext& ctx, const QJsonObject& submission)
{
    const QJsonObject v = submission.value(QStringLiteral("verification")).toObject();
    if (!v.isEmpty() && !v.value(QStringLiteral("passed")).toBool())
        return QStringLiteral("The output fails the task's verification rule: %1")
            .arg(v.value(QStringLiteral("detail")).toString().left(300));
    return QString::fromLatin1(
        ctx.pick(std::vector<const char*>(std::begin(kRejectReasons), std::end(kRejectReasons))));
}

void FleetPublisher::reviewContract(FleetContext& ctx, const QJsonObject& contract)
{
    const QString id = idOf(contract);
    const auto subs = get(ctx, QStringLiteral("/api/agent/contracts/%1/submissions?limit=100").arg(id));
    if (!subs.ok())
        return;
    QJsonObject pending;
    for (const auto& v : subs.json.value(QStringLiteral("submissions")).toArray())
        if (v.toObject().value(QStringLiteral("status")).toString() == QLatin1String("pending"))
            pending = v.toObject();
    if (pending.isEmpty())
        return;
    const PostedTask& t = m_tasks.at(idOf(contract, "taskId"));
    const QJsonObject v = pending.value(QStringLiteral("verification")).toObject();
    const bool failsRule = !v.isEmpty() && !v.value(QStringLiteral("passed")).toBool();
    const bool reject = ctx.chance(20) || t.stubborn || failsRule;
    const QString path = QStringLiteral("/api/agent/contracts/%1/decision").arg(id);
    if (reject) {
        const QString reason = t.stubborn ? QStringLiteral("Not what I had in mind; please redo it.")
                                          : rejectionReason(ctx, pending);
        if (post(ctx, path,
                 QJsonObject{{QStringLiteral("action"), QStringLiteral("reject")},
                             {QStringLiteral("reason"), reason}})
                .ok()) {
            ctx.stats().add(FleetStats::Rejected);
            qCInfo(lcFleet).noquote()
                << handle() << "rejected delivery on task" << FleetContext::seqLabel(t.seq);
        }
        return;
    }
    const int rating = ctx.roll(3, 5);
    const auto r =
        post(ctx, path,
             QJsonObject{{QStringLiteral("action"), QStringLiteral("accept")},
                         {QStringLiteral("rating"), rating},
                         {QStringLiteral("review"), QStringLiteral("Delivered as asked, thank you.")}});
    if (r.ok()) {
        ctx.stats().add(FleetStats::Accepted);
        ctx.stats().add(FleetStats::ContractsCompleted);
        ctx.stats().add(FleetStats::Reviews);
        ctx.stats().addCreditsMoved(cents(contract.value(QStringLiteral("priceAmount"))));
        qCInfo(lcFleet).noquote() << handle() << "accepted delivery on task" << FleetContext::seqLabel(t.seq)
                                  << "rating" << rating;
    }
}

void FleetPublisher::tendTask(FleetContext& ctx, const QString& taskId, const PostedTask& t,
                              const QJsonObject& task)
{
    const int age = stepsTaken() - t.postedAtStep;
    if (t.mode == QLatin1String("bid")) {
        const qint64 bids = task.value(QStringLiteral("bidCount")).toInteger();
        if (bids > 0 && (bids >= 2 || age >= 2) && hire(ctx, taskId))
            return;
    } else if (t.mode == QLatin1String("claim") && t.requireApproval && age >= 1) {
        if (decideApplications(ctx, taskId))
            return;
    } else if (t.mode == QLatin1String("open") && age >= 1) {
        if (reviewOpenSubmissions(ctx, taskId, t))
            return;
    }
    if (age > 15) {
        // Nobody took it: give the escrow back rather than hold a slot forever.
        const auto r = post(ctx, QStringLiteral("/api/agent/tasks/%1/cancel").arg(taskId),
                            QJsonObject{{QStringLiteral("reason"), QStringLiteral("No takers")}});
        if (r.ok()) {
            ctx.stats().add(FleetStats::TasksCancelled);
            --m_openCount;
            m_tasks.erase(taskId);
        }
    }
}

bool FleetPublisher::hire(FleetContext& ctx, const QString& taskId)
{
    const auto r = get(ctx, QStringLiteral("/api/agent/tasks/%1/bids?limit=100").arg(taskId));
    if (!r.ok())
        return false;
    std::vector<QJsonObject> bids;
    for (const auto& v : r.json.value(QStringLiteral("bids")).toArray())
        if (v.toObject().value(QStringLiteral("status")).toString() == QLatin1String("active"))
            bids.push_back(v.toObject());
    if (bids.empty())
        return false;
    auto bidderOf = [](const QJsonObject& b) { return b.value(QStringLiteral("bidder")).toObject(); };
    std::sort(bids.begin(), bids.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        const int oa = ctx.memberOrder(idOf(bidderOf(a))), ob = ctx.memberOrder(idOf(bidderOf(b)));
        if (oa != ob)
            return oa < ob;
        return idOf(bidderOf(a), "handle") < idOf(bidderOf(b), "handle");
    });
    const QJsonObject& bid = ctx.pick(bids);
    const auto h =
        post(ctx, QStringLiteral("/api/agent/contracts"),
             QJsonObject{{QStringLiteral("taskId"), taskId}, {QStringLiteral("bidId"), idOf(bid)}});
    if (h.status == 201) {
        ctx.stats().add(FleetStats::Hires);
        --m_openCount;
        qCInfo(lcFleet).noquote() << handle() << "hired" << idOf(bidderOf(bid), "handle") << "for task"
                                  << FleetContext::seqLabel(m_tasks.at(taskId).seq);
        return true;
    }
    return false;
}

bool FleetPublisher::decideApplications(FleetContext& ctx, const QString& taskId)
{
    const auto r = get(ctx, QStringLiteral("/api/agent/tasks/%1/applications?limit=100").arg(taskId));
    if (!r.ok())
        return false;
    std::vector<QJsonObject> apps;
    for (const auto& v : r.json.value(QStringLiteral("applications")).toArray())
        if (v.toObject().value(QStringLiteral("status")).toString() == QLatin1String("pending"))
            apps.push_back(v.toObject());
    if (apps.empty())
        return false;
    auto agentOf = [](const QJsonObject& a) { return a.value(QStringLiteral("agent")).toObject(); };
    std::sort(apps.begin(), apps.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        const int oa = ctx.memberOrder(idOf(agentOf(a))), ob = ctx.memberOrder(idOf(agentOf(b)));
        if (oa != ob)
            return oa < ob;
        return idOf(agentOf(a), "handle") < idOf(agentOf(b), "handle");
    });
    const QJsonObject& app = ctx.pick(apps);
    const QString base = QStringLiteral("/api/agent/tasks/%1/applications/%2/").arg(taskId, idOf(app));
    if (ctx.chance(80)) {
        if (post(ctx, base + QStringLiteral("approve"), {}).ok()) {
            ctx.stats().add(FleetStats::ApplicationsApproved);
            --m_openCount;
            qCInfo(lcFleet).noquote() << handle() << "approved" << idOf(agentOf(app), "handle") << "on task"
                                      << FleetContext::seqLabel(m_tasks.at(taskId).seq);
            return true;
        }
    } else {
        post(ctx, base + QStringLiteral("reject"),
             QJsonObject{
                 {QStringLiteral("reason"), QStringLiteral("Looking for more experience with this.")}});
    }
    return false;
}

bool FleetPublisher::reviewOpenSubmissions(FleetContext& ctx, const QString& taskId, const PostedTask& t)
{
    const QString base = QStringLiteral("/api/agent/tasks/%1/submissions").arg(taskId);
    const auto r = get(ctx, base + QStringLiteral("?limit=100"));
    if (!r.ok())
        return false;
    std::vector<QJsonObject> pending;
    for (const auto& v : r.json.value(QStringLiteral("submissions")).toArray())
        if (v.toObject().value(QStringLiteral("status")).toString() == QLatin1String("pending"))
            pending.push_back(v.toObject());
    std::sort(pending.begin(), pending.end(), [&](const QJsonObject& a, const QJsonObject& b) {
        const int oa = ctx.memberOrder(idOf(a, "submitterId")), ob = ctx.memberOrder(idOf(b, "submitterId"));
        return oa != ob ? oa < ob : idOf(a, "submitterId") < idOf(b, "submitterId");
    });
    for (std::size_t i = 0; i < pending.size() && i < 2; ++i) {
        const QJsonObject& s = pending[i];
        const QJsonObject v = s.value(QStringLiteral("verification")).toObject();
        const bool failsRule = !v.isEmpty() && !v.value(QStringLiteral("passed")).toBool();
        const QString path = base + QLatin1Char('/') + idOf(s) + QStringLiteral("/decision");
        if (ctx.chance(25) || failsRule) {
            if (post(ctx, path,
                     QJsonObject{{QStringLiteral("action"), QStringLiteral("reject")},
                                 {QStringLiteral("reason"), rejectionReason(ctx, s)}})
                    .ok())
                ctx.stats().add(FleetStats::Rejected);
            continue;
        }
        const auto a =
            post(ctx, path,
                 QJsonObject{{QStringLiteral("action"), QStringLiteral("accept")},
                             {QStringLiteral("rating"), ctx.roll(3, 5)},
                             {QStringLiteral("review"), QStringLiteral("Exactly what was asked.")}});
        if (a.ok()) {
            ctx.stats().add(FleetStats::Accepted);
            ctx.stats().add(FleetStats::ContractsCompleted);
            ctx.stats().add(FleetStats::Reviews);
            ctx.stats().addCreditsMoved(t.budgetCents);
            --m_openCount;
            qCInfo(lcFleet).noquote()
                << handle() << "accepted an open submission on task" << FleetContext::seqLabel(t.seq);
            return true; // the task is closed; the other submissions were rejected with it
        }
    }
    return false;
}

void FleetPublisher::postTask(FleetContext& ctx)
{
    const auto w = get(ctx, QStringLiteral("/api/agent/wallet"));
    if (!w.ok())
        return;
    const qint64 available =
        cents(w.json.value(QStringLiteral("wallet")).toObject().value(QStringLiteral("available")));
    if (available < 500)
        return; // spent: keep reviewing what is running
    const int modeRoll = ctx.roll(1, 100);
    const QString mode = modeRoll <= 40   ? QStringLiteral("bid")
                         : modeRoll <= 75 ? QStringLiteral("claim")
                                          : QStringLiteral("open");
    const qint64 budget = std::min<qint64>(available, qint64(ctx.roll(4, 40)) * 50);
    const int seq = ctx.nextTaskSeq();
    const Topic& topic = kTopics[ctx.roll(0, int(std::size(kTopics)) - 1)];

    QJsonArray criteria;
    const int nCriteria = ctx.roll(1, 4);
    const int firstCriterion = ctx.roll(0, int(std::size(kCriteria)) - 1);
    for (int i = 0; i < nCriteria; ++i)
        criteria.append(QString::fromLatin1(kCriteria[(firstCriterion + i) % int(std::size(kCriteria))]));

    QJsonArray tags;
    const QStringList& pool = ctx.workerSkills.isEmpty() ? FleetContext::skillList() : ctx.workerSkills;
    if (ctx.chance(90)) {
        const int first = ctx.roll(0, int(pool.size()) - 1);
        tags.append(pool.at(first));
        if (pool.size() > 1 && ctx.chance(30))
            tags.append(pool.at((first + 1) % pool.size()));
    }
    const bool requireApproval = mode == QLatin1String("claim") && ctx.chance(35);
    const bool stubborn = mode != QLatin1String("open") && ctx.chance(12);

    // A verification rule, and the line that tells a worker what passes it. The
    // fleet's workers read that line; anyone else reads it too, as a person would.
    QJsonObject verification;
    QJsonValue example;
    if (ctx.chance(40)) {
        const int kind = ctx.roll(1, 3);
        const int n = ctx.roll(1, 9999);
        if (kind == 1) {
            verification = QJsonObject{{QStringLiteral("type"), QStringLiteral("regex")},
                                       {QStringLiteral("pattern"), QStringLiteral("^RESULT: [0-9]+$")}};
            example = QStringLiteral("RESULT: %1").arg(n);
        } else if (kind == 2) {
            verification = QJsonObject{
                {QStringLiteral("type"), QStringLiteral("json-schema")},
                {QStringLiteral("schema"),
                 QJsonObject{
                     {QStringLiteral("type"), QStringLiteral("object")},
                     {QStringLiteral("required"), QJsonArray{QStringLiteral("rows"), QStringLiteral("ok")}},
                     {QStringLiteral("properties"),
                      QJsonObject{{QStringLiteral("rows"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")},
                                               {QStringLiteral("minimum"), 0}}},
                                  {QStringLiteral("ok"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("boolean")}}}}}}}};
            example = QJsonObject{{QStringLiteral("rows"), n}, {QStringLiteral("ok"), true}};
        } else {
            const QString answer = QStringLiteral("FLEET-%1-%2-%3").arg(ctx.seed()).arg(seq).arg(n);
            verification = QJsonObject{
                {QStringLiteral("type"), QStringLiteral("sha256")},
                {QStringLiteral("value"),
                 QString::fromLatin1(
                     QCryptographicHash::hash(answer.toUtf8(), QCryptographicHash::Sha256).toHex())}};
            example = answer;
        }
    }
    QString description = QString::fromLatin1(topic.description);
    if (!verification.isEmpty()) {
        const QByteArray exampleJson = QJsonDocument(QJsonArray{example}).toJson(QJsonDocument::Compact);
        description +=
            QStringLiteral("\nOutput: ") + QString::fromUtf8(exampleJson.mid(1, exampleJson.size() - 2));
    }
    QJsonObject body{{QStringLiteral("title"), QStringLiteral("[fl%1 #%2] %3")
                                                   .arg(ctx.seed())
                                                   .arg(seq, 4, 10, QLatin1Char('0'))
                                                   .arg(QString::fromLatin1(topic.title))},
                     {QStringLiteral("description"), description},
                     {QStringLiteral("acceptanceCriteria"), criteria},
                     {QStringLiteral("skillsTags"), tags},
                     {QStringLiteral("mode"), mode},
                     {QStringLiteral("budgetAmount"), double(budget) / 100.0},
                     {QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS")}};
    if (requireApproval)
        body[QStringLiteral("requireApproval")] = true;
    if (!verification.isEmpty())
        body[QStringLiteral("verification")] = verification;
    const auto r = post(ctx, QStringLiteral("/api/agent/tasks"), body);
    if (r.status != 201)
        return;
    const QString id = r.json.value(QStringLiteral("task")).toObject().value(QStringLiteral("id")).toString();
    ctx.noteTask(id, seq);
    m_tasks[id] = PostedTask{seq, mode, requireApproval, stubborn, budget, stepsTaken()};
    ++m_openCount;
    ctx.stats().add(mode == QLatin1String("bid")     ? FleetStats::TasksBid
                    : mode == QLatin1String("claim") ? FleetStats::TasksClaim
                                                     : FleetStats::TasksOpen);
    qCInfo(lcFleet).noquote() << handle() << "posted task" << FleetContext::seqLabel(seq) << mode
                              << double(budget) / 100.0 << "CREDITS" << (stubborn ? "(stubborn)" : "");
}

} // namespace taskdesk::agent
