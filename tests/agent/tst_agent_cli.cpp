// taskdesk-agent as its users run it: the real binary in a QProcess against an
// in-process platform server. The test plays the publisher: it posts a protected task,
// hires the agent, waits for the agent's access request and grants it by sealing the
// payload key with the crypto APIs, while the agent prints the plaintext. Also: denial
// (exit 3), a grant whose signature was altered on the server (exit 4), no grant in time
// (exit 5), keystore passphrases (exit 6), and handoff bundles in all three protections.
#include "AgentKeyDir.h"
#include "Base64.h"
#include "Database.h"
#include "GrantSignature.h"
#include "HandoffBundle.h"
#include "JsonPath.h"
#include "KeyPairs.h"
#include "PayloadCipher.h"
#include "SealedBox.h"
#include "SecureBuffer.h"
#include "TestServer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <string>

using namespace taskdesk::test;
namespace json = boost::json;
namespace crypto = taskdesk::crypto;

namespace {

constexpr const char* kPlaintext = "{\"dbPassword\":\"PLAINTEXT-MARKER-agent\",\"host\":\"db.internal\"}";
constexpr const char* kBundleToken = "td_BUNDLE-TOKEN-SECRET-0123456789";
constexpr const char* kBundleApiSecret = "BUNDLE-API-SECRET-abcdef";

std::string b64(const QByteArray& bytes)
{
    return crypto::Base64::encode(bytes).toStdString();
}

QByteArray unb64(const std::string& text)
{
    auto v = crypto::Base64::decode(QByteArrayView(text.data(), qsizetype(text.size())));
    return v ? *v : QByteArray();
}

std::string S(const json::value& v, const std::string& path)
{
    return jsonText(jsonPath(v, path));
}

// The length of the array at path; -1 when there is none.
long long countAt(const json::value& v, const std::string& path)
{
    const json::value a = jsonPath(v, path);
    return a.is_array() ? static_cast<long long>(a.as_array().size()) : -1;
}

struct Run
{
    int exitCode = -1;
    QString out, err;
};

} // namespace

class AgentCliTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_srv;
    std::unique_ptr<QTemporaryDir> m_tmp;
    TestServer::Member m_owner, m_worker;
    crypto::SecureBuffer m_payloadKey;
    std::string m_ciphertextB64;
    std::string m_task;

    Reply call(const std::string& method, const std::string& target, const std::string& token = {},
               const json::value& body = nullptr)
    {
        return m_srv->client().call(method, target, token, body);
    }

    QString path(const QString& name) const { return m_tmp->filePath(name); }

    QString writeFile(const QString& name, const QByteArray& content)
    {
        QFile f(path(name));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qWarning("cannot write %s", qPrintable(name));
        f.write(content);
        return f.fileName();
    }

    QProcessEnvironment cleanEnvironment() const
    {
        auto env = QProcessEnvironment::systemEnvironment();
        for (const char* v :
             {"TASKDESK_AGENT_TOKEN", "TASKDESK_AGENT_PASSPHRASE", "TASKDESK_BUNDLE_PASSPHRASE"})
            env.remove(QString::fromLatin1(v));
        return env;
    }

    void start(QProcess& p, const QStringList& args, const QProcessEnvironment* env = nullptr)
    {
        p.setProcessEnvironment(env ? *env : cleanEnvironment());
        p.start(QStringLiteral(TASKDESK_AGENT_BINARY), args);
        QVERIFY2(p.waitForStarted(10000), "taskdesk-agent did not start");
    }

    Run finish(QProcess& p, int timeoutMs = 60000)
    {
        Run r;
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished(5000);
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    Run runAgent(const QStringList& args, const QProcessEnvironment* env = nullptr)
    {
        QProcess p;
        start(p, args, env);
        return finish(p);
    }

    QStringList openArgs(const QString& keyDir, int wait = 30)
    {
        return {QStringLiteral("protected-open"),
                QStringLiteral("--server"),
                QStringLiteral("http://127.0.0.1:%1").arg(m_srv->port()),
                QStringLiteral("--token-file"),
                writeFile(QStringLiteral("worker.token"), QByteArray::fromStdString(m_worker.token)),
                QStringLiteral("--task"),
                QString::fromStdString(m_task),
                QStringLiteral("--keystore"),
                keyDir,
                QStringLiteral("--wait"),
                QString::number(wait),
                QStringLiteral("--poll-interval"),
                QStringLiteral("100")};
    }

    // The protected task, bid on by the worker and hired.
    void setUpTask()
    {
        m_payloadKey = crypto::PayloadCipher::newKey();
        const auto sealed = crypto::PayloadCipher::encrypt(
            m_payloadKey, crypto::SecureBuffer::copyOf(QByteArrayView(kPlaintext)));
        m_ciphertextB64 = b64(sealed.ciphertext);
        auto r =
            call("POST", "/api/agent/tasks", m_owner.token,
                 json::object{{"title", "Migrate the production database"},
                              {"description", "Credentials are in the protected payload."},
                              {"budgetAmount", 80},
                              {"protected", json::object{{"alg", crypto::PayloadCipher::kAlgorithm},
                                                         {"nonce", b64(sealed.nonce)},
                                                         {"ciphertext", m_ciphertextB64},
                                                         {"fields", json::array{"dbPassword", "host"}}}}});
        QCOMPARE(r.status, 201);
        m_task = S(r.json(), "task.id");
        r = call(
            "POST", "/api/agent/tasks/" + m_task + "/bids", m_worker.token,
            json::object{{"proposedAmount", 60}, {"etaDays", 1}, {"approach", "Dump, migrate, verify."}});
        QCOMPARE(r.status, 201);
        r = call("POST", "/api/agent/contracts", m_owner.token,
                 json::object{{"taskId", m_task}, {"bidId", S(r.json(), "bid.id")}});
        QCOMPARE(r.status, 201);
    }

    // The publisher's side: waits for a pending request and returns it.
    json::value waitForRequest(QProcess* agent)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 30000) {
            const auto r = call("GET", "/api/agent/tasks/" + m_task + "/protected-access", m_owner.token);
            const json::value list = jsonPath(r.json(), "requests");
            if (r.status == 200 && list.is_array())
                for (const auto& q : list.as_array())
                    if (S(q, "status") == "pending")
                        return q;
            if (agent && agent->state() == QProcess::NotRunning)
                break;
            QThread::msleep(50);
        }
        return nullptr;
    }

    Reply grant(const json::value& request, const crypto::SigningKeyPair* signer)
    {
        const QByteArray sealed = crypto::SealedBox::seal(m_payloadKey, unb64(S(request, "publicKey")));
        json::object body{{"sealedKey", b64(sealed)}};
        if (signer)
            body["signature"] = b64(crypto::GrantSignature::sign(*signer, QString::fromStdString(m_task),
                                                                 unb64(m_ciphertextB64), sealed));
        return call("POST", "/api/agent/tasks/" + m_task + "/protected-access/" + S(request, "id") + "/grant",
                    m_owner.token, body);
    }

    std::string addSigningKey(const crypto::SigningKeyPair& pair)
    {
        const auto r = call("POST", "/api/agent/me/keys", m_owner.token,
                            json::object{{"label", "publisher signing"},
                                         {"purpose", "signing"},
                                         {"algorithm", "ed25519"},
                                         {"publicKey", b64(pair.publicKey)}});
        return S(r.json(), "key.id");
    }

    QByteArray bundleJson() const
    {
        json::object b{{"version", 1},
                       {"baseUrl", "https://taskdesk.example"},
                       {"profileId", "prf_delegated01"},
                       {"handle", "night-shift-bot"},
                       {"tokenValue", kBundleToken},
                       {"apiKeyId", "ak_bundle01"},
                       {"apiSecret", kBundleApiSecret},
                       {"scopes", json::array{"tasks:read", "bids:write"}},
                       {"spendLimit", 250},
                       {"expiresAt", "2027-01-31T00:00:00.000Z"},
                       {"issuedBy", "prf_operator01"}};
        return QByteArray::fromStdString(json::serialize(b));
    }

private slots:
    void init()
    {
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        m_owner = m_srv->registerMember("publisher");
        m_worker = m_srv->registerMember("agent_one");
    }

    void cleanup()
    {
        m_srv.reset();
        m_tmp.reset();
    }

    void helpAndUsage()
    {
        auto r = runAgent({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("protected-open")) &&
                r.out.contains(QLatin1String("bundle-open")));
        r = runAgent({QStringLiteral("protected-open"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("--keystore")) && r.out.contains(QLatin1String("Exit codes")));
        r = runAgent({QStringLiteral("bundle-open"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("--export-env")));
        r = runAgent({QStringLiteral("dance")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("Unknown command")));
        r = runAgent(
            {QStringLiteral("protected-open"), QStringLiteral("--server"), QStringLiteral("http://x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("--task")));
    }

    void protectedOpenPrintsThePlaintext()
    {
        setUpTask();
        const crypto::SigningKeyPair publisher = crypto::SigningKeyPair::generate();
        QVERIFY(!addSigningKey(publisher).empty());
        const QString keyDir = path(QStringLiteral("agent-keys"));
        QProcess agent;
        start(agent, openArgs(keyDir));
        const json::value request = waitForRequest(&agent);
        QVERIFY2(!request.is_null(), qPrintable(QString::fromUtf8(agent.readAllStandardError())));
        QCOMPARE(S(request, "agentId"), m_worker.id);
        const auto g = grant(request, &publisher);
        QCOMPARE(g.status, 200);
        const Run r = finish(agent);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, QString::fromLatin1(kPlaintext) + QLatin1Char('\n'));
        // No passphrase: the key is stored unencrypted, which the agent says, in private files.
        QVERIFY(r.err.contains(QLatin1String("UNENCRYPTED")));
        const QFileInfo keyFile(keyDir + QStringLiteral("/agent-box.key"));
        QVERIFY(keyFile.exists());
        QCOMPARE(keyFile.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                          QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QCOMPARE(QFileInfo(keyDir).permissions() & (QFileDevice::ReadOther | QFileDevice::ExeOther),
                 QFileDevice::Permissions());
        QVERIFY(!r.err.contains(QString::fromStdString(m_worker.token)));

        // Again with the same key directory: the key and the grant are reused.
        const Run again = runAgent(openArgs(keyDir, 5));
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));
        QCOMPARE(again.out, QString::fromLatin1(kPlaintext) + QLatin1Char('\n'));
        QVERIFY(again.err.contains(QLatin1String("existing access request")));
        const auto keys = call("GET", "/api/agent/me/keys", m_worker.token);
        QCOMPARE(countAt(keys.json(), "keys"), 1LL);
        const auto reqs = call("GET", "/api/agent/tasks/" + m_task + "/protected-access", m_owner.token);
        QCOMPARE(countAt(reqs.json(), "requests"), 1LL);
    }

    void denialExitsWithThree()
    {
        setUpTask();
        QProcess agent;
        start(agent, openArgs(path(QStringLiteral("keys"))));
        const json::value request = waitForRequest(&agent);
        QVERIFY(!request.is_null());
        const auto d =
            call("POST", "/api/agent/tasks/" + m_task + "/protected-access/" + S(request, "id") + "/deny",
                 m_owner.token, json::object{{"reason", "Use the staging copy instead"}});
        QCOMPARE(d.status, 200);
        const Run r = finish(agent);
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(QLatin1String("Use the staging copy instead")), qPrintable(r.err));
    }

    void tamperedSignatureExitsWithFour()
    {
        setUpTask();
        const crypto::SigningKeyPair publisher = crypto::SigningKeyPair::generate();
        addSigningKey(publisher);
        const QString keyDir = path(QStringLiteral("keys"));
        // No grant within --wait: exit 5, and the request stays for the next run.
        Run r = runAgent(openArgs(keyDir, 0));
        QCOMPARE(r.exitCode, 5);
        QVERIFY(r.err.contains(QLatin1String("stays pending")));
        const json::value request = waitForRequest(nullptr);
        QVERIFY(!request.is_null());
        QCOMPARE(grant(request, &publisher).status, 200);
        // A compromised server swaps in a signature by another key.
        {
            const auto forger = crypto::SigningKeyPair::generate();
            const QByteArray sealed = unb64(
                S(call("GET", "/api/agent/tasks/" + m_task + "/protected-bundle", m_worker.token).json(),
                  "bundle.sealedKey"));
            QVERIFY(!sealed.isEmpty());
            const QByteArray forged = crypto::GrantSignature::sign(forger, QString::fromStdString(m_task),
                                                                   unb64(m_ciphertextB64), sealed);
            taskdesk::store::Transaction tx(m_srv->server().platform().db,
                                            taskdesk::store::Transaction::Mode::Write);
            QCOMPARE(
                tx.exec("UPDATE protected_access_requests SET signature = ? WHERE id = ?",
                        {taskdesk::store::sqlText(b64(forged)), taskdesk::store::sqlText(S(request, "id"))}),
                1);
            tx.commit();
        }
        r = runAgent(openArgs(keyDir, 5));
        QCOMPARE(r.exitCode, 4);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(QLatin1String("signature")), qPrintable(r.err));
        // A publisher key pinned out of band that is not the one on file: refused too.
        QStringList pinned = openArgs(keyDir, 5);
        pinned << QStringLiteral("--publisher-key")
               << QString::fromStdString(b64(crypto::SigningKeyPair::generate().publicKey));
        r = runAgent(pinned);
        QCOMPARE(r.exitCode, 4);
        QVERIFY(r.out.isEmpty());
    }

    void passphraseProtectedKey()
    {
        setUpTask();
        const QString keyDir = path(QStringLiteral("locked-keys"));
        const QString good = writeFile(QStringLiteral("pass"), "correct horse battery staple\n");
        const QString bad = writeFile(QStringLiteral("wrong"), "incorrect horse\n");
        QStringList args = openArgs(keyDir, 0);
        Run r = runAgent(args + QStringList{QStringLiteral("--passphrase-file"), good});
        QCOMPARE(r.exitCode, 5); // the key was made and registered, the request waits
        QVERIFY(!r.err.contains(QLatin1String("UNENCRYPTED")));
        QVERIFY(QFileInfo::exists(keyDir + QStringLiteral("/agent.keystore")));
        QVERIFY(!QFileInfo::exists(keyDir + QStringLiteral("/agent-box.key")));
        r = runAgent(args + QStringList{QStringLiteral("--passphrase-file"), bad});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains(QLatin1String("passphrase"), Qt::CaseInsensitive), qPrintable(r.err));
        r = runAgent(args);
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.err.contains(QLatin1String("TASKDESK_AGENT_PASSPHRASE")));
        // The passphrase from the environment works as the file does; the grant then opens.
        const json::value request = waitForRequest(nullptr);
        QVERIFY(!request.is_null());
        QCOMPARE(grant(request, nullptr).status, 200);
        auto env = cleanEnvironment();
        env.insert(QStringLiteral("TASKDESK_AGENT_PASSPHRASE"),
                   QStringLiteral("correct horse battery staple"));
        r = runAgent(openArgs(keyDir, 5), &env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out, QString::fromLatin1(kPlaintext) + QLatin1Char('\n'));
        QVERIFY(r.err.contains(QLatin1String("Warning: the publisher has no signing key")));
    }

    void hmacSignedRequests()
    {
        setUpTask();
        const auto k =
            call("POST", "/api/agent/me/api-keys", m_worker.token, json::object{{"name", "agent fleet"}});
        QCOMPARE(k.status, 201);
        const QString keyId = QString::fromStdString(S(k.json(), "apiKey.keyId"));
        const QString secretFile =
            writeFile(QStringLiteral("api.secret"), QByteArray::fromStdString(S(k.json(), "secret")) + "\n");
        const QStringList common = {QStringLiteral("protected-open"),
                                    QStringLiteral("--server"),
                                    QStringLiteral("http://127.0.0.1:%1").arg(m_srv->port()),
                                    QStringLiteral("--task"),
                                    QString::fromStdString(m_task),
                                    QStringLiteral("--keystore"),
                                    path(QStringLiteral("hmac-keys")),
                                    QStringLiteral("--wait"),
                                    QStringLiteral("0"),
                                    QStringLiteral("--api-key"),
                                    keyId,
                                    QStringLiteral("--api-secret-file")};
        // Every call signed: the key registered and the request made (GET and POST both pass).
        Run r = runAgent(common + QStringList{secretFile});
        QVERIFY2(r.exitCode == 5, qPrintable(r.err));
        const json::value request = waitForRequest(nullptr);
        QCOMPARE(S(request, "agentId"), m_worker.id);
        // A wrong secret is refused by the server: exit 2 with the server's reason.
        r = runAgent(common + QStringList{writeFile(QStringLiteral("bad.secret"), "not-the-secret")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("401")), qPrintable(r.err));
        // Token and key pair together are a usage error.
        r = runAgent(common + QStringList{secretFile, QStringLiteral("--token"), QStringLiteral("td_x")});
        QCOMPARE(r.exitCode, 1);
    }

    void bundleOpenPlain()
    {
        const QString file = writeFile(QStringLiteral("plain.json"), bundleJson());
        Run r = runAgent({QStringLiteral("bundle-open"), file});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* want : {"night-shift-bot", "https://taskdesk.example", "prf_delegated01",
                                 "tasks:read, bids:write", "spendLimit: 250.00", "2027-01-31T00:00:00.000Z"})
            QVERIFY2(r.out.contains(QLatin1String(want)), want);
        QVERIFY(!r.out.contains(QLatin1String(kBundleToken)));
        QVERIFY(!r.out.contains(QLatin1String(kBundleApiSecret)));
        QVERIFY(!r.err.contains(QLatin1String(kBundleToken)));
        r = runAgent({QStringLiteral("bundle-open"), file, QStringLiteral("--show-secrets")});
        QVERIFY(r.out.contains(QLatin1String(kBundleToken)) &&
                r.out.contains(QLatin1String(kBundleApiSecret)));
        r = runAgent({QStringLiteral("bundle-open"), file, QStringLiteral("--export-env")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("export TD_BASE_URL='https://taskdesk.example'")));
        QVERIFY(r.out.contains(QStringLiteral("export TD_TOKEN='%1'").arg(QLatin1String(kBundleToken))));
        QVERIFY(
            r.out.contains(QStringLiteral("export TD_API_SECRET='%1'").arg(QLatin1String(kBundleApiSecret))));
        // Not a bundle at all.
        r = runAgent(
            {QStringLiteral("bundle-open"), writeFile(QStringLiteral("junk.json"), "{\"hello\": 1}")});
        QCOMPARE(r.exitCode, 7);
        QVERIFY(!r.err.isEmpty());
    }

    void bundleOpenSealed()
    {
        const QString keyDir = path(QStringLiteral("agent-keys"));
        taskdesk::agent::AgentKeyDir keys(keyDir);
        QString error;
        QCOMPARE(keys.open(nullptr, true, &error), taskdesk::agent::AgentKeyDir::Status::Ok);
        const QByteArray sealed = crypto::HandoffBundle::sealTo(crypto::SecureBuffer::copyOf(bundleJson()),
                                                                keys.keyPair().publicKey);
        QVERIFY(!sealed.isEmpty());
        const QString file = writeFile(QStringLiteral("sealed.json"), sealed);
        Run r = runAgent({QStringLiteral("bundle-open"), file, QStringLiteral("--keystore"), keyDir});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("night-shift-bot")));
        QVERIFY(r.out.contains(QLatin1String("sealed")));
        QVERIFY(!r.out.contains(QLatin1String(kBundleToken)));
        // Without the key, and with another agent's key.
        r = runAgent({QStringLiteral("bundle-open"), file});
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.err.contains(QLatin1String("--keystore")));
        const QString otherDir = path(QStringLiteral("other-keys"));
        taskdesk::agent::AgentKeyDir other(otherDir);
        QCOMPARE(other.open(nullptr, true, &error), taskdesk::agent::AgentKeyDir::Status::Ok);
        r = runAgent({QStringLiteral("bundle-open"), file, QStringLiteral("--keystore"), otherDir});
        QCOMPARE(r.exitCode, 7);
        QVERIFY(r.out.isEmpty());
    }

    void bundleOpenPassphrase()
    {
        const QByteArray file =
            crypto::HandoffBundle::protectFast(crypto::SecureBuffer::copyOf(bundleJson()),
                                               crypto::SecureBuffer::copyOf(QByteArrayView("open sesame")));
        QVERIFY(!file.isEmpty());
        const QString bundle = writeFile(QStringLiteral("locked.json"), file);
        Run r = runAgent({QStringLiteral("bundle-open"), bundle, QStringLiteral("--passphrase-file"),
                          writeFile(QStringLiteral("p"), "open sesame\n"), QStringLiteral("--export-env")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral("export TD_TOKEN='%1'").arg(QLatin1String(kBundleToken))));
        r = runAgent({QStringLiteral("bundle-open"), bundle, QStringLiteral("--passphrase-file"),
                      writeFile(QStringLiteral("w"), "open barley\n")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains(QLatin1String("passphrase"), Qt::CaseInsensitive), qPrintable(r.err));
        r = runAgent({QStringLiteral("bundle-open"), bundle});
        QCOMPARE(r.exitCode, 6);
        QVERIFY(r.err.contains(QLatin1String("--passphrase-file")));
        // The passphrase may come from the environment as well.
        auto env = cleanEnvironment();
        env.insert(QStringLiteral("TASKDESK_BUNDLE_PASSPHRASE"), QStringLiteral("open sesame"));
        r = runAgent({QStringLiteral("bundle-open"), bundle}, &env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("passphrase")));
    }
};

TASKDESK_API_TEST_MAIN(AgentCliTest)
#include "tst_agent_cli.moc"
