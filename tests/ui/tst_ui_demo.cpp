// Demo activity as a new sandbox user meets it: a switch in the status bar of
// the local sandbox only; on, the real taskdesk-agent fleet fills the sandbox
// with tasks, bids on the user's sample task and delivers to their open one
// within a minute; off (or away from the sandbox, or the console gone) the
// process is gone. The samples are posted once per sandbox and profile, the
// switch comes back on with the console, and a missing program says what to do.
#include "ConsoleFixture.h"
#include "ErrorBanner.h"
#include "FleetProcess.h"
#include "HttpClient.h"
#include "JsonPath.h"
#include "LiveUpdates.h"
#include "SandboxHost.h"
#include "Session.h"
#include "TaskListModel.h"
#include "commands/CommandRunner.h"
#include "sandbox/DemoActivityController.h"
#include "sandbox/DemoSampleTasks.h"

#include <QAction>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QProcess>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <cerrno>
#include <csignal>
#include <memory>

using namespace taskdesk;
using namespace taskdesk::test;

namespace {

const QString kAgent = QStringLiteral(TASKDESK_AGENT_BINARY);

// The console as app/console_main.cpp puts it together for the sandbox: the
// platform in-process, the fleet as a child process, the switch.
struct SandboxConsole
{
    SandboxConsole(const QString& root, QSettings* settings, models::SecretStore* secrets,
                   const QString& agentProgram)
        : sandbox(QDir(root).filePath(QStringLiteral("sandbox"))), console(settings, secrets, &sandbox),
          fleet(QDir(root).filePath(QStringLiteral("sandbox")), agentProgram), demo(&console, &fleet)
    {
        console.live()->setPollInterval(std::chrono::milliseconds(300));
        console.live()->setEventsWait(2);
        fleet.setStopTimeout(std::chrono::milliseconds(8000));
    }

    bool open()
    {
        console.window()->show();
        QString error;
        if (!console.openSandbox(&error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return QTest::qWaitFor([this] { return console.session()->hasToken(); }, 20000);
    }
    QToolButton* switchButton() const
    {
        return console.window()->findChild<QToolButton*>(QStringLiteral("demoActivitySwitch"));
    }
    ui::ErrorBanner* banner() const { return console.window()->banner(); }
    Reply get(const std::string& target) const
    {
        HttpClient http("127.0.0.1", static_cast<std::uint16_t>(sandbox.baseUrl().port()));
        return http.call("GET", target, console.session()->tokenProvider()().toStdString());
    }
    // The titles of the user's tasks that Demo activity posted.
    QStringList sampleTitles() const
    {
        QStringList titles;
        const auto r = get("/api/agent/tasks?limit=100");
        if (r.status != 200)
            return {QStringLiteral("<GET /api/agent/tasks: %1>").arg(r.status)};
        const boost::json::value tasks = jsonPath(r.json(), "tasks");
        for (const auto& t : tasks.as_array()) {
            const QString title = QString::fromStdString(jsonText(t.at("title")));
            if (title.startsWith(ui::DemoSampleTasks::titlePrefix()))
                titles << title;
        }
        return titles;
    }

    SandboxHost sandbox;
    ui::Console console;
    FleetProcess fleet;
    ui::DemoActivityController demo;
};

bool processGone(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == -1 && errno == ESRCH;
}

int rowWhere(const QAbstractItemModel* model, int column, const std::function<bool(const QString&)>& match)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (match(model->index(r, column).data().toString()))
            return r;
    return -1;
}

} // namespace

class TestUiDemo : public QObject
{
    Q_OBJECT
private slots:
    void switchOnlyForTheSandbox();
    void missingProgramSaysWhatToDo();
    void fleetBringsTheSandboxToLife();
};

void TestUiDemo::switchOnlyForTheSandbox()
{
    // A remote server: no switch to be had.
    {
        ConsoleFixture f;
        QTemporaryDir dir;
        FleetProcess fleet(dir.path(), kAgent);
        ui::DemoActivityController demo(&f.console(), &fleet);
        f.signInAsNew("remote_user");
        auto* button = f.window().findChild<QToolButton*>(QStringLiteral("demoActivitySwitch"));
        QVERIFY(button);
        QVERIFY2(!button->isVisible(), "no Demo activity switch on a remote server");
        QVERIFY(!demo.toggleAction()->isEnabled());
        // Even triggered by other means it does nothing there.
        demo.toggleAction()->trigger();
        QTest::qWait(300);
        QVERIFY(!fleet.isRunning());
        QCOMPARE(fleet.processId(), 0);
    }
    // The sandbox: visible, enabled, named and explained.
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    models::MemorySecretStore secrets;
    SandboxConsole c(dir.path(), &settings, &secrets, kAgent);
    QVERIFY(c.open());
    QTRY_VERIFY(c.switchButton()->isVisible());
    QVERIFY(c.switchButton()->isEnabled());
    QVERIFY(c.switchButton()->isCheckable());
    QVERIFY2(!c.switchButton()->isChecked(), "off until the user turns it on");
    QCOMPARE(c.switchButton()->text(), QStringLiteral("Demo activity"));
    QCOMPARE(c.switchButton()->accessibleName(), QStringLiteral("Demo activity"));
    QCOMPARE(c.switchButton()->toolTip(),
             QStringLiteral("Simulated agents post tasks, bid and deliver in this sandbox"));
    QVERIFY(!c.fleet.isRunning());
}

void TestUiDemo::missingProgramSaysWhatToDo()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    models::MemorySecretStore secrets;
    const QString missing = dir.filePath(QStringLiteral("bin/taskdesk-agent"));
    SandboxConsole c(dir.path(), &settings, &secrets, missing);
    QVERIFY(c.open());
    QTRY_VERIFY(c.switchButton()->isVisible());
    QTest::mouseClick(c.switchButton(), Qt::LeftButton);
    QTRY_VERIFY(c.banner()->isVisible());
    const QString message = c.banner()->message();
    QVERIFY2(message.contains(QStringLiteral("taskdesk-agent")) && message.contains(missing) &&
                 message.contains(QStringLiteral("Reinstall TaskDesk")),
             qPrintable(message));
    QVERIFY2(!c.switchButton()->isChecked(), "the switch goes back off");
    QVERIFY(!c.fleet.isRunning());
    auto* state = c.console.window()->findChild<QLabel*>(QStringLiteral("demoActivityState"));
    QCOMPARE(state->text(), QStringLiteral("Demo activity stopped"));
    // Nothing was posted for agents that never came.
    QTest::qWait(500);
    QCOMPARE(c.sampleTitles(), QStringList());
    // And a restart does not try again on its own.
    bool on = true;
    for (const QString& key : settings.allKeys())
        if (key.endsWith(QLatin1String("/enabled")))
            on = settings.value(key).toBool();
    QVERIFY(!on);
}

void TestUiDemo::fleetBringsTheSandboxToLife()
{
    {
        QProcess help;
        help.start(kAgent, {QStringLiteral("--help")});
        QVERIFY(help.waitForFinished(10000));
        QVERIFY2(help.readAllStandardOutput().contains("run"),
                 "taskdesk-agent has a run command (the fleet)");
    }
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    models::MemorySecretStore secrets;
    qint64 restartedPid = 0;
    {
        SandboxConsole c(dir.path(), &settings, &secrets, kAgent);
        QVERIFY(c.open());
        QTRY_VERIFY(c.switchButton()->isVisible());
        ui::MainWindow* window = c.console.window();
        // What the user does to see new things: Refresh, now and then.
        QTimer refresher;
        refresher.setInterval(2000);
        auto* refresh = window->findChild<QAction*>(QStringLiteral("refreshAction"));
        QObject::connect(&refresher, &QTimer::timeout, refresh, &QAction::trigger);
        refresher.start();

        QElapsedTimer clock;
        clock.start();
        const auto left = [&clock] { return int(qMax<qint64>(1000, 60000 - clock.elapsed())); };
        QTest::mouseClick(c.switchButton(), Qt::LeftButton);
        QVERIFY(c.switchButton()->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(c.fleet.isRunning() && c.fleet.processId() > 0, 10000);
        const qint64 pid = c.fleet.processId();
        // The user had no task: two samples, posted from their account, and the UI says so.
        QTRY_COMPARE_WITH_TIMEOUT(c.sampleTitles().size(), 2, 15000);
        QTRY_VERIFY_WITH_TIMEOUT(c.banner()->message().contains(QStringLiteral("posted two sample tasks")),
                                 5000);
        QVERIFY(QFile::exists(c.fleet.seedFile()));

        // The Board fills with the simulated publishers' tasks.
        window->showView(QStringLiteral("boardView"));
        auto* table =
            window->view(QStringLiteral("boardView"))->findChild<QTableView*>(QStringLiteral("taskTable"));
        QVERIFY(table);
        const QString me = c.console.session()->current().handle();
        QTRY_VERIFY_WITH_TIMEOUT(
            rowWhere(table->model(), models::TaskListModel::Owner,
                     [&me](const QString& owner) { return !owner.isEmpty() && !owner.contains(me); }) >= 0,
            left());
        // A bid on the user's own bid-mode sample, shown in "My tasks".
        QTest::mouseClick(window->findChild<QToolButton*>(QStringLiteral("scopeMine")), Qt::LeftButton);
        const QString bidSample = ui::DemoSampleTasks::body(ui::DemoSampleTasks::Kind::Bid)
                                      .value(QLatin1String("title"))
                                      .toString();
        const auto bidsOnSample = [&] {
            const int row = rowWhere(table->model(), models::TaskListModel::Title,
                                     [&](const QString& t) { return t == bidSample; });
            return row < 0 ? 0 : table->model()->index(row, models::TaskListModel::Bids).data().toInt();
        };
        QTRY_VERIFY_WITH_TIMEOUT(bidsOnSample() >= 1, left());
        qInfo("a bid on the sample after %lld ms", clock.elapsed());
        // A delivery on the open-mode sample waits in Review.
        window->showView(QStringLiteral("reviewView"));
        auto* queue = window->findChild<QTableView*>(QStringLiteral("reviewQueueTable"));
        QVERIFY(queue);
        QTRY_VERIFY_WITH_TIMEOUT(queue->model()->rowCount() >= 1, left());
        qInfo("bids and a delivery after %lld ms", clock.elapsed());

        if (const QString shots = qEnvironmentVariable("TASKDESK_SCREENSHOT_DIR"); !shots.isEmpty()) {
            window->showView(QStringLiteral("boardView"));
            QTest::mouseClick(window->findChild<QToolButton*>(QStringLiteral("scopeMarketplace")),
                              Qt::LeftButton);
            QTest::qWait(1500);
            QDir().mkpath(shots);
            QVERIFY(window->grab().save(QDir(shots).filePath(QStringLiteral("demo-activity.png"))));
        }

        // Off: the process is gone, reaped, not merely asked.
        QTest::mouseClick(c.switchButton(), Qt::LeftButton);
        QVERIFY(!c.switchButton()->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(c.fleet.processId() == 0 && !c.fleet.isRunning(), 15000);
        QVERIFY2(processGone(pid), "no taskdesk-agent left behind");

        // On again: agents again, samples not again.
        QTest::mouseClick(c.switchButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(c.fleet.isRunning() && c.fleet.processId() > 0, 10000);
        QVERIFY(c.fleet.processId() != pid);
        QTest::qWait(3000);
        QTRY_VERIFY(!c.console.commands()->isBusy());
        QCOMPARE(c.sampleTitles().size(), 2);

        // Switching to a remote server stops the agents and hides the switch.
        const qint64 secondPid = c.fleet.processId();
        TestServer remote;
        remote.start();
        const auto member = remote.registerMember("elsewhere", {}, "human");
        models::AuthResult auth;
        auth.profileId = QString::fromStdString(member.id);
        auth.handle = QString::fromStdString(member.handle);
        auth.tokenValue = QString::fromStdString(member.token);
        c.console.session()->signIn(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(remote.port())), auth);
        QTRY_VERIFY_WITH_TIMEOUT(c.fleet.processId() == 0, 15000);
        QVERIFY(processGone(secondPid));
        QVERIFY(!c.switchButton()->isVisible());
        // Back to the sandbox: the switch is still on, so the agents come back.
        QString error;
        QVERIFY2(c.console.openSandbox(&error), qPrintable(error));
        QTRY_VERIFY(c.switchButton()->isVisible());
        QVERIFY(c.switchButton()->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(c.fleet.isRunning() && c.fleet.processId() > 0, 15000);
        restartedPid = c.fleet.processId();
    }
    // The console is gone: so is its fleet.
    QVERIFY2(processGone(restartedPid), "quitting the console stops the agents");

    // Next start on the same sandbox: the switch is on and the fleet runs again, no new samples.
    SandboxConsole c(dir.path(), &settings, &secrets, kAgent);
    QVERIFY(c.open());
    QTRY_VERIFY(c.switchButton()->isVisible());
    QVERIFY(c.switchButton()->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(c.fleet.isRunning() && c.fleet.processId() > 0, 15000);
    QTest::qWait(2000);
    QTRY_VERIFY(!c.console.commands()->isBusy());
    QCOMPARE(c.sampleTitles().size(), 2);
}

TASKDESK_UI_TEST_MAIN(TestUiDemo)

#include "tst_ui_demo.moc"
