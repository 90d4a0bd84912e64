#pragma once

#include "Console.h"
#include "FlakyProxy.h"
#include "MainWindow.h"
#include "MemorySecretStore.h"
#include "TestServer.h"
#include "View.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QJsonObject>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace taskdesk::test {

// The console as a user meets it, for UI tests: a real Console (MainWindow,
// client, session, live updates) with an in-memory secret store and settings
// in a temporary file, pointed at a TestServer. The other side of the
// marketplace is played over HTTP with the server's client().
class ConsoleFixture
{
public:
    // Starts a fresh server (SQLite) and makes the console, not yet signed in.
    ConsoleFixture();
    ~ConsoleFixture();

    TestServer& server() { return m_server; }
    // The console's address for the server (the proxy's, once useProxy()).
    QUrl serverUrl() const;
    // Puts a FlakyProxy between the console and the server for later sign-ins.
    FlakyProxy& useProxy();
    ui::Console& console() { return *m_console; }
    // The console's settings (a temporary file for this test).
    QSettings& settings() { return *m_settings; }
    ui::MainWindow& window() { return *m_console->window(); }

    // Registers a member over HTTP and signs the console in as them, shows the
    // window and waits until the first balance is on screen.
    TestServer::Member signInAsNew(const std::string& handle, const std::vector<std::string>& skills = {});
    void signIn(const TestServer::Member& member);
    // The same with the roles the profile holds (the console shows staff views by role).
    void signIn(const TestServer::Member& member, const QStringList& roles);
    // Registers a member over HTTP, gives them the support role (as `admin
    // grant-role` does), logs in for a token that also carries the staff
    // scopes and signs the console in with it. The returned token is that one.
    TestServer::Member signInAsSupport(const std::string& handle);

    // The widget named objectName inside the window (or dialogs it opened);
    // nullptr when there is none.
    template <class T> T* find(const QString& objectName) const
    {
        if (auto* w = m_console->window()->findChild<T*>(objectName))
            return w;
        for (QWidget* top : QApplication::topLevelWidgets())
            if (top->isVisible())
                if (auto* w = top->findChild<T*>(objectName))
                    return w;
        return nullptr;
    }
    // Brings the view forward and returns it.
    ui::View* show(const QString& viewName);

    // Saves a PNG of the widget (the window by default) as <name>.png in
    // TASKDESK_SCREENSHOT_DIR, when that is set. Returns the file, or empty.
    QString screenshot(const QString& name, QWidget* widget = nullptr);

    // Convenience for the scripted other side: a JSON call with a token.
    Reply call(const std::string& method, const std::string& target, const std::string& token,
               const boost::json::value& body = nullptr);

private:
    TestServer m_server;
    std::unique_ptr<FlakyProxy> m_proxy;
    QTemporaryDir m_dir;
    std::unique_ptr<QSettings> m_settings;
    std::unique_ptr<models::MemorySecretStore> m_secrets;
    std::unique_ptr<ui::Console> m_console;
};

// Waits (event loop running) until model has at least rows rows.
bool waitForRows(QAbstractItemModel* model, int rows, int timeoutMs = 10000);
// The displayed texts of one column.
QStringList columnTexts(const QAbstractItemModel* model, int column);

// A Qt Test main with a QApplication (widgets), offscreen unless told otherwise.
#define TASKDESK_UI_TEST_MAIN(TestObject)                                                                    \
    int main(int argc, char** argv)                                                                          \
    {                                                                                                        \
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))                                                  \
            qputenv("QT_QPA_PLATFORM", "offscreen");                                                         \
        QApplication app(argc, argv);                                                                        \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                             \
        TestObject tc;                                                                                       \
        QTEST_SET_MAIN_SOURCE_PATH                                                                           \
        return QTest::qExec(&tc, argc, argv);                                                                \
    }

} // namespace taskdesk::test
