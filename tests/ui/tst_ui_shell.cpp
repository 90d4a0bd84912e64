// The console's frame against a real in-process server: first start, connect
// dialog (create account and sign in), status bar figures, the notification
// bell, switching connections, and the command runner's error banner.
#include "ApiClient.h"
#include "ConnectDialog.h"
#include "ConsoleFixture.h"
#include "EntityJob.h"
#include "ErrorBanner.h"
#include "JsonJob.h"
#include "JsonPath.h"
#include "LiveUpdates.h"
#include "Session.h"
#include "TaskJobs.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QToolButton>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

json::object taskBody(const std::string& title, double budget)
{
    json::object t;
    t["title"] = title;
    t["description"] = "Write a short summary of the attached report.";
    t["budgetAmount"] = budget;
    t["budgetCurrency"] = "CREDITS";
    return t;
}

} // namespace

class TestUiShell : public QObject
{
    Q_OBJECT
private slots:
    void firstStartOffersWelcomeThenCreatesAccount();
    void connectDialogShowsServerErrorsAndKeepsInput();
    void connectDialogGivesSupportStaffTheDesk();
    void statusBarShowsWalletFromApi();
    void bellCountsUnreadNotifications();
    void switchingConnectionsResetsViews();
    void failedCommandOffersRetryWithSameKey();
    void failureShownByItsFormIsNotRepeatedInTheBanner();
};

void TestUiShell::firstStartOffersWelcomeThenCreatesAccount()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    f.console().start();
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("welcomeDialog")));
    auto* sandbox = f.find<QRadioButton>(QStringLiteral("choiceSandbox"));
    QVERIFY(sandbox);
    QVERIFY2(!sandbox->isEnabled(), "no sandbox was given, so it cannot be chosen");
    QVERIFY(f.find<QRadioButton>(QStringLiteral("choiceConnect"))->isChecked());
    f.screenshot(QStringLiteral("welcome"), f.find<QDialog>(QStringLiteral("welcomeDialog")));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("welcomeContinue")), Qt::LeftButton);

    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("connectDialog")));
    auto* dialog = f.find<ui::ConnectDialog>(QStringLiteral("connectDialog"));
    f.find<QRadioButton>(QStringLiteral("modeCreate"))->click();
    auto* ok = f.find<QPushButton>(QStringLiteral("connectButton"));
    QVERIFY2(!ok->isEnabled(), "nothing typed yet");
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("serverUrl")),
                     QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("email")), QStringLiteral("ada@example.com"));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("password")), QStringLiteral("short"));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("handle")), QStringLiteral("ada"));
    QVERIFY2(!ok->isEnabled(), "a 5-character password is refused before sending");
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("password")), QStringLiteral(" enough now"));
    QVERIFY(ok->isEnabled());
    f.screenshot(QStringLiteral("connect"), dialog);
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(f.console().session()->hasToken(), 10000);
    QCOMPARE(f.console().session()->current().handle(), QStringLiteral("ada"));
    auto* state = f.find<QLabel>(QStringLiteral("connectionState"));
    QTRY_VERIFY(state->text().contains(QStringLiteral("@ada")));
    QTRY_VERIFY(f.find<QLabel>(QStringLiteral("balanceLabel"))->text().contains(QStringLiteral("1,000.00")));
    // The password is not kept by the dialog once it is done.
    QTRY_VERIFY(!f.find<QDialog>(QStringLiteral("connectDialog")) ||
                f.find<QLineEdit>(QStringLiteral("password"))->text().isEmpty());
}

void TestUiShell::connectDialogShowsServerErrorsAndKeepsInput()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    server.registerMember("grace");
    f.window().show();
    ui::ConnectDialog* dialog = f.console().showConnectDialog();
    QVERIFY(dialog);
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("serverUrl")),
                     QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("email")), QStringLiteral("grace@example.com"));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("password")), QStringLiteral("wrong password"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    auto* banner = dialog->findChild<ui::ErrorBanner*>(QStringLiteral("errorBanner"));
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->message().contains(QStringLiteral("Email or password is wrong")),
             qPrintable(banner->message()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(f.find<QLineEdit>(QStringLiteral("email"))->text(), QStringLiteral("grace@example.com"));
    QVERIFY(!f.console().session()->hasToken());

    // Nothing listens on this port: a network error that names the server.
    f.find<QLineEdit>(QStringLiteral("serverUrl"))->setText(QStringLiteral("http://127.0.0.1:1"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible() && banner->message().contains(QStringLiteral("127.0.0.1")),
                             20000);

    f.find<QLineEdit>(QStringLiteral("serverUrl"))->setText(QStringLiteral("ftp://example.org"));
    QVERIFY(!f.find<QPushButton>(QStringLiteral("connectButton"))->isEnabled());
    f.find<QLineEdit>(QStringLiteral("serverUrl"))->setText(QStringLiteral("http://tasks.example.org"));
    QVERIFY2(f.find<QLabel>(QStringLiteral("connectWarning"))->isVisibleTo(dialog),
             "plain http to another machine is called out");
}

namespace {
// Signs in through "Connect to a server..." as handle@example.com (TestServer's password).
void connectThroughDialog(ConsoleFixture& f, const QString& handle)
{
    ui::ConnectDialog* dialog = f.console().showConnectDialog();
    QVERIFY(dialog);
    f.find<QLineEdit>(QStringLiteral("serverUrl"))
        ->setText(QStringLiteral("http://127.0.0.1:%1").arg(f.server().port()));
    f.find<QLineEdit>(QStringLiteral("email"))->setText(handle + QStringLiteral("@example.com"));
    f.find<QLineEdit>(QStringLiteral("password"))->setText(QStringLiteral("correct horse battery"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("connectButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        f.console().session()->hasToken() && f.console().session()->current().handle() == handle, 10000);
}

QListWidgetItem* navItem(ConsoleFixture& f, const QString& viewName)
{
    auto* nav = f.find<QListWidget>(QStringLiteral("navigation"));
    for (int i = 0; nav && i < nav->count(); ++i)
        if (nav->item(i)->data(Qt::UserRole).toString() == viewName)
            return nav->item(i);
    return nullptr;
}
} // namespace

// Login's default token has no staff scope: a support profile connecting through the dialog
// must still get a token the desk accepts, and the first, narrower token must be revoked.
void TestUiShell::connectDialogGivesSupportStaffTheDesk()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    server.registerMember("plainpam");
    server.registerMember("staffsam");
    server.grantRole("staffsam", "support");
    f.window().show();
    // The console's tokens as the server lists them, seen through a probe token of our own.
    auto consoleTokens = [&f](const std::string& handle) {
        const auto login = f.call("POST", "/api/agent/login", {},
                                  json::object{{"email", handle + "@example.com"},
                                               {"password", "correct horse battery"},
                                               {"tokenName", "probe"}});
        json::array out;
        if (login.status != 200)
            return out;
        const json::value loginJson = login.json();
        const std::string probe = jsonText(jsonPath(loginJson, "tokenValue"));
        const auto r = f.call("GET", "/api/agent/me/tokens", probe);
        const json::value listed = jsonPath(r.json(), "tokens");
        for (const auto& t : listed.as_array())
            if (jsonText(t.at("name")) == "TaskDesk console")
                out.push_back(t);
        return out;
    };
    auto hasScope = [](const json::value& token, const std::string& scope) {
        for (const auto& sc : token.at("scopes").as_array())
            if (jsonText(sc) == scope)
                return true;
        return false;
    };

    connectThroughDialog(f, QStringLiteral("plainpam"));
    QListWidgetItem* item = navItem(f, QStringLiteral("disputesView"));
    QVERIFY(item);
    QVERIFY(item->isHidden());
    auto tokens = consoleTokens("plainpam");
    QCOMPARE(tokens.size(), std::size_t(1));
    QVERIFY2(!hasScope(tokens[0], "support:read"), "a normal profile gets no staff scope");

    connectThroughDialog(f, QStringLiteral("staffsam"));
    QTRY_VERIFY(!item->isHidden());
    f.show(QStringLiteral("disputesView"));
    // The queue loads with the console's token (a 403 would say "Could not load the queue").
    QTRY_COMPARE_WITH_TIMEOUT(f.find<QLabel>(QStringLiteral("disputeListState"))->text(),
                              QStringLiteral("No disputes here."), 10000);
    // One console token is left, the staff one: the first sign-in token was revoked.
    tokens = consoleTokens("staffsam");
    QCOMPARE(tokens.size(), std::size_t(1));
    QVERIFY(hasScope(tokens[0], "support:write"));
    QVERIFY(hasScope(tokens[0], "tasks:read"));
}

void TestUiShell::statusBarShowsWalletFromApi()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("linus");
    auto r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Escrow me", 125.5));
    QCOMPARE(r.status, 201);
    f.window().refreshBalance();
    const auto wallet = f.call("GET", "/api/agent/wallet", me.token).json();
    QCOMPARE(jsonPath(wallet, "wallet.available").to_number<double>(), 874.5);
    QTRY_COMPARE(f.window().balance().availableCents, qint64(87450));
    QTRY_VERIFY(f.find<QLabel>(QStringLiteral("balanceLabel"))->text().contains(QStringLiteral("874.50")));
    QCOMPARE(f.window().balance().escrowCents, qint64(12550));
}

void TestUiShell::bellCountsUnreadNotifications()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto me = f.signInAsNew("margaret");
    const auto bidder = server.registerMember("bidder");
    auto r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Needs a bid", 50));
    const std::string taskId = jsonText(jsonPath(r.json(), "task.id"));
    json::object bid;
    bid["proposedAmount"] = 40;
    bid["etaDays"] = 2;
    bid["approach"] = "I will do it carefully.";
    QCOMPARE(f.call("POST", "/api/agent/tasks/" + taskId + "/bids", bidder.token, bid).status, 201);
    auto* bell = f.find<QToolButton>(QStringLiteral("notificationBell"));
    QTRY_VERIFY_WITH_TIMEOUT(bell->property("unreadCount").toInt() >= 1, 10000);
    QVERIFY(bell->text().contains(QStringLiteral("unread")));
    QTest::mouseClick(bell, Qt::LeftButton);
    QCOMPARE(f.window().currentView()->objectName(), QStringLiteral("activityView"));
}

void TestUiShell::switchingConnectionsResetsViews()
{
    ConsoleFixture f;
    const auto first = f.signInAsNew("first");
    const auto second = f.signInAsNew("second");
    auto* switcher = f.find<QComboBox>(QStringLiteral("profileSwitcher"));
    QVERIFY(switcher->count() >= 3); // two profiles and "Connect to a server..."
    QCOMPARE(f.console().session()->current().handle(), QStringLiteral("second"));
    int firstIndex = -1;
    for (int i = 0; i < switcher->count(); ++i)
        if (switcher->itemText(i).startsWith(QStringLiteral("first")))
            firstIndex = i;
    QVERIFY(firstIndex >= 0);
    QSignalSpy ready(f.console().session(), &models::Session::tokenReady);
    switcher->setCurrentIndex(firstIndex);
    emit switcher->activated(firstIndex);
    QTRY_COMPARE(f.console().session()->current().handle(), QStringLiteral("first"));
    QTRY_VERIFY(!ready.isEmpty());
    QTRY_VERIFY(f.find<QLabel>(QStringLiteral("connectionState"))->text().contains(QStringLiteral("@first")));
}

void TestUiShell::failedCommandOffersRetryWithSameKey()
{
    ConsoleFixture f;
    FlakyProxy& proxy = f.useProxy();
    const auto me = f.signInAsNew("hopper");
    models::ApiClient* client = f.console().client();
    // The request reaches the server and runs, then the connection drops
    // before the answer: to the console that is a network error. Qt resends
    // a request once by itself when the connection closes before any answer,
    // so the proxy drops two.
    client->setRetryPolicy({1, std::chrono::milliseconds(10), std::chrono::milliseconds(10)});
    proxy.planOnlyFor("POST");
    proxy.plan({FlakyProxy::Action::DropAfterForward, FlakyProxy::Action::DropAfterForward});
    QJsonObject task{{QStringLiteral("title"), QStringLiteral("Posted once")},
                     {QStringLiteral("description"), QStringLiteral("Only one of me may exist.")},
                     {QStringLiteral("budgetAmount"), 10}};
    QPointer<ui::ApiCommand> command = new ui::ApiCommand(
        QStringLiteral("Post task"), [client, task] { return client->tasks().post(task); });
    QSignalSpy succeeded(command.data(), &ui::Command::succeeded);
    f.console().commands()->run(command);
    auto* banner = f.window().findChild<ui::ErrorBanner*>(QStringLiteral("errorBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY2(banner->message().startsWith(QStringLiteral("Post task failed")), qPrintable(banner->message()));
    QVERIFY2(banner->isRetryOffered(), "a network failure can be retried");
    QVERIFY(succeeded.isEmpty());
    f.screenshot(QStringLiteral("error-banner"));

    QTest::mouseClick(banner->findChild<QPushButton*>(QStringLiteral("errorRetry")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!succeeded.isEmpty(), 10000);
    const auto posts = proxy.seenFor("POST", "/api/agent/tasks");
    QVERIFY(posts.size() >= 3);
    QVERIFY(!posts[0].idempotencyKey.isEmpty());
    for (const auto& post : posts)
        QCOMPARE(post.idempotencyKey, posts[0].idempotencyKey);
    const auto mine = f.call("GET", "/api/agent/tasks", me.token).obj();
    QCOMPARE(mine.at("tasks").as_array().size(), std::size_t(1));
    QTRY_VERIFY(command.isNull()); // the runner let go of it once it succeeded
}

void TestUiShell::failureShownByItsFormIsNotRepeatedInTheBanner()
{
    ConsoleFixture f;
    f.signInAsNew("lovelace");
    models::ApiClient* client = f.console().client();
    // A task without a title: the server refuses it with a field reason.
    const QJsonObject task{{QStringLiteral("description"), QStringLiteral("No title")},
                           {QStringLiteral("budgetAmount"), 10}};
    auto* inForm = new ui::ApiCommand(
        QStringLiteral("Post task"), [client, task] { return client->tasks().post(task); }, &f.window());
    inForm->setFailureShownByCaller(true);
    QSignalSpy failed(inForm, &ui::Command::failed);
    f.console().commands()->run(inForm);
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
    QVERIFY2(failed.first().first().toString().contains(QStringLiteral("title")),
             qPrintable(failed.first().first().toString()));
    auto* banner = f.window().findChild<ui::ErrorBanner*>(QStringLiteral("errorBanner"));
    QTest::qWait(100);
    QVERIFY2(!banner->isVisible(), "the form shows it; the banner does not repeat it");

    // The same failure from a command nobody shows goes to the banner, without "Try again" (a 400 will not
    // change).
    auto* plain = new ui::ApiCommand(QStringLiteral("Post task"),
                                     [client, task] { return client->tasks().post(task); });
    f.console().commands()->run(plain);
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY(!banner->isRetryOffered());
}

TASKDESK_UI_TEST_MAIN(TestUiShell)
#include "tst_ui_shell.moc"
