// The local sandbox as a new user meets it: the welcome dialog offers it
// pre-selected, Continue starts the platform inside the console on 127.0.0.1
// and signs the local operator in (support role). A second start reuses the
// same database and operator, and the previous start's token stops working.
#include "Console.h"
#include "HttpClient.h"
#include "JsonPath.h"
#include "LiveUpdates.h"
#include "MainWindow.h"
#include "MemorySecretStore.h"
#include "SandboxHost.h"
#include "Session.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace taskdesk;

class TestUiSandbox : public QObject
{
    Q_OBJECT
private slots:
    void firstStartOpensSandboxAsOperator();
};

namespace {

template <class T> T* findVisible(const QString& name)
{
    for (QWidget* top : QApplication::topLevelWidgets())
        if (top->isVisible())
            if (auto* w = top->findChild<T*>(name))
                return w;
    return nullptr;
}

test::Reply get(const QUrl& base, const std::string& target, const QString& token)
{
    test::HttpClient http("127.0.0.1", static_cast<std::uint16_t>(base.port()));
    return http.call("GET", target, token.toStdString());
}

} // namespace

void TestUiSandbox::firstStartOpensSandboxAsOperator()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    models::MemorySecretStore secrets;
    QString firstToken;
    QUrl firstUrl;
    {
        SandboxHost sandbox(dir.filePath(QStringLiteral("sandbox")));
        ui::Console console(&settings, &secrets, &sandbox);
        console.start();
        QTRY_VERIFY(findVisible<QRadioButton>(QStringLiteral("choiceSandbox")));
        auto* choice = findVisible<QRadioButton>(QStringLiteral("choiceSandbox"));
        QVERIFY(choice->isEnabled());
        QVERIFY2(choice->isChecked(), "the sandbox is the pre-selected choice");
        QTest::mouseClick(findVisible<QPushButton>(QStringLiteral("welcomeContinue")), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(console.session()->hasToken(), 20000);
        const auto& profile = console.session()->current();
        QCOMPARE(profile.handle(), QStringLiteral("operator"));
        QVERIFY(profile.roles().contains(QStringLiteral("support")));
        QCOMPARE(profile.baseUrl().host(), QStringLiteral("127.0.0.1"));
        QVERIFY2(!console.session()->tokenPersisted(), "the sandbox token is never written to a keychain");
        QCOMPARE(secrets.size(), 0);
        auto* balance = console.window()->findChild<QLabel*>(QStringLiteral("balanceLabel"));
        QTRY_VERIFY_WITH_TIMEOUT(balance->text().contains(QStringLiteral("1,000.00")), 10000);
        firstUrl = profile.baseUrl();
        firstToken = console.session()->tokenProvider()();
        QCOMPARE(get(firstUrl, "/api/agent/me", firstToken).status, 200);
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("sandbox/sandbox.sqlite"))));
    }
    // Next start: the console goes straight to the sandbox (the last connection).
    SandboxHost sandbox(dir.filePath(QStringLiteral("sandbox")));
    ui::Console console(&settings, &secrets, &sandbox);
    console.start();
    QTRY_VERIFY_WITH_TIMEOUT(console.session()->hasToken(), 20000);
    QVERIFY2(!findVisible<QRadioButton>(QStringLiteral("choiceSandbox")),
             "no welcome dialog the second time");
    const QUrl url = console.session()->current().baseUrl();
    const QString token = console.session()->tokenProvider()();
    QVERIFY(token != firstToken);
    const auto me = get(url, "/api/agent/me", token);
    QCOMPARE(me.status, 200);
    QCOMPARE(test::jsonPath(me.json(), "profile.handle").as_string(), "operator");
    QCOMPARE(get(url, "/api/agent/me", firstToken).status, 401);
    QCOMPARE(console.session()->profiles().size(), 1);
}

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    TestUiSandbox tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&tc, argc, argv);
}

#include "tst_ui_sandbox.moc"
