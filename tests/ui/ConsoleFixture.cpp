#include "ConsoleFixture.h"

#include "KeyVault.h"
#include "LiveUpdates.h"
#include "Scopes.h"
#include "Session.h"

#include <QDir>
#include <QSignalSpy>
#include <QUrl>

namespace taskdesk::test {

ConsoleFixture::ConsoleFixture()
{
    m_server.start();
    m_settings =
        std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("console.ini")), QSettings::IniFormat);
    m_secrets = std::make_unique<models::MemorySecretStore>();
    m_console = std::make_unique<ui::Console>(m_settings.get(), m_secrets.get(), nullptr);
    // Quick live updates so tests do not wait for the 15 s production poll.
    m_console->live()->setPollInterval(std::chrono::milliseconds(300));
    m_console->live()->setEventsWait(2);
    // The keystore in the test's own folder (never the user's), with the fast
    // KDF parameters: tests create and unlock it many times.
    crypto::Keystore::Options keystore;
    keystore.kdf = crypto::Keystore::KdfStrength::Interactive;
    m_console->keyVault()->setFilePath(m_dir.filePath(QStringLiteral("keys/keystore.tdks")), keystore);
}

ConsoleFixture::~ConsoleFixture()
{
    m_console.reset();
}

TestServer::Member ConsoleFixture::signInAsNew(const std::string& handle,
                                               const std::vector<std::string>& skills)
{
    TestServer::Member m = m_server.registerMember(handle, skills, "human");
    signIn(m);
    return m;
}

void ConsoleFixture::signIn(const TestServer::Member& member)
{
    signIn(member, {});
}

TestServer::Member ConsoleFixture::signInAsSupport(const std::string& handle)
{
    TestServer::Member m = m_server.registerMember(handle, {}, "human");
    m_server.grantRole(handle, "support");
    boost::json::array scopes;
    for (const auto& s : domain::Scopes::standard())
        scopes.emplace_back(s);
    for (const auto& s : domain::Scopes::staff())
        scopes.emplace_back(s);
    const Reply r = m_server.client().call("POST", "/api/agent/login", "",
                                           boost::json::object{{"email", m.email},
                                                               {"password", "correct horse battery"},
                                                               {"tokenScopes", scopes}});
    if (r.status != 200)
        throw std::runtime_error("support login failed: " + std::to_string(r.status) + " " + r.body);
    m.token = std::string(r.obj().at("tokenValue").as_string());
    signIn(m, {QStringLiteral("support")});
    return m;
}

void ConsoleFixture::signIn(const TestServer::Member& member, const QStringList& roles)
{
    models::AuthResult auth;
    auth.roles = roles;
    auth.profileId = QString::fromStdString(member.id);
    auth.handle = QString::fromStdString(member.handle);
    auth.tokenValue = QString::fromStdString(member.token);
    const QUrl url = serverUrl();
    window().show();
    QSignalSpy ready(m_console->session(), &models::Session::tokenReady);
    m_console->session()->signIn(url, auth);
    if (ready.isEmpty())
        ready.wait(5000);
    QTRY_VERIFY_WITH_TIMEOUT(window().balance().currency.size() > 0, 10000);
}

QUrl ConsoleFixture::serverUrl() const
{
    const int port = m_proxy ? m_proxy->port() : m_server.port();
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

FlakyProxy& ConsoleFixture::useProxy()
{
    if (!m_proxy)
        m_proxy = std::make_unique<FlakyProxy>(m_server.port());
    return *m_proxy;
}

ui::View* ConsoleFixture::show(const QString& viewName)
{
    window().showView(viewName);
    return window().view(viewName);
}

QString ConsoleFixture::screenshot(const QString& name, QWidget* widget)
{
    const QString dir = qEnvironmentVariable("TASKDESK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return {};
    QDir().mkpath(dir);
    QWidget* w = widget ? widget : &window();
    QCoreApplication::processEvents();
    const QString file = QDir(dir).filePath(name + QStringLiteral(".png"));
    if (!w->grab().save(file))
        return {};
    return file;
}

Reply ConsoleFixture::call(const std::string& method, const std::string& target, const std::string& token,
                           const boost::json::value& body)
{
    return m_server.client().call(method, target, token, body);
}

bool waitForRows(QAbstractItemModel* model, int rows, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (model->rowCount() < rows && t.elapsed() < timeoutMs)
        QTest::qWait(20);
    return model->rowCount() >= rows;
}

QStringList columnTexts(const QAbstractItemModel* model, int column)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, column).data().toString();
    return out;
}

} // namespace taskdesk::test
