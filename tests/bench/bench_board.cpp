// The board with many tasks: how soon the first rows are painted after the
// server answers, how long a filter keystroke takes over every loaded row,
// and what the console's memory grows to. The server runs in a child process
// (this program again, with --serve) so the memory figure is the console's
// alone. Baseline in the same run: Qt's stock QStandardItemModel +
// QSortFilterProxyModel holding the same cell texts in the same table.
//   bench_board [--tasks 100000] [--page 100]
#include "AccountService.h"
#include "ApiClient.h"
#include "Database.h"
#include "PlatformServer.h"
#include "TaskFilterProxyModel.h"
#include "TaskListModel.h"
#include "TaskService.h"

#include <QAbstractEventDispatcher>
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace json = boost::json;
using namespace taskdesk;

namespace {

// Resident memory of this process in MiB.
double rssMiB()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.value(1).toDouble() * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// --serve: seeds the tasks through the platform's own TaskService (so escrow
// and ledger are real), then serves until stdin closes.
int serve(const QString& dir, int tasks)
{
    PlatformServerConfig config;
    config.database = (dir + QStringLiteral("/bench.sqlite")).toStdString();
    config.rateLimits = false;
    config.settings.dataDir = (dir + QStringLiteral("/files")).toStdString();
    PlatformServer server(config);
    server.start();
    auto& p = server.platform();
    domain::AccountService accounts(p);
    domain::TaskService taskService(p);
    static const char* topics[] = {"invoice", "report",    "dataset", "translation", "logo",
                                   "summary", "benchmark", "schema",  "scraper",     "review"};
    static const char* skills[] = {"python", "writing", "design", "sql", "rust", "research"};
    static const char* modes[] = {"bid", "claim", "open"};
    const int perMember = 5000;
    QElapsedTimer seedTimer;
    seedTimer.start();
    for (int m = 0; m * perMember < tasks; ++m) {
        json::object reg;
        reg["email"] = "seed" + std::to_string(m) + "@example.com";
        reg["password"] = "correct horse battery";
        reg["handle"] = "seed" + std::to_string(m);
        auto prepared = accounts.prepareRegistration(reg);
        std::string token;
        {
            store::Transaction tx(p.db, store::Transaction::Mode::Write);
            token = std::string(accounts.registerProfile(tx, prepared).at("tokenValue").as_string());
            tx.commit();
        }
        store::Transaction tx(p.db, store::Transaction::Mode::Write);
        const auto actor = *accounts.authenticateBearer(tx, token);
        for (int i = m * perMember; i < std::min(tasks, (m + 1) * perMember); ++i) {
            json::object t;
            t["title"] = std::string("Task ") + std::to_string(i) + ": " + topics[i % 10] + " for client " +
                         std::to_string(i % 997);
            t["description"] = std::string("Prepare the ") + topics[(i / 10) % 10] + " as described, item " +
                               std::to_string(i) + ".";
            t["budgetAmount"] = 0.1;
            t["mode"] = modes[i % 3];
            t["skillsTags"] = json::array{skills[i % 6]};
            t["acceptanceCriteria"] = json::array{"Complete", "On time"};
            taskService.create(tx, actor, t);
        }
        tx.commit();
    }
    std::fprintf(stderr, "seeded %d tasks in %.1f s\n", tasks, seedTimer.elapsed() / 1000.0);
    std::printf("PORT %u\n", unsigned(server.port()));
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    server.stop();
    return 0;
}

// Waits until the view has painted once after now.
class PaintWatch : public QObject
{
public:
    explicit PaintWatch(QWidget* viewport) : m_viewport(viewport) { viewport->installEventFilter(this); }
    void arm() { m_painted = false; }
    bool waitPainted(int timeoutMs = 10000)
    {
        QElapsedTimer t;
        t.start();
        while (!m_painted && t.elapsed() < timeoutMs)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        return m_painted;
    }

protected:
    bool eventFilter(QObject* o, QEvent* e) override
    {
        if (o == m_viewport && e->type() == QEvent::Paint)
            m_painted = true;
        return false;
    }

private:
    QWidget* m_viewport;
    bool m_painted = false;
};

// Sets a filter and waits for the table to paint the result; milliseconds.
template <class SetFilter>
std::vector<double> typeFilter(QTableView& view, PaintWatch& watch, const QString& text, SetFilter set)
{
    std::vector<double> out;
    for (int i = 1; i <= text.size(); ++i) {
        watch.arm();
        QElapsedTimer t;
        t.start();
        set(text.left(i));
        view.viewport()->update();
        watch.waitPainted();
        out.push_back(t.nsecsElapsed() / 1e6);
    }
    set(QString());
    QCoreApplication::processEvents();
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc >= 3 && std::string(argv[1]) == "--serve") {
        QCoreApplication app(argc, argv);
        return serve(QString::fromLocal8Bit(argv[2]), argc >= 4 ? std::atoi(argv[3]) : 100000);
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("tasks"), QStringLiteral("Tasks on the board."), QStringLiteral("n"),
                      QStringLiteral("100000")});
    parser.addOption({QStringLiteral("page"), QStringLiteral("Page size (1-100)."), QStringLiteral("n"),
                      QStringLiteral("100")});
    parser.process(app);
    const int tasks = parser.value(QStringLiteral("tasks")).toInt();
    const int page = parser.value(QStringLiteral("page")).toInt();

    QTemporaryDir dir;
    QProcess server;
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--serve"), dir.path(), QString::number(tasks)});
    QByteArray line;
    while (!line.startsWith("PORT ")) {
        if (!server.waitForReadyRead(600000)) {
            std::fprintf(stderr, "the server did not start\n");
            return 1;
        }
        line = server.readLine().trimmed();
    }
    const QUrl url(QStringLiteral("http://127.0.0.1:%1").arg(QString::fromLatin1(line.mid(5))));

    const double rssStart = rssMiB();
    QNetworkAccessManager nam;
    models::ApiClient client(&nam);
    client.setBaseUrl(url);
    models::TaskListModel model(&client, models::TaskListModel::Scope::Browse);
    models::TaskQuery query;
    query.status = QStringLiteral("open");
    model.setQuery(query);
    model.setPageSize(50);
    models::TaskFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setSortingEnabled(false);
    view.horizontalHeader()->setStretchLastSection(true);
    view.resize(1200, 700);
    view.show();
    PaintWatch watch(view.viewport());
    QTest::qWait(100);

    // 1. First page: request -> response -> first rows painted (5 rounds).
    std::vector<double> respond, paint;
    for (int round = 0; round < 5; ++round) {
        model.clear();
        QCoreApplication::processEvents();
        QElapsedTimer t;
        t.start();
        double answeredAt = -1;
        QMetaObject::Connection c = QObject::connect(&model, &models::ApiListModel::pageLoaded, &model, [&] {
            answeredAt = t.nsecsElapsed() / 1e6;
            watch.arm();
        });
        model.fetchMore({});
        while (answeredAt < 0)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        watch.waitPainted();
        QObject::disconnect(c);
        respond.push_back(answeredAt);
        paint.push_back(t.nsecsElapsed() / 1e6 - answeredAt);
    }

    // 2. The board's normal path: search on the server, one keystroke at a
    // time (no debounce here), until the first page of the answer is painted.
    const QString searched = QStringLiteral("client 42");
    std::vector<double> serverSearch;
    for (int i = 1; i <= searched.size(); ++i) {
        models::TaskQuery q = query;
        q.text = searched.left(i);
        model.setQuery(q);
        QElapsedTimer t;
        t.start();
        bool done = false;
        QMetaObject::Connection c = QObject::connect(&model, &models::ApiListModel::refreshed, &model, [&] {
            done = true;
            watch.arm();
        });
        model.refresh();
        while (!done)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        watch.waitPainted();
        QObject::disconnect(c);
        serverSearch.push_back(t.nsecsElapsed() / 1e6);
    }
    const double rssPaged = rssMiB();
    model.setQuery(query);

    // 3. The worst case: every task in the model, page by page.
    model.clear();
    model.setPageSize(page);
    QElapsedTimer loadTimer;
    loadTimer.start();
    while (model.hasMore()) {
        if (!model.isLoading())
            model.fetchMore({});
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!model.lastError().message().isEmpty() && !model.isLoading()) {
            std::fprintf(stderr, "load failed: %s\n", qPrintable(model.lastError().message()));
            return 1;
        }
    }
    const double loadSeconds = loadTimer.elapsed() / 1000.0;
    QTest::qWait(50);
    const double rssLoaded = rssMiB();
    if (qEnvironmentVariableIsSet("BENCH_BOARD_DEBUG")) {
        qint64 jsonBytes = 0, searchBytes = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            jsonBytes += QJsonDocument(model.itemAt(r)).toJson(QJsonDocument::Compact).size();
            searchBytes += model.searchTextAt(r).size() * 2;
        }
        std::printf("debug: compact JSON %.0f B/row, search text %.0f B/row\n",
                    double(jsonBytes) / model.rowCount(), double(searchBytes) / model.rowCount());
        std::printf("debug: item json sample: %s\n",
                    QJsonDocument(model.itemAt(0)).toJson(QJsonDocument::Compact).constData());
    }

    // 4. Filter keystrokes over every loaded row (no server involved).
    const QString typed = QStringLiteral("client 42");
    const auto ours = typeFilter(view, watch, typed, [&](const QString& s) { proxy.setFilterText(s); });
    const int oursMatches = [&] {
        proxy.setFilterText(typed);
        const int n = proxy.rowCount();
        proxy.setFilterText(QString());
        return n;
    }();

    // Baseline: the same cell texts in Qt's stock item model and proxy.
    const double rssBeforeBaseline = rssMiB();
    QStandardItemModel stock(model.rowCount(), model.columnCount());
    for (int r = 0; r < model.rowCount(); ++r)
        for (int c = 0; c < model.columnCount(); ++c)
            stock.setItem(r, c, new QStandardItem(model.index(r, c).data().toString()));
    const double rssBaseline = rssMiB() - rssBeforeBaseline;
    QSortFilterProxyModel stockProxy;
    stockProxy.setSourceModel(&stock);
    stockProxy.setFilterKeyColumn(-1);
    stockProxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    view.setModel(&stockProxy);
    QTest::qWait(50);
    const auto stockTimes =
        typeFilter(view, watch, typed, [&](const QString& s) { stockProxy.setFilterFixedString(s); });

    std::printf("\nBoard benchmark: %d tasks (server in a child process, SQLite)\n", tasks);
    std::printf("  first page (50 rows): request->response median %.1f ms, response->first rows painted "
                "median %.1f ms  (goal < 300 ms)\n",
                median(respond), median(paint));
    std::printf(
        "  server-side search per keystroke (\"%s\", first page painted): median %.1f ms, max %.1f ms; "
        "memory then %.0f MiB\n",
        qPrintable(searched), median(serverSearch),
        *std::max_element(serverSearch.begin(), serverSearch.end()), rssPaged);
    std::printf("  all %d rows loaded in %.1f s (%d-row pages)\n", model.rowCount(), loadSeconds, page);
    std::printf(
        "  filter keystroke over %d rows (\"%s\", %d matches): median %.1f ms, max %.1f ms  (goal < 50 "
        "ms)\n",
        model.rowCount(), qPrintable(typed), oursMatches, median(ours),
        *std::max_element(ours.begin(), ours.end()));
    std::printf(
        "  baseline QStandardItemModel+QSortFilterProxyModel: median %.1f ms, max %.1f ms; ratio ours/"
        "baseline %.2f\n",
        median(stockTimes), *std::max_element(stockTimes.begin(), stockTimes.end()),
        median(ours) / std::max(0.001, median(stockTimes)));
    std::printf("  memory: %.0f MiB at start, %.0f MiB with every row loaded (+%.0f MiB; goal < 300 MB); "
                "the stock model's copy of the texts alone took %.0f MiB\n",
                rssStart, rssLoaded, rssLoaded - rssStart, rssBaseline);
    server.closeWriteChannel();
    server.waitForFinished(10000);
    return 0;
}
