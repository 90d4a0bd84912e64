// The Keys view and protected fields in Post Task, against a real in-process
// server: the keystore is created, locked and unlocked through the view (a
// wrong passphrase and a damaged file say different things, and nothing is
// overwritten); a task posted with protected fields reaches the server as
// ciphertext only while its key lands in the keystore; an agent driven over
// HTTP requests access, the request shows in the view, the publisher grants
// it, and the agent opens the bundle with the crypto library to exactly the
// typed values; a denial needs a reason and leaves the agent with nothing.
#include "AccessRequestListModel.h"
#include "Base64.h"
#include "GrantSignature.h"
#include "KeysHelpers.h"
#include "PayloadCipher.h"
#include "PayloadKeyListModel.h"
#include "SealedBox.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QTableView>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

const QString kPassphrase = QStringLiteral("correct horse battery staple 42");

QString label(ConsoleFixture& f, const char* name)
{
    auto* l = f.find<QLabel>(QLatin1String(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

} // namespace

class TestUiKeys : public QObject
{
    Q_OBJECT
private slots:
    void createLockUnlockThroughTheView();
    void damagedKeystoreIsNotWrongPassphrase();
    void passphraseStrengthHint();
    void protectedTaskGrantAndDeny();
    void postNeedsAnUnlockedKeystore();
};

void TestUiKeys::createLockUnlockThroughTheView()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("keyholder");
    f.show(QStringLiteral("keysView"));
    models::KeyVault* vault = f.console().keyVault();
    QVERIFY(!vault->exists());
    QVERIFY(label(f, "keystoreLockedText").contains(QStringLiteral("Create it")));
    QVERIFY(f.find<QPushButton>(QStringLiteral("createKeystoreButton"))->isVisible());

    // Create: the two passphrases must agree before the button works.
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("createKeystoreButton")), Qt::LeftButton);
    ui::KeystoreDialog* dialog = waitForKeystoreDialog(f);
    QVERIFY(dialog);
    auto* ok = dialog->findChild<QPushButton*>(QStringLiteral("keystoreOkButton"));
    auto* pass = dialog->findChild<QLineEdit*>(QStringLiteral("passphraseEdit"));
    auto* again = dialog->findChild<QLineEdit*>(QStringLiteral("passphraseConfirmEdit"));
    QCOMPARE(pass->echoMode(), QLineEdit::Password);
    QTest::keyClicks(pass, kPassphrase);
    QTest::keyClicks(again, kPassphrase + QStringLiteral("x"));
    QVERIFY(!ok->isEnabled());
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("keystoreHint"))->text(),
             QStringLiteral("The two passphrases differ."));
    again->clear();
    QTest::keyClicks(again, kPassphrase);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QVERIFY2(pass->text().isEmpty() && again->text().isEmpty(), "the typed passphrase leaves the widgets");
    QTRY_VERIFY_WITH_TIMEOUT(vault->isUnlocked(), 20000);
    QTRY_VERIFY(!f.find<ui::KeystoreDialog>(QStringLiteral("keystoreDialog")));
    QVERIFY(QFile::exists(vault->filePath()));
    QCOMPARE(QFile(vault->filePath()).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
    QVERIFY(label(f, "keystoreState").startsWith(QStringLiteral("Keystore unlocked")));

    // The console's signing and encryption keys are registered on the profile.
    QVERIFY(waitForKeysRegistered(f));
    const auto keys = f.call("GET", "/api/agent/me/keys", me.token).json();
    bool signing = false, encryption = false;
    const json::value list = jsonPath(keys, "keys");
    QVERIFY(list.is_array());
    for (const auto& k : list.as_array()) {
        const std::string pk = jsonText(jsonPath(k, "publicKey"));
        signing |= jsonText(jsonPath(k, "purpose")) == "signing" &&
                   pk == vault->signingPublicKey().toBase64().toStdString();
        encryption |= jsonText(jsonPath(k, "purpose")) == "encryption" &&
                      pk == vault->boxPublicKey().toBase64().toStdString();
    }
    QVERIFY(signing);
    QVERIFY(encryption);
    QTRY_VERIFY(label(f, "keyRegistrationState").contains(QStringLiteral("registered")));

    // Lock, then a wrong passphrase: the keystore's message, the dialog stays, the file is untouched.
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("lockKeystoreButton")), Qt::LeftButton);
    QVERIFY(!vault->isUnlocked());
    QVERIFY(label(f, "keystoreState").startsWith(QStringLiteral("Keystore locked")));
    const QByteArray before = [&] {
        QFile file(vault->filePath());
        file.open(QIODevice::ReadOnly);
        return file.readAll();
    }();
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("unlockKeystoreButton")), Qt::LeftButton);
    dialog = waitForKeystoreDialog(f);
    QVERIFY(dialog);
    QVERIFY(!dialog->findChild<QLineEdit*>(QStringLiteral("passphraseConfirmEdit")));
    answerKeystoreDialog(dialog, QStringLiteral("not the passphrase"));
    auto* message = dialog->findChild<QLabel*>(QStringLiteral("keystoreMessage"));
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), 20000);
    QCOMPARE(message->property("error").toInt(), int(crypto::Keystore::Result::Error::WrongPassphrase));
    QVERIFY2(message->text().contains(QStringLiteral("passphrase"), Qt::CaseInsensitive),
             qPrintable(message->text()));
    QVERIFY(!vault->isUnlocked());
    QVERIFY(f.find<ui::KeystoreDialog>(QStringLiteral("keystoreDialog")));
    {
        QFile file(vault->filePath());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), before);
    }
    answerKeystoreDialog(dialog, kPassphrase);
    QTRY_VERIFY_WITH_TIMEOUT(vault->isUnlocked(), 20000);
    f.screenshot(QStringLiteral("keys-empty"));
}

void TestUiKeys::damagedKeystoreIsNotWrongPassphrase()
{
    ConsoleFixture f;
    f.signInAsNew("damaged");
    QVERIFY(createKeystoreInView(f, kPassphrase));
    models::KeyVault* vault = f.console().keyVault();
    vault->lock();
    // Flip one byte of the ciphertext (past the 88-byte header): the passphrase is right,
    // the contents fail their integrity check.
    QByteArray bytes;
    {
        QFile file(vault->filePath());
        QVERIFY(file.open(QIODevice::ReadWrite));
        bytes = file.readAll();
        QVERIFY(bytes.size() > int(crypto::Keystore::kHeaderBytes) + 20);
        bytes[crypto::Keystore::kHeaderBytes + 10] = char(bytes[crypto::Keystore::kHeaderBytes + 10] ^ 0x40);
        file.seek(0);
        file.write(bytes);
    }
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("unlockKeystoreButton")), Qt::LeftButton);
    ui::KeystoreDialog* dialog = waitForKeystoreDialog(f);
    QVERIFY(dialog);
    answerKeystoreDialog(dialog, kPassphrase);
    auto* message = dialog->findChild<QLabel*>(QStringLiteral("keystoreMessage"));
    QTRY_VERIFY_WITH_TIMEOUT(message->isVisible(), 20000);
    QCOMPARE(message->property("error").toInt(), int(crypto::Keystore::Result::Error::Corrupted));
    QVERIFY2(message->text().contains(QStringLiteral("damaged"), Qt::CaseInsensitive),
             qPrintable(message->text()));
    const QString damagedText = message->text();
    QVERIFY(!vault->isUnlocked());
    // Nothing was rewritten.
    QFile file(vault->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), bytes);

    // A wrong passphrase on the same file says something else.
    answerKeystoreDialog(dialog, QStringLiteral("wrong wrong wrong"));
    QTRY_VERIFY_WITH_TIMEOUT(
        message->property("error").toInt() == int(crypto::Keystore::Result::Error::WrongPassphrase), 20000);
    QVERIFY(message->text() != damagedText);
}

void TestUiKeys::passphraseStrengthHint()
{
    QCOMPARE(ui::KeystoreDialog::strength(QString()), 0);
    QVERIFY(ui::KeystoreDialog::strength(QStringLiteral("abc")) <= 1);
    QVERIFY(ui::KeystoreDialog::strength(QStringLiteral("aaaaaaaaaaaaaaaa")) <= 1);
    QVERIFY(ui::KeystoreDialog::strength(QStringLiteral("password1")) <= 1);
    QVERIFY(ui::KeystoreDialog::strength(kPassphrase) >= 3);

    ConsoleFixture f;
    f.signInAsNew("hinted");
    f.show(QStringLiteral("keysView"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("createKeystoreButton")), Qt::LeftButton);
    ui::KeystoreDialog* dialog = waitForKeystoreDialog(f);
    QVERIFY(dialog);
    auto* pass = dialog->findChild<QLineEdit*>(QStringLiteral("passphraseEdit"));
    auto* strength = dialog->findChild<QLabel*>(QStringLiteral("passphraseStrength"));
    QTest::keyClicks(pass, QStringLiteral("abc"));
    QVERIFY2(strength->text().contains(QStringLiteral("weak"), Qt::CaseInsensitive),
             qPrintable(strength->text()));
    QVERIFY(!dialog->findChild<QPushButton*>(QStringLiteral("keystoreOkButton"))->isEnabled());
    pass->clear();
    QTest::keyClicks(pass, kPassphrase);
    QVERIFY2(strength->text().contains(QStringLiteral("Good")) ||
                 strength->text().contains(QStringLiteral("Strong")),
             qPrintable(strength->text()));
    dialog->reject();
}

void TestUiKeys::protectedTaskGrantAndDeny()
{
    ConsoleFixture f;
    const auto owner = f.signInAsNew("publisher");
    QVERIFY(createKeystoreInView(f, kPassphrase));
    QVERIFY(waitForKeysRegistered(f));
    models::KeyVault* vault = f.console().keyVault();

    const QString apiKey = QStringLiteral("sk-live-7f3a9-PLAINTEXT-NEVER-ON-SERVER");
    const QString dbPassword = QStringLiteral("hunter2 \u00e9t\u00e9 correct");
    QString why;
    const QString taskId = postProtectedTask(
        f, QStringLiteral("Nightly export with secrets"),
        {{QStringLiteral("apiKey"), apiKey}, {QStringLiteral("dbPassword"), dbPassword}}, &why);
    QVERIFY2(!taskId.isEmpty(), qPrintable(why));

    // The server holds ciphertext only: in its answer and in its database files.
    const auto task = f.call("GET", "/api/agent/tasks/" + taskId.toStdString(), owner.token);
    QCOMPARE(task.status, 200);
    QCOMPARE(jsonText(jsonPath(task.json(), "task.protected.alg")), std::string("xchacha20poly1305-ietf"));
    QCOMPARE(jsonPath(task.json(), "task.protected.fields").as_array().size(), std::size_t(2));
    QVERIFY(task.body.find(apiKey.toStdString()) == std::string::npos);
    QVERIFY(task.body.find("hunter2") == std::string::npos);
    const QByteArray db = databaseBytes(f);
    QVERIFY(db.size() > 0);
    QVERIFY(!db.contains(apiKey.toUtf8()));
    QVERIFY(!db.contains(QByteArray("hunter2")));
    // The key is in the keystore, and only there.
    QVERIFY(vault->hasPayloadKey(taskId));
    const auto key = vault->payloadKey(taskId);
    QVERIFY(key && key->size() == 32);
    QVERIFY(!db.contains(QByteArray(key->constChar(), 32)));
    QVERIFY(!db.contains(key->toBase64()));

    // The Keys view lists the payload key by task.
    f.show(QStringLiteral("keysView"));
    auto* keyTable = f.find<QTableView>(QStringLiteral("payloadKeysTable"));
    QAbstractItemModelTester keyTester(keyTable->model(),
                                       QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(keyTable->model()->rowCount(), 1);
    QCOMPARE(keyTable->model()->index(0, models::PayloadKeyListModel::Task).data().toString(),
             QStringLiteral("Nightly export with secrets"));
    QCOMPARE(keyTable->model()->index(0, models::PayloadKeyListModel::Fields).data().toString(),
             QStringLiteral("apiKey, dbPassword"));
    QCOMPARE(keyTable->model()->index(0, models::PayloadKeyListModel::GrantedTo).data().toString(),
             QStringLiteral("Nobody yet"));

    // Two agents are hired (one per task): the first will be granted, the second denied.
    const auto agent = f.server().registerMember("opener");
    QCOMPARE(hireAgent(f, owner, agent, taskId.toStdString()), std::string());
    const crypto::BoxKeyPair agentKeys = crypto::BoxKeyPair::generate();
    const std::string keyId = registerAgentKey(f, agent, agentKeys);
    QVERIFY(!keyId.empty());
    // A stranger's request goes nowhere.
    const auto stranger = f.server().registerMember("stranger");
    const std::string strangerKey = registerAgentKey(f, stranger, crypto::BoxKeyPair::generate());
    QVERIFY(f.call("POST", "/api/agent/tasks/" + taskId.toStdString() + "/protected-access", stranger.token,
                   json::object{{"keyId", strangerKey}})
                .status >= 400);
    auto r = f.call("POST", "/api/agent/tasks/" + taskId.toStdString() + "/protected-access", agent.token,
                    json::object{{"keyId", keyId}});
    QVERIFY2(r.status == 201, r.body.c_str());

    // The request appears in the view (live updates), pending first.
    auto* requests = f.find<QTableView>(QStringLiteral("accessRequestsTable"));
    QAbstractItemModelTester requestTester(requests->model(),
                                           QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(f, agent.id) == QLatin1String("pending"), 15000);
    QVERIFY(label(f, "accessRequestCount").contains(QStringLiteral("1 waiting")));
    QVERIFY(selectRequestOf(f, agent.id));
    QVERIFY(label(f, "accessRequestDetail").contains(QStringLiteral("@opener")));
    // The fingerprint of the key the agent registered, for comparing out of band.
    QVERIFY(label(f, "accessRequestDetail").contains(crypto::keyFingerprint(agentKeys.publicKey)));
    auto* grant = f.find<QPushButton>(QStringLiteral("grantAccessButton"));
    QVERIFY(grant->isEnabled());
    f.screenshot(QStringLiteral("keys"));
    QTest::mouseClick(grant, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(f, agent.id) == QLatin1String("granted"), 15000);
    QTRY_COMPARE(keyTable->model()->index(0, models::PayloadKeyListModel::GrantedTo).data().toString(),
                 QStringLiteral("@opener"));

    // The agent fetches its bundle and opens it with the crypto library.
    r = f.call("GET", "/api/agent/tasks/" + taskId.toStdString() + "/protected-bundle", agent.token);
    QVERIFY2(r.status == 200, r.body.c_str());
    const auto bundle = r.json();
    auto bytes = [&](const char* path) {
        return crypto::Base64::decode(QByteArray::fromStdString(jsonText(jsonPath(bundle, path))))
            .value_or(QByteArray());
    };
    const QByteArray ciphertext = bytes("bundle.ciphertext");
    const QByteArray sealedKey = bytes("bundle.sealedKey");
    const QByteArray publisherKey = bytes("bundle.publisherSigningKey");
    QCOMPARE(publisherKey, vault->signingPublicKey());
    QVERIFY(crypto::GrantSignature::verify(publisherKey, taskId, ciphertext, sealedKey,
                                           bytes("bundle.signature")));
    const auto payloadKey = crypto::SealedBox::open(sealedKey, agentKeys);
    QVERIFY(payloadKey);
    const auto plaintext = crypto::PayloadCipher::decrypt(*payloadKey, bytes("bundle.nonce"), ciphertext);
    QVERIFY(plaintext);
    const QJsonObject fields =
        QJsonDocument::fromJson(QByteArray(plaintext->constChar(), qsizetype(plaintext->size()))).object();
    QCOMPARE(fields.value(QLatin1String("apiKey")).toString(), apiKey);
    QCOMPARE(fields.value(QLatin1String("dbPassword")).toString(), dbPassword);
    QCOMPARE(fields.size(), 2);

    // Deny: a second protected task, a second agent; no reason, no denial.
    const QString task2 =
        postProtectedTask(f, QStringLiteral("Rotate the staging keys"),
                          {{QStringLiteral("token"), QStringLiteral("staging-token-XYZ")}}, &why);
    QVERIFY2(!task2.isEmpty(), qPrintable(why));
    const auto agent2 = f.server().registerMember("declined");
    QCOMPARE(hireAgent(f, owner, agent2, task2.toStdString()), std::string());
    const std::string keyId2 = registerAgentKey(f, agent2, crypto::BoxKeyPair::generate());
    r = f.call("POST", "/api/agent/tasks/" + task2.toStdString() + "/protected-access", agent2.token,
               json::object{{"keyId", keyId2}});
    QVERIFY2(r.status == 201, r.body.c_str());
    f.show(QStringLiteral("keysView"));
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(f, agent2.id) == QLatin1String("pending"), 15000);
    // Pending first, before the granted one.
    QCOMPARE(qobject_cast<models::AccessRequestListModel*>(requests->model())
                 ->requestAt(0)
                 .value(QLatin1String("agentId"))
                 .toString(),
             QString::fromStdString(agent2.id));
    QVERIFY(selectRequestOf(f, agent2.id));
    auto* deny = f.find<QPushButton>(QStringLiteral("denyAccessButton"));
    QVERIFY2(!deny->isEnabled(), "a denial needs a reason");
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("denyReasonEdit")),
                     QStringLiteral("Not before the audit"));
    QVERIFY(deny->isEnabled());
    QTest::mouseClick(deny, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(statusOf(f, agent2.id) == QLatin1String("denied"), 15000);
    r = f.call("GET", "/api/agent/tasks/" + task2.toStdString() + "/protected-access", agent2.token);
    QCOMPARE(jsonText(jsonPath(r.json(), "requests.0.status")), std::string("denied"));
    QCOMPARE(jsonText(jsonPath(r.json(), "requests.0.reason")), std::string("Not before the audit"));
    r = f.call("GET", "/api/agent/tasks/" + task2.toStdString() + "/protected-bundle", agent2.token);
    QCOMPARE(r.status, 403);
    QVERIFY(!databaseBytes(f).contains(QByteArray("staging-token-XYZ")));
}

void TestUiKeys::postNeedsAnUnlockedKeystore()
{
    ConsoleFixture f;
    f.signInAsNew("lockedposter");
    f.show(QStringLiteral("boardView"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("postTaskButton")), Qt::LeftButton);
    QTRY_VERIFY(f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog")));
    auto* dialog = f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("taskTitle")),
                     QStringLiteral("Protected job"));
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("taskDescription")),
                     QStringLiteral("Something that needs a password."));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("budgetAmount")), QStringLiteral("10"));
    auto* post = dialog->findChild<QPushButton*>(QStringLiteral("postButton"));
    QVERIFY(post->isEnabled());
    auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("protectedFieldsTable"));
    table->item(0, 0)->setText(QStringLiteral("password"));
    table->item(0, 1)->setText(QStringLiteral("s3cret-value"));
    QVERIFY(!post->isEnabled());
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("postHint"))->text(),
             QStringLiteral("Create the keystore to post protected fields."));
    // Created inline from the dialog, the post goes through.
    auto* inlineButton = dialog->findChild<QPushButton*>(QStringLiteral("protectedKeystoreButton"));
    QVERIFY(inlineButton->isVisible());
    QTest::mouseClick(inlineButton, Qt::LeftButton);
    ui::KeystoreDialog* keystore = waitForKeystoreDialog(f);
    QVERIFY(keystore);
    answerKeystoreDialog(keystore, kPassphrase);
    QTRY_VERIFY_WITH_TIMEOUT(f.console().keyVault()->isUnlocked(), 20000);
    QTRY_VERIFY(post->isEnabled());
    QString taskId;
    connect(dialog, &ui::PostTaskDialog::posted, this,
            [&taskId](const QJsonObject& t) { taskId = t.value(QLatin1String("id")).toString(); });
    QTest::mouseClick(post, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!taskId.isEmpty(), 10000);
    QVERIFY(f.console().keyVault()->hasPayloadKey(taskId));
}

TASKDESK_UI_TEST_MAIN(TestUiKeys)
#include "tst_ui_keys.moc"
