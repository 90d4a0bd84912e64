// A protected payload, end to end: the console (offscreen, driven through its
// widgets) creates its keystore in the Keys view and posts a task with
// protected fields from the Post Task dialog; an agent registered over HTTP
// bids and is hired; the REAL taskdesk-agent binary then runs protected-open
// and waits while the publisher grants its request from the Keys view. The
// agent must print exactly the typed fields, and the server's database files
// must never hold the plaintext.
#include "KeysHelpers.h"

#include <QJsonDocument>
#include <QLabel>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace taskdesk::test;
using namespace taskdesk;

namespace {

const QString kPassphrase = QStringLiteral("correct horse battery staple 42");

} // namespace

class TestE2eProtected : public QObject
{
    Q_OBJECT
private slots:
    void agentBinaryOpensWhatTheConsoleGranted();
    void keystoreFollowsTheDataDir();
};

void TestE2eProtected::agentBinaryOpensWhatTheConsoleGranted()
{
    ConsoleFixture f;
    const auto owner = f.signInAsNew("e2epublisher");
    QVERIFY(createKeystoreInView(f, kPassphrase));
    QVERIFY(waitForKeysRegistered(f));

    // Values that would be unmistakable in any file: a marker and non-ASCII text.
    const QString apiKey = QStringLiteral("sk-e2e-4b1d-PLAINTEXT-MARKER-NEVER-STORED");
    const QString dbPassword = QStringLiteral("s\u00fcper s3cret \u00e9t\u00e9 E2E-MARKER");
    QString why;
    const QString taskId = postProtectedTask(
        f, QStringLiteral("Export with protected credentials"),
        {{QStringLiteral("apiKey"), apiKey}, {QStringLiteral("dbPassword"), dbPassword}}, &why);
    QVERIFY2(!taskId.isEmpty(), qPrintable(why));

    const auto agent = f.server().registerMember("e2eopener");
    QCOMPARE(hireAgent(f, owner, agent, taskId.toStdString()), std::string());

    // The agent program, as its user runs it: token in a private file, its own key folder,
    // the keystore passphrase from the environment.
    QTemporaryDir agentHome;
    QVERIFY(agentHome.isValid());
    const QString tokenFile = agentHome.filePath(QStringLiteral("agent.token"));
    {
        QFile file(tokenFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        file.write(QByteArray::fromStdString(agent.token) + '\n');
    }
    auto env = QProcessEnvironment::systemEnvironment();
    for (const char* v : {"TASKDESK_AGENT_TOKEN", "TASKDESK_BUNDLE_PASSPHRASE"})
        env.remove(QString::fromLatin1(v));
    env.insert(QStringLiteral("TASKDESK_AGENT_PASSPHRASE"), QStringLiteral("agent keystore passphrase 7"));
    QProcess process;
    process.setProcessEnvironment(env);
    // Everything the agent says on stderr, kept whole (the checks below read it more than once).
    const QString errFile = agentHome.filePath(QStringLiteral("agent.err"));
    process.setStandardErrorFile(errFile);
    auto agentErr = [&errFile] {
        QFile file(errFile);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    };
    process.start(QStringLiteral(TASKDESK_AGENT_BINARY),
                  {QStringLiteral("protected-open"), QStringLiteral("--server"),
                   QStringLiteral("http://127.0.0.1:%1").arg(f.server().port()),
                   QStringLiteral("--token-file"), tokenFile, QStringLiteral("--task"), taskId,
                   QStringLiteral("--keystore"), agentHome.filePath(QStringLiteral("keys")),
                   QStringLiteral("--wait"), QStringLiteral("120"), QStringLiteral("--poll-interval"),
                   QStringLiteral("200")});
    QVERIFY2(process.waitForStarted(10000), "taskdesk-agent did not start");
    // Whatever happens below, the agent does not outlive the test.
    struct Reaper
    {
        QProcess& p;
        ~Reaper()
        {
            if (p.state() != QProcess::NotRunning) {
                p.kill();
                p.waitForFinished(5000);
            }
        }
    } reaper{process};

    // The agent's request shows in the Keys view (live updates); the publisher grants it there.
    f.show(QStringLiteral("keysView"));
    QTRY_VERIFY2_WITH_TIMEOUT(statusOf(f, agent.id) == QLatin1String("pending") ||
                                  process.state() == QProcess::NotRunning,
                              qPrintable(agentErr()), 60000);
    QVERIFY2(process.state() != QProcess::NotRunning,
             qPrintable(
                 QStringLiteral("the agent exited early (%1): %2").arg(process.exitCode()).arg(agentErr())));
    QVERIFY(selectRequestOf(f, agent.id));
    // The fingerprint the console shows is the one the agent printed for its own key.
    const QString detail = f.find<QLabel>(QStringLiteral("accessRequestDetail"))->text();
    const auto fingerprintAt = detail.indexOf(QStringLiteral("Key fingerprint: "));
    QVERIFY2(fingerprintAt >= 0, qPrintable(detail));
    const QString fingerprint = detail.mid(fingerprintAt + 17, 39);
    QVERIFY2(agentErr().contains(QStringLiteral("Agent key fingerprint: ") + fingerprint),
             qPrintable(agentErr()));
    auto* grant = f.find<QPushButton>(QStringLiteral("grantAccessButton"));
    QVERIFY(grant && grant->isEnabled());
    QTest::mouseClick(grant, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(f, agent.id) == QLatin1String("granted"), 30000);

    // The agent sees the grant on its next poll, opens the bundle and exits 0.
    QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, 90000);
    const QByteArray out = process.readAllStandardOutput();
    const QString err = agentErr();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, qPrintable(err));
    // Exactly one JSON object on one line, holding exactly the typed fields.
    QVERIFY2(out.endsWith('\n') && out.count('\n') == 1, out.constData());
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(out, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError && doc.isObject(), out.constData());
    const QJsonObject expected{{QStringLiteral("apiKey"), apiKey},
                               {QStringLiteral("dbPassword"), dbPassword}};
    QCOMPARE(doc.object(), expected);
    // A signed grant from a registered key: no warning about an unsigned one, and no secret on stderr.
    QVERIFY2(!err.contains(QLatin1String("no signing key")), qPrintable(err));
    QVERIFY(!err.contains(apiKey) && !err.contains(QStringLiteral("E2E-MARKER")));
    QVERIFY(!err.contains(QString::fromStdString(agent.token)));

    // The server's database files never held the plaintext (nor the payload key).
    const QByteArray db = databaseBytes(f);
    QVERIFY(db.size() > 0);
    QVERIFY(!db.contains(apiKey.toUtf8()));
    QVERIFY(!db.contains(dbPassword.toUtf8()));
    QVERIFY(!db.contains(QByteArray("E2E-MARKER")));
    const auto key = f.console().keyVault()->payloadKey(taskId);
    QVERIFY(key && key->size() == 32);
    QVERIFY(!db.contains(QByteArray(key->constChar(), 32)));
    QVERIFY(!db.contains(key->toBase64()));
}

// taskdesk --data-dir DIR puts the keystore in DIR/keys; without it the path is the one it always was.
void TestE2eProtected::keystoreFollowsTheDataDir()
{
    QCOMPARE(ui::Console::keystorePathIn(QStringLiteral("/srv/td/second")),
             QStringLiteral("/srv/td/second/keys/keystore.tdks"));
    QCOMPARE(ui::Console::defaultKeystorePath(),
             QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                 QStringLiteral("/keys/keystore.tdks"));
}

TASKDESK_UI_TEST_MAIN(TestE2eProtected)
#include "tst_e2e_protected.moc"
