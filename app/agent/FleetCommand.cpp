#include "FleetCommand.h"

#include "Console.h"
#include "ExitCode.h"
#include "FleetBundle.h"
#include "FleetContext.h"
#include "FleetLogging.h"
#include "FleetPublisher.h"
#include "FleetState.h"
#include "FleetWorker.h"
#include "SecretInput.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>
#include <csignal>
#include <memory>
#include <set>
#include <vector>

namespace taskdesk::agent {

namespace {

volatile std::sig_atomic_t g_stop = 0;

extern "C" void onStopSignal(int)
{
    g_stop = 1;
}

bool positiveInt(const QString& text, qint64 max, qint64* out)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    if (!ok || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

} // namespace

QString FleetCommand::help()
{
    return QStringLiteral(
        "Usage: taskdesk-agent run --server URL --publishers N --workers M --duration S [options]\n"
        "\n"
        "Runs a fleet of simulated members against a server through its public API: publishers\n"
        "post tasks in all three modes and review the work; workers browse by skill, bid, claim,\n"
        "submit, deliver (passing or failing verification rules on purpose), resubmit and\n"
        "dispute after a third rejection. Members register unless --state remembers them.\n"
        "\n"
        "Options:\n"
        "  --server URL           the platform's base URL\n"
        "  --publishers N         simulated publishers (default 2)\n"
        "  --workers M            simulated workers (default 4)\n"
        "  --duration S           seconds to run; 0 (without --steps) runs until SIGINT/SIGTERM\n"
        "  --steps N              stop after N member steps instead (repeatable with --seed)\n"
        "  --seed K               the seed of every choice (default 1)\n"
        "  --auth bearer|hmac     sign requests with an API key per member (default bearer)\n"
        "  --bundle FILE          a delegation handoff bundle as one more worker (repeatable;\n"
        "                         passphrase in TASKDESK_BUNDLE_PASSPHRASE)\n"
        "  --state FILE           remember the members (mode 0600) and log them in next time\n"
        "  --pace fast|demo       demo: 1-4 s pauses between a member's steps (default fast)\n"
        "  --json                 print the summary as one line of JSON\n"
        "  --verbose              log one line per notable event (taskdesk.agent.fleet)\n"
        "\n"
        "Exit codes: 0 no server error, 1 usage, 2 a 5xx answer or a transport error occurred.\n");
}

int FleetCommand::run(const QStringList& arguments)
{
    QCommandLineParser parser;
    for (const char* name :
         {"server", "publishers", "workers", "duration", "steps", "seed", "auth", "bundle", "state", "pace"})
        parser.addOption({QString::fromLatin1(name), QString(), QStringLiteral("VALUE")});
    parser.addOption({QStringLiteral("json"), QString()});
    parser.addOption({QStringLiteral("verbose"), QString()});
    parser.addOption({{QStringLiteral("h"), QStringLiteral("help")}, QString()});
    if (!parser.parse(arguments)) {
        Console::message(parser.errorText() + QStringLiteral(" (see run --help)"));
        return ExitUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        Console::out(help().toUtf8());
        return ExitOk;
    }
    auto usage = [](const QString& text) {
        Console::message(text + QStringLiteral(" (see run --help)"));
        return int(ExitUsage);
    };
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("run takes no positional arguments"));
    const QString server = FleetState::normalisedServer(parser.value(QStringLiteral("server")));
    const QUrl url(server, QUrl::StrictMode);
    if (server.isEmpty() || !url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return usage(QStringLiteral("--server must be the platform's http(s) base URL"));
    qint64 publishers = 2, workers = 4, duration = -1, steps = 0, seed = 1;
    auto number = [&](const char* name, qint64 max, qint64* out) {
        const QString n = QString::fromLatin1(name);
        return !parser.isSet(n) || positiveInt(parser.value(n), max, out);
    };
    if (!number("publishers", 100, &publishers) || !number("workers", 100, &workers))
        return usage(QStringLiteral("--publishers and --workers take 0 to 100"));
    if (!number("duration", 86400 * 365, &duration) || !number("steps", 1000000000, &steps))
        return usage(QStringLiteral("--duration and --steps take a whole number of seconds or steps"));
    if (!number("seed", std::numeric_limits<qint64>::max(), &seed))
        return usage(QStringLiteral("--seed takes a whole number"));
    if (duration < 0 && steps == 0)
        return usage(QStringLiteral("Give --duration S (0: until interrupted) or --steps N"));
    const QString auth = parser.isSet(QStringLiteral("auth")) ? parser.value(QStringLiteral("auth"))
                                                              : QStringLiteral("bearer");
    if (auth != QLatin1String("bearer") && auth != QLatin1String("hmac"))
        return usage(QStringLiteral("--auth is bearer or hmac"));
    const QString pace =
        parser.isSet(QStringLiteral("pace")) ? parser.value(QStringLiteral("pace")) : QStringLiteral("fast");
    if (pace != QLatin1String("fast") && pace != QLatin1String("demo"))
        return usage(QStringLiteral("--pace is fast or demo"));
    const QStringList bundlePaths = parser.values(QStringLiteral("bundle"));
    if (publishers + workers + bundlePaths.size() == 0)
        return usage(QStringLiteral("A fleet needs at least one member"));
    if (parser.isSet(QStringLiteral("verbose")))
        QLoggingCategory::setFilterRules(QStringLiteral("taskdesk.agent.fleet.info=true"));
    const bool hmac = auth == QLatin1String("hmac");
    const bool demo = pace == QLatin1String("demo");

    // Bundles and state are read before anything is sent: a bad file is a usage error.
    std::vector<FleetMember::Credentials> bundles;
    {
        crypto::SecureBuffer passphrase = SecretInput::fromEnvironment("TASKDESK_BUNDLE_PASSPHRASE");
        for (const QString& path : bundlePaths) {
            QString error;
            auto c = FleetBundle::read(path, passphrase, &error);
            if (!c)
                return usage(error);
            bundles.push_back(std::move(*c));
        }
    }
    FleetState state(parser.value(QStringLiteral("state")));
    {
        QString error;
        if (state.enabled() && !state.load(&error))
            return usage(error);
    }

    FleetContext ctx{static_cast<quint64>(seed)};
    ctx.stats().setMembers(int(publishers), int(workers), int(bundles.size()));
    std::vector<std::unique_ptr<FleetMember>> members;
    const auto storedPublishers = state.entriesFor(server, QStringLiteral("publisher"));
    const auto storedWorkers = state.entriesFor(server, QStringLiteral("worker"));
    auto wantedSkills = [&ctx] {
        // 1-3 distinct skills from the fixed list, drawn from the seeded source.
        QStringList pool = FleetContext::skillList(), skills;
        const int n = ctx.roll(1, 3);
        for (int i = 0; i < n; ++i)
            skills << pool.takeAt(ctx.roll(0, int(pool.size()) - 1));
        skills.sort();
        return skills;
    };
    // Publishers and workers interleaved, so the first round sets up both kinds.
    for (qint64 i = 0; i < std::max(publishers, workers); ++i) {
        if (i < publishers) {
            auto m = std::make_unique<FleetPublisher>(FleetMember::Role::Publisher, int(members.size()),
                                                      int(i), url, hmac);
            if (i < storedPublishers.size())
                m->useStoredLogin(storedPublishers[i].email, storedPublishers[i].password);
            members.push_back(std::move(m));
        }
        if (i < workers) {
            auto m = std::make_unique<FleetWorker>(FleetMember::Role::Worker, int(members.size()), int(i),
                                                   url, hmac);
            m->setWantedSkills(wantedSkills());
            if (i < storedWorkers.size())
                m->useStoredLogin(storedWorkers[i].email, storedWorkers[i].password);
            members.push_back(std::move(m));
        }
    }
    for (std::size_t b = 0; b < bundles.size(); ++b) {
        auto m = std::make_unique<FleetWorker>(FleetMember::Role::Worker, int(members.size()),
                                               int(workers + qint64(b)), url, hmac);
        m->setWantedSkills(wantedSkills());
        m->useBundle(std::move(bundles[b]));
        members.push_back(std::move(m));
    }
    auto refreshWorkerSkills = [&] {
        std::set<QString> all;
        for (const auto& m : members)
            if (m->role() == FleetMember::Role::Worker)
                for (const auto& s : m->skills())
                    all.insert(s);
        ctx.workerSkills = QStringList(all.begin(), all.end());
    };
    refreshWorkerSkills();

    g_stop = 0;
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QElapsedTimer clock;
    clock.start();
    qint64 taken = 0;
    std::size_t cursor = 0;
    std::set<FleetMember*> saved;
    bool anyReady = false;
    while (!g_stop) {
        if (steps > 0 && taken >= steps)
            break;
        if (duration > 0 && clock.elapsed() >= duration * 1000)
            break;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        FleetMember* next = nullptr;
        qint64 earliest = std::numeric_limits<qint64>::max();
        bool anyAlive = false;
        for (std::size_t k = 0; k < members.size(); ++k) {
            FleetMember* m = members[(cursor + k) % members.size()].get();
            if (m->gaveUp())
                continue;
            anyAlive = true;
            if (m->dueAtMs() <= now) {
                next = m;
                cursor = (cursor + k + 1) % members.size();
                break;
            }
            earliest = std::min(earliest, m->dueAtMs());
        }
        if (!anyAlive)
            break; // nobody could even sign in: the summary says why
        if (!next) {
            QThread::msleep(std::clamp<qint64>(earliest - now, 1, 100));
            continue;
        }
        const bool wasReady = next->ready();
        next->step(ctx);
        ++taken;
        if (demo)
            next->setDueAtMs(
                std::max(next->dueAtMs(), QDateTime::currentMSecsSinceEpoch() + ctx.roll(1000, 4000)));
        if (!wasReady && next->ready()) {
            anyReady = true;
            refreshWorkerSkills();
        }
        if (state.enabled()) {
            QString email, error;
            bool dirty = false;
            if (next->takeStaleLogin(&email)) {
                state.remove(server, email);
                dirty = true;
            }
            if (next->ready() && next->registered() && !next->fromBundle() && !saved.contains(next)) {
                saved.insert(next);
                state.add({server, next->email(), next->password(), next->handle(), next->roleName()});
                dirty = true;
            }
            if (dirty && !state.save(&error))
                Console::message(error);
        }
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    FleetStats& stats = ctx.stats();
    stats.setSteps(taken);
    stats.setElapsedMs(clock.elapsed());
    if (parser.isSet(QStringLiteral("json")))
        Console::outLine(
            QString::fromUtf8(QJsonDocument(stats.json(ctx.seed())).toJson(QJsonDocument::Compact)));
    else
        Console::outLine(stats.text(ctx.seed()));
    if (!anyReady) {
        Console::message(QStringLiteral("No member could sign in to %1").arg(server));
        return ExitServer;
    }
    if (!stats.healthy()) {
        Console::message(QStringLiteral("%1 server errors and %2 transport errors during the run")
                             .arg(stats.serverErrors())
                             .arg(stats.transportErrors()));
        return ExitServer;
    }
    return ExitOk;
}

} // namespace taskdesk::agent
