// The console's model layer (models/) against a real in-process server: typed
// jobs, error strings, retries with idempotency keys, paged item models under
// QAbstractItemModelTester, the session's token storage and live updates.
#include "ApiClient.h"
#include "ApiListModel.h"
#include "ApplicationListModel.h"
#include "AuthJob.h"
#include "AuthJobs.h"
#include "BidJobs.h"
#include "BidListModel.h"
#include "CommentListModel.h"
#include "ContractJobs.h"
#include "ContractListModel.h"
#include "EntityJob.h"
#include "EventsJob.h"
#include "FlakyProxy.h"
#include "Formatting.h"
#include "KeychainSecretStore.h"
#include "ListFilterProxyModel.h"
#include "LiveUpdates.h"
#include "MemorySecretStore.h"
#include "NotificationJobs.h"
#include "NotificationListModel.h"
#include "PagedListJob.h"
#include "Session.h"
#include "SubmissionListModel.h"
#include "TaskFilterProxyModel.h"
#include "TaskJobs.h"
#include "TaskListModel.h"
#include "TestServer.h"
#include "TransactionListModel.h"
#include "UnreadCountJob.h"
#include "WalletJob.h"
#include "WalletJobs.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace taskdesk::test;
using namespace taskdesk::models;
namespace json = boost::json;

namespace {

QString qs(const std::string& s)
{
    return QString::fromStdString(s);
}

QUrl serverUrl(std::uint16_t port)
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
}

} // namespace

class ModelsTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;
    QNetworkAccessManager m_nam;
    TestServer::Member m_owner, m_worker;
    QStringList m_taskIds;     // oldest first
    QStringList m_contractIds; // oldest first
    static constexpr int kTasks = 45;
    static constexpr int kHired = 25;

    std::unique_ptr<ApiClient> makeClient(const QUrl& url, const std::string& token)
    {
        auto c = std::make_unique<ApiClient>(&m_nam);
        c->setBaseUrl(url);
        const QString t = qs(token);
        c->setTokenProvider([t] { return t; });
        return c;
    }
    std::unique_ptr<ApiClient> makeClient(const std::string& token)
    {
        return makeClient(serverUrl(m_srv->port()), token);
    }

    // Every item of an API list, counted straight through HTTP.
    int apiCount(const std::string& path, const std::string& token, const std::string& listKey)
    {
        auto c = m_srv->client();
        int n = 0;
        std::string cursor;
        for (;;) {
            const std::string sep = path.find('?') == std::string::npos ? "?" : "&";
            auto r =
                c.call("GET", path + sep + "limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), token);
            if (r.status != 200)
                return -1;
            const auto o = r.obj();
            n += static_cast<int>(o.at(listKey).as_array().size());
            if (o.at("nextCursor").is_null())
                return n;
            cursor = std::string(o.at("nextCursor").as_string());
        }
    }

    // Loads every page through canFetchMore()/fetchMore(), as a view would
    // (a load already on its way, e.g. the tester's own fetchMore(), counts).
    // Returns the number of pages, or -1 on a failure or a stall.
    int loadAllPages(ApiListModel& model)
    {
        QSignalSpy page(&model, &ApiListModel::pageLoaded);
        QSignalSpy failed(&model, &ApiListModel::loadFailed);
        for (;;) {
            if (!model.isLoading()) {
                if (!model.canFetchMore(QModelIndex()))
                    break;
                model.fetchMore(QModelIndex());
                if (!model.isLoading())
                    return -1;
            }
            // A second ask while a page is on its way must not start another.
            if (model.canFetchMore(QModelIndex()))
                return -1;
            const auto before = page.size();
            if (!QTest::qWaitFor([&] { return page.size() > before || !failed.isEmpty(); }, 20000) ||
                !failed.isEmpty()) {
                qWarning() << "page failed:" << model.lastError().message();
                return -1;
            }
        }
        return static_cast<int>(page.size());
    }

    void checkNoDuplicateIds(const ApiListModel& model)
    {
        QSet<QString> ids;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString id = model.index(row, 0).data(ApiListModel::IdRole).toString();
            QVERIFY2(!id.isEmpty(), "every row has an id");
            QVERIFY2(!ids.contains(id), qPrintable(QStringLiteral("duplicate row ") + id));
            ids.insert(id);
        }
    }

    std::string post(const std::string& path, const std::string& token, const json::object& body,
                     const char* key, int expected = 201)
    {
        const auto r = m_srv->client().call("POST", path, token, body);
        if (r.status != expected)
            qFatal("seeding %s failed: %d %s", path.c_str(), r.status, r.body.c_str());
        return key ? std::string(r.obj().at(key).at("id").as_string()) : std::string();
    }

private slots:
    void initTestCase()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
        m_owner = m_srv->registerMember("owner_models", {"docs"});
        m_worker = m_srv->registerMember("worker_models", {"docs"});
        for (int i = 0; i < kTasks; ++i) {
            json::object task{
                {"title", QStringLiteral("Task %1").arg(i, 2, 10, QLatin1Char('0')).toStdString()},
                {"description", "Seeded task number " + std::to_string(i) + " for the model tests."},
                {"skillsTags", json::array{"docs"}},
                {"budgetAmount", 10},
                {"budgetCurrency", "CREDITS"}};
            m_taskIds << qs(post("/api/agent/tasks", m_owner.token, task, "task"));
        }
        QStringList bidIds;
        for (const QString& t : std::as_const(m_taskIds))
            bidIds << qs(post(
                "/api/agent/tasks/" + t.toStdString() + "/bids", m_worker.token,
                json::object{{"proposedAmount", 8}, {"etaDays", 2}, {"approach", "Seeded plan"}}, "bid"));
        for (int i = 0; i < kHired; ++i)
            m_contractIds << qs(
                post("/api/agent/contracts", m_owner.token,
                     json::object{{"taskId", m_taskIds[i].toStdString()}, {"bidId", bidIds[i].toStdString()}},
                     "contract"));
        // Three deliveries on the first contract: deliver, reject, deliver, reject, deliver.
        const std::string c0 = "/api/agent/contracts/" + m_contractIds[0].toStdString();
        for (int i = 0; i < 3; ++i) {
            post(c0 + "/submissions", m_worker.token,
                 json::object{{"summaryText", "Delivery " + std::to_string(i + 1)},
                              {"deliverableUrl", "https://example.com/d/" + std::to_string(i + 1)}},
                 "submission");
            if (i < 2)
                post(c0 + "/decision", m_owner.token,
                     json::object{{"action", "reject"}, {"reason", "Not yet"}}, nullptr, 200);
        }
    }

    void cleanupTestCase()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        m_srv.reset();
    }

    // ---- jobs ------------------------------------------------------------------

    void jobsParseTypedResults()
    {
        auto anon = makeClient("");
        AuthJob* reg = anon->auth().registerProfile(
            QJsonObject{{QStringLiteral("email"), QStringLiteral("typed@example.com")},
                        {QStringLiteral("password"), QStringLiteral("correct horse battery")},
                        {QStringLiteral("handle"), QStringLiteral("typed_jobs")},
                        {QStringLiteral("skills"), QJsonArray{QStringLiteral("docs")}}});
        QVERIFY2(reg->idempotencyKey().isEmpty(),
                 "register must not leave its token in the idempotency store");
        QSignalSpy authenticated(reg, &AuthJob::authenticated);
        reg->start();
        QVERIFY(authenticated.wait(20000));
        const AuthResult ar = authenticated.first().first().value<AuthResult>();
        QVERIFY(ar.profileId.startsWith(QLatin1String("prf_")));
        QCOMPARE(ar.handle, QStringLiteral("typed_jobs"));
        QVERIFY(ar.tokenValue.startsWith(QLatin1String("td_")));
        QVERIFY(ar.tokenId.startsWith(QLatin1String("tok_")));

        AuthJob* login =
            anon->auth().login(QStringLiteral("typed@example.com"), QStringLiteral("correct horse battery"));
        QSignalSpy loggedIn(login, &AuthJob::authenticated);
        login->start();
        QVERIFY(loggedIn.wait(20000));
        const AuthResult lr = loggedIn.first().first().value<AuthResult>();
        QCOMPARE(lr.profileId, ar.profileId);
        QVERIFY(lr.tokenValue != ar.tokenValue);

        auto client = makeClient(lr.tokenValue.toStdString());
        WalletJob* wallet = client->wallet().balance();
        QSignalSpy walletSpy(wallet, &WalletJob::walletReceived);
        wallet->start();
        QVERIFY(walletSpy.wait(10000));
        const WalletBalance wb = walletSpy.first().first().value<WalletBalance>();
        QCOMPARE(wb.availableCents, 100000LL);
        QCOMPARE(wb.escrowCents, 0LL);
        QCOMPARE(wb.currency, QStringLiteral("CREDITS"));

        EntityJob* postJob = client->tasks().post(
            QJsonObject{{QStringLiteral("title"), QStringLiteral("Typed job task")},
                        {QStringLiteral("description"), QStringLiteral("Posted through TaskJobs::post.")},
                        {QStringLiteral("skillsTags"), QJsonArray{QStringLiteral("docs")}},
                        {QStringLiteral("budgetAmount"), 12.5},
                        {QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS")}});
        QVERIFY(!postJob->idempotencyKey().isEmpty());
        QSignalSpy posted(postJob, &EntityJob::received);
        postJob->start();
        QVERIFY(posted.wait(10000));
        const QJsonObject task = posted.first().first().toJsonObject();
        const QString taskId = task.value(QLatin1String("id")).toString();
        QVERIFY(taskId.startsWith(QLatin1String("tsk_")));
        QCOMPARE(task.value(QLatin1String("budgetAmount")).toDouble(), 12.5);

        EntityJob* get = client->tasks().get(taskId);
        QSignalSpy got(get, &EntityJob::received);
        get->start();
        QVERIFY(got.wait(10000));
        QCOMPARE(got.first().first().toJsonObject().value(QLatin1String("title")).toString(),
                 QStringLiteral("Typed job task"));

        // The owner's wallet now shows the escrow, in cents.
        WalletJob* wallet2 = client->wallet().balance();
        QSignalSpy wallet2Spy(wallet2, &WalletJob::walletReceived);
        wallet2->start();
        QVERIFY(wallet2Spy.wait(10000));
        QCOMPARE(wallet2Spy.first().first().value<WalletBalance>().escrowCents, 1250LL);
        QCOMPARE(wallet2Spy.first().first().value<WalletBalance>().availableCents, 98750LL);

        // A bid by the seeded worker, then the owner's bids list and the unread count.
        auto worker = makeClient(m_worker.token);
        EntityJob* bid =
            worker->bids().place(taskId, QJsonObject{{QStringLiteral("proposedAmount"), 11},
                                                     {QStringLiteral("etaDays"), 1},
                                                     {QStringLiteral("approach"), QStringLiteral("Quick")}});
        QSignalSpy bidSpy(bid, &EntityJob::received);
        bid->start();
        QVERIFY(bidSpy.wait(10000));
        QCOMPARE(bidSpy.first().first().toJsonObject().value(QLatin1String("status")).toString(),
                 QStringLiteral("active"));

        PagedListJob* bids = client->bids().listForTask(taskId);
        QSignalSpy page(bids, &PagedListJob::pageReceived);
        bids->start();
        QVERIFY(page.wait(10000));
        QCOMPARE(page.first().at(0).toJsonArray().size(), 1);
        QVERIFY(page.first().at(1).toString().isEmpty()); // the last page

        UnreadCountJob* unread = client->notifications().unreadCount();
        QSignalSpy unreadSpy(unread, &UnreadCountJob::unreadCountReceived);
        unread->start();
        QVERIFY(unreadSpy.wait(10000));
        QCOMPARE(unreadSpy.first().first().toInt(), 1);

        // Public browse with a search text that needs encoding ("+" must not become a space).
        TaskQuery q;
        q.text = QStringLiteral("typed job");
        PagedListJob* browse = anon->tasks().browse(q);
        QSignalSpy browsed(browse, &PagedListJob::pageReceived);
        browse->start();
        QVERIFY(browsed.wait(10000));
        QCOMPARE(browsed.first().at(0).toJsonArray().size(), 1);
        TaskQuery plus;
        plus.text = QStringLiteral("c++ & =x");
        PagedListJob* browsePlus = anon->tasks().browse(plus);
        QSignalSpy browsedPlus(browsePlus, &PagedListJob::pageReceived);
        browsePlus->start();
        QVERIFY(browsedPlus.wait(10000));
        QCOMPARE(browsedPlus.first().at(0).toJsonArray().size(), 0);
    }

    void validationErrorCarriesFieldReasons()
    {
        auto client = makeClient(m_owner.token);
        EntityJob* job =
            client->tasks().post(QJsonObject{{QStringLiteral("title"), QString()},
                                             {QStringLiteral("budgetAmount"), -5},
                                             {QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS")}});
        QSignalSpy failed(job, &ApiJob::failed);
        job->start();
        QVERIFY(failed.wait(10000));
        const ApiError e = failed.first().first().value<ApiError>();
        QCOMPARE(e.kind(), ApiError::Kind::Http);
        QCOMPARE(e.httpStatus(), 400);
        QCOMPARE(e.code(), QStringLiteral("VALIDATION"));
        QCOMPARE(e.attempts(), 1); // a 400 is never retried
        QVERIFY2(e.fields().size() >= 2, qPrintable(e.message()));
        QVERIFY(!e.fieldReason(QStringLiteral("title")).isEmpty());
        QVERIFY(!e.fieldReason(QStringLiteral("budgetAmount")).isEmpty());
        const QString message = e.message();
        for (const auto& [field, reason] : e.fields()) {
            QVERIFY2(message.contains(field), qPrintable(message));
            QVERIFY2(message.contains(reason), qPrintable(message));
        }

        // A body without the server's text in it still names every field.
        const ApiError synthetic = ApiError::fromHttp(
            400,
            R"({"error":"Invalid request","code":"VALIDATION","fields":{"title":"is required","etaDays":"must be between 0 and 3650"}})",
            QStringLiteral("Bad Request"));
        QVERIFY(synthetic.message().contains(QLatin1String("title: is required")));
        QVERIFY(synthetic.message().contains(QLatin1String("etaDays: must be between 0 and 3650")));
        // No JSON at all: the status says what happened.
        QVERIFY(ApiError::fromHttp(502, "<html>", QStringLiteral("Bad Gateway"))
                    .message()
                    .contains(QLatin1String("502")));
    }

    void stoppedServerGivesClearNetworkError()
    {
        TestServer other;
        other.start();
        const auto member = other.registerMember("stopped_one");
        const QUrl url = serverUrl(other.port());
        auto client = makeClient(url, member.token);
        ApiJob::RetryPolicy fast;
        fast.maxAttempts = 2;
        fast.baseDelay = std::chrono::milliseconds(50);
        client->setRetryPolicy(fast);

        EntityJob* ok = client->auth().me();
        QSignalSpy okSpy(ok, &EntityJob::received);
        ok->start();
        QVERIFY(okSpy.wait(10000));

        other.stop();
        EntityJob* job = client->auth().me();
        QSignalSpy failed(job, &ApiJob::failed);
        QSignalSpy retrying(job, &ApiJob::retrying);
        job->start();
        QVERIFY(QTest::qWaitFor([&] { return !failed.isEmpty(); }, 20000));
        const ApiError e = failed.first().first().value<ApiError>();
        QCOMPARE(e.kind(), ApiError::Kind::Network);
        QCOMPARE(e.networkError(), QNetworkReply::ConnectionRefusedError);
        QCOMPARE(retrying.size(), 1); // GET is repeatable: one retry, then the error
        QCOMPARE(e.attempts(), 2);
        const QString message = e.message();
        QVERIFY2(message.startsWith(QStringLiteral("Cannot reach the server at ") + url.toString()),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("connection refused")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("tried 2 times")), qPrintable(message));
    }

    void silentServerTimesOut()
    {
        FlakyProxy proxy(m_srv->port());
        proxy.plan({FlakyProxy::Action::Blackhole, FlakyProxy::Action::Blackhole});
        auto client = makeClient(proxy.url(), m_owner.token);
        client->setTimeout(std::chrono::milliseconds(400));
        ApiJob::RetryPolicy fast;
        fast.maxAttempts = 2;
        fast.baseDelay = std::chrono::milliseconds(50);
        client->setRetryPolicy(fast);
        UnreadCountJob* job = client->notifications().unreadCount();
        QSignalSpy failed(job, &ApiJob::failed);
        job->start();
        QVERIFY(failed.wait(10000));
        const ApiError e = failed.first().first().value<ApiError>();
        QCOMPARE(e.kind(), ApiError::Kind::Timeout);
        QCOMPARE(e.attempts(), 2);
        QVERIFY2(e.message().contains(QLatin1String("did not answer in time")), qPrintable(e.message()));
        QCOMPARE(proxy.seen().size(), 2);
    }

    void abortEndsTheJobOnce()
    {
        FlakyProxy proxy(m_srv->port());
        proxy.plan({FlakyProxy::Action::Blackhole});
        auto client = makeClient(proxy.url(), m_owner.token);
        UnreadCountJob* job = client->notifications().unreadCount();
        job->setAutoDelete(false);
        std::unique_ptr<UnreadCountJob> owned(job);
        QSignalSpy failed(job, &ApiJob::failed);
        QSignalSpy finished(job, &ApiJob::finished);
        job->start();
        QVERIFY(QTest::qWaitFor([&] { return !proxy.seen().isEmpty(); }, 5000));
        job->abort();
        job->abort();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().value<ApiError>().kind(), ApiError::Kind::Aborted);
        QTest::qWait(100);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(failed.size(), 1);
    }

    // A 503 before the server saw the request: the job waits Retry-After and
    // sends the same POST with the same key; exactly one task exists.
    void retriedPostAfter503KeepsItsKey()
    {
        FlakyProxy proxy(m_srv->port());
        proxy.plan({FlakyProxy::Action::Reply503});
        const auto member = m_srv->registerMember("retry_503");
        auto client = makeClient(proxy.url(), member.token);
        EntityJob* job = client->tasks().post(
            QJsonObject{{QStringLiteral("title"), QStringLiteral("Retried once")},
                        {QStringLiteral("description"), QStringLiteral("Survives a 503.")},
                        {QStringLiteral("budgetAmount"), 5},
                        {QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS")}});
        job->setAutoDelete(false);
        std::unique_ptr<EntityJob> owned(job);
        const QByteArray key = job->idempotencyKey();
        QSignalSpy retrying(job, &ApiJob::retrying);
        QSignalSpy received(job, &EntityJob::received);
        job->start();
        QVERIFY(received.wait(15000));
        QCOMPARE(retrying.size(), 1);
        QCOMPARE(retrying.first().at(1).toInt(), 1000); // Retry-After: 1
        QCOMPARE(job->attempts(), 2);
        const auto posts = proxy.seenFor("POST", "/api/agent/tasks");
        QCOMPARE(posts.size(), 2);
        QCOMPARE(posts[0].idempotencyKey, key);
        QCOMPARE(posts[1].idempotencyKey, key);
        QCOMPARE(apiCount("/api/agent/tasks", member.token, "tasks"), 1);
    }

    // The server ran the POST but the answer was lost: the repeat (with the
    // same key) gets the stored answer, and nothing is done twice.
    void lostAnswerIsReplayedNotRepeated()
    {
        FlakyProxy proxy(m_srv->port());
        proxy.plan({FlakyProxy::Action::DropAfterForward});
        const auto member = m_srv->registerMember("retry_lost");
        auto client = makeClient(proxy.url(), member.token);
        ApiJob::RetryPolicy fast;
        fast.baseDelay = std::chrono::milliseconds(100);
        client->setRetryPolicy(fast);
        EntityJob* job =
            client->tasks().post(QJsonObject{{QStringLiteral("title"), QStringLiteral("Lost answer")},
                                             {QStringLiteral("description"), QStringLiteral("Done once.")},
                                             {QStringLiteral("budgetAmount"), 7},
                                             {QStringLiteral("budgetCurrency"), QStringLiteral("CREDITS")}});
        job->setAutoDelete(false);
        std::unique_ptr<EntityJob> owned(job);
        QSignalSpy received(job, &EntityJob::received);
        QSignalSpy failed(job, &ApiJob::failed);
        job->start();
        QVERIFY(QTest::qWaitFor([&] { return !received.isEmpty() || !failed.isEmpty(); }, 15000));
        QVERIFY2(failed.isEmpty(),
                 failed.isEmpty() ? "" : qPrintable(failed.first().first().value<ApiError>().message()));
        const auto posts = proxy.seenFor("POST", "/api/agent/tasks");
        QVERIFY(posts.size() >= 2);
        for (const auto& p : posts)
            QCOMPARE(p.idempotencyKey, job->idempotencyKey());
        QVERIFY2(job->wasReplayed(), "the second answer comes from the server's idempotency store");
        QCOMPARE(apiCount("/api/agent/tasks", member.token, "tasks"), 1);
        // Only the one escrow left the wallet.
        const auto w = m_srv->client().call("GET", "/api/agent/wallet", member.token).obj();
        QCOMPARE(w.at("wallet").at("available").as_int64(), 993);
    }

    // Without an Idempotency-Key a POST is not repeatable, so a 503 is final.
    void postWithoutKeyIsNotRetried()
    {
        FlakyProxy proxy(m_srv->port());
        proxy.plan({FlakyProxy::Action::Reply503});
        auto client = makeClient(proxy.url(), m_owner.token);
        EntityJob* job =
            client->tasks().post(QJsonObject{{QStringLiteral("title"), QStringLiteral("Not retried")}});
        job->setIdempotencyKey({});
        QVERIFY(!job->isRepeatable());
        QSignalSpy failed(job, &ApiJob::failed);
        job->start();
        QVERIFY(failed.wait(10000));
        const ApiError e = failed.first().first().value<ApiError>();
        QCOMPARE(e.httpStatus(), 503);
        QCOMPARE(e.attempts(), 1);
        QVERIFY(e.serverSaysRetry());
        QVERIFY2(e.message().contains(QLatin1String("The service is unavailable (test proxy)")),
                 qPrintable(e.message()));
        QCOMPARE(proxy.seen().size(), 1);
        QVERIFY(proxy.seen().first().idempotencyKey.isEmpty());
    }

    // ---- item models ----------------------------------------------------------

    void modelsPageUnderTester_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("tasks: browse all") << 0;
        QTest::newRow("tasks: browse open") << 1;
        QTest::newRow("tasks: mine") << 2;
        QTest::newRow("bids: mine") << 3;
        QTest::newRow("contracts") << 4;
        QTest::newRow("submissions") << 5;
        QTest::newRow("transactions") << 6;
        QTest::newRow("notifications") << 7;
        QTest::newRow("comments") << 8;
        QTest::newRow("applications") << 9;
    }

    void modelsPageUnderTester()
    {
        QFETCH(int, kind);
        auto owner = makeClient(m_owner.token);
        auto worker = makeClient(m_worker.token);
        std::unique_ptr<ApiListModel> model;
        int expected = 0;
        int pageSize = 20;
        switch (kind) {
        case 0: {
            auto m = std::make_unique<TaskListModel>(owner.get(), TaskListModel::Scope::Browse);
            TaskQuery q;
            q.status = QStringLiteral("all");
            m->setQuery(q);
            expected = apiCount("/api/tasks?status=all", "", "tasks");
            model = std::move(m);
            break;
        }
        case 1:
            model = std::make_unique<TaskListModel>(owner.get(), TaskListModel::Scope::Browse);
            expected = apiCount("/api/tasks", "", "tasks"); // the open ones
            break;
        case 2:
            model = std::make_unique<TaskListModel>(owner.get(), TaskListModel::Scope::Mine);
            expected = apiCount("/api/agent/tasks", m_owner.token, "tasks");
            break;
        case 3:
            model = std::make_unique<BidListModel>(worker.get());
            expected = apiCount("/api/agent/bids", m_worker.token, "bids");
            break;
        case 4:
            model = std::make_unique<ContractListModel>(owner.get(), ContractListModel::Party::Buyer);
            expected = apiCount("/api/agent/contracts?role=buyer", m_owner.token, "contracts");
            QCOMPARE(expected, kHired);
            break;
        case 5:
            // A contract holds at most 3 deliveries: pages of 2 to page at all.
            model = std::make_unique<SubmissionListModel>(owner.get(), SubmissionListModel::Source::Contract,
                                                          m_contractIds[0]);
            pageSize = 2;
            expected = 3;
            break;
        case 6:
            model = std::make_unique<TransactionListModel>(owner.get());
            expected = apiCount("/api/agent/wallet/transactions", m_owner.token, "transactions");
            break;
        case 7:
            model = std::make_unique<NotificationListModel>(owner.get());
            expected = apiCount("/api/agent/notifications", m_owner.token, "notifications");
            break;
        case 8: {
            const std::string task = m_taskIds.last().toStdString();
            for (int i = 0; i < 5; ++i)
                post("/api/agent/tasks/" + task + "/comments", i % 2 ? m_owner.token : m_worker.token,
                     json::object{{"body", "Comment " + std::to_string(i)}}, nullptr, 201);
            model = std::make_unique<CommentListModel>(owner.get(), m_taskIds.last());
            pageSize = 2;
            expected = apiCount("/api/agent/tasks/" + task + "/comments", m_owner.token, "comments");
            QVERIFY(expected >= 5);
            break;
        }
        case 9: {
            // The worker's own task, so the owner's task counts elsewhere stay as seeded.
            const std::string task = post("/api/agent/tasks", m_worker.token,
                                          json::object{{"title", "Needs approval"},
                                                       {"description", "Claims wait for the owner."},
                                                       {"skillsTags", json::array{"docs"}},
                                                       {"budgetAmount", 10},
                                                       {"mode", "claim"},
                                                       {"requireApproval", true}},
                                          "task");
            for (int i = 0; i < 3; ++i) {
                const auto applicant = m_srv->registerMember("applicant_" + std::to_string(i), {"docs"});
                QVERIFY(!post("/api/agent/tasks/" + task + "/claim", applicant.token, json::object{},
                              "application")
                             .empty());
            }
            model = std::make_unique<ApplicationListModel>(worker.get(), qs(task));
            pageSize = 2;
            expected = apiCount("/api/agent/tasks/" + task + "/applications", m_worker.token, "applications");
            QCOMPARE(expected, 3);
            break;
        }
        }
        QVERIFY2(expected > pageSize, "the list must span more than one page");
        model->setPageSize(pageSize);

        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        ListFilterProxyModel proxy;
        proxy.setSourceModel(model.get());
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);

        // The tester's own fetchMore() has already asked for the first page.
        QVERIFY(model->isLoading());
        QCOMPARE(model->rowCount(), 0);
        const int pages = loadAllPages(*model);
        QCOMPARE(pages, (expected + pageSize - 1) / pageSize);
        QCOMPARE(model->rowCount(), expected);
        QVERIFY(!model->hasMore());
        QVERIFY(!model->canFetchMore(QModelIndex()));
        QVERIFY(!model->lastError().isError());
        checkNoDuplicateIds(*model);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(proxy.rowCount(), expected);

        // Every cell answers the common roles; the header names every column.
        for (int column = 0; column < model->columnCount(); ++column)
            QVERIFY(!model->headerData(column, Qt::Horizontal).toString().isEmpty());
        const QModelIndex first = model->index(0, 0);
        QVERIFY(first.data(ApiListModel::RawJsonRole).toJsonObject().value(QLatin1String("id")).toString() ==
                first.data(ApiListModel::IdRole).toString());
        const bool hasStatus = kind != 8; // comments have no state
        QCOMPARE(!first.data(ApiListModel::StatusRole).toString().isEmpty(), hasStatus);
        QCOMPARE(model->rowOfId(first.data(ApiListModel::IdRole).toString()), 0);

        // Client-side: a status filter, then sorting by the sortable EditRole.
        if (hasStatus) {
            const QString status = first.data(ApiListModel::StatusRole).toString();
            proxy.setStatusFilter({status});
            QVERIFY(proxy.rowCount() > 0);
            for (int row = 0; row < proxy.rowCount(); ++row)
                QCOMPARE(proxy.index(row, 0).data(ApiListModel::StatusRole).toString(), status);
            proxy.setStatusFilter({});
            QCOMPARE(proxy.rowCount(), expected);
        }
        const int lastColumn = model->columnCount() - 1; // every model ends with a time
        QCOMPARE(model->index(0, lastColumn).data(Qt::EditRole).userType(), QMetaType::QDateTime);
        proxy.sort(lastColumn, Qt::AscendingOrder);
        for (int row = 1; row < proxy.rowCount(); ++row)
            QVERIFY(proxy.index(row - 1, lastColumn).data(Qt::EditRole).toDateTime() <=
                    proxy.index(row, lastColumn).data(Qt::EditRole).toDateTime());

        // Refresh: back to the first page in one reset, more to fetch again.
        const QString keptId = first.data(ApiListModel::IdRole).toString();
        QSignalSpy refreshed(model.get(), &ApiListModel::refreshed);
        QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);
        model->refresh();
        QCOMPARE(model->rowCount(), expected); // the old rows stay until the answer
        QVERIFY(refreshed.wait(10000));
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model->rowCount(), pageSize);
        QVERIFY(model->hasMore()); // (the tester has already asked for page 2)
        QVERIFY(model->indexOfId(keptId).isValid());
        QCOMPARE(loadAllPages(*model), pages - 1);
        QCOMPARE(model->rowCount(), expected);
    }

    void modelsShowAmountsAndTimes()
    {
        auto owner = makeClient(m_owner.token);
        TaskListModel tasks(owner.get(), TaskListModel::Scope::Mine);
        QAbstractItemModelTester tester(&tasks, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(loadAllPages(tasks) > 1);
        const QModelIndex oldest = tasks.indexOfId(m_taskIds.first(), TaskListModel::Budget);
        QVERIFY(oldest.isValid());
        QCOMPARE(oldest.data().toString(), QLocale().toString(10.0, 'f', 2) + QStringLiteral(" CREDITS"));
        QCOMPARE(oldest.data(Qt::EditRole).toDouble(), 10.0);
        QCOMPARE(oldest.data(TaskListModel::BudgetCentsRole).toLongLong(), 1000LL);
        QCOMPARE(tasks.index(oldest.row(), TaskListModel::Title).data().toString(),
                 QStringLiteral("Task 00"));
        const QString iso = oldest.data(ApiListModel::RawJsonRole)
                                .toJsonObject()
                                .value(QLatin1String("createdAt"))
                                .toString();
        const QDateTime utc = QDateTime::fromString(iso, Qt::ISODateWithMs);
        QVERIFY(utc.isValid());
        QCOMPARE(tasks.index(oldest.row(), TaskListModel::Created).data().toString(),
                 QLocale().toString(utc.toLocalTime(), QLocale::ShortFormat));
        QCOMPARE(tasks.index(oldest.row(), TaskListModel::Created).data(Qt::EditRole).toDateTime(), utc);

        // The board's proxy: text (also in descriptions), state, mode, skill.
        TaskFilterProxyModel board;
        board.setSourceModel(&tasks);
        QAbstractItemModelTester boardTester(&board, QAbstractItemModelTester::FailureReportingMode::Fatal);
        board.setFilterText(QStringLiteral("task 07"));
        QCOMPARE(board.rowCount(), 1);
        board.setFilterText(QStringLiteral("seeded task number 12 "));
        QCOMPARE(board.rowCount(), 1);
        board.setFilterText({});
        board.setStatusFilter({QStringLiteral("assigned")});
        QCOMPARE(board.rowCount(), kHired);
        board.setStatusFilter({});
        board.setModeFilter({QStringLiteral("claim")});
        QCOMPARE(board.rowCount(), 0);
        board.setModeFilter({QStringLiteral("bid")});
        board.setSkillFilter(QStringLiteral("DOCS"));
        QCOMPARE(board.rowCount(), tasks.rowCount());

        // Transactions are signed from my side, two decimals.
        TransactionListModel txns(owner.get());
        QVERIFY(loadAllPages(txns) > 1);
        bool sawDebit = false;
        for (int row = 0; row < txns.rowCount(); ++row) {
            const QModelIndex amount = txns.index(row, TransactionListModel::Amount);
            const double value = amount.data(Qt::EditRole).toDouble();
            QCOMPARE(amount.data().toString(),
                     QLocale().toString(value, 'f', 2) + QStringLiteral(" CREDITS"));
            QCOMPARE(amount.data(TransactionListModel::AmountCentsRole).toLongLong(), qRound64(value * 100));
            sawDebit = sawDebit || value < 0;
        }
        QVERIFY(sawDebit);

        // Notifications: unread state as StatusRole, filterable.
        NotificationListModel notes(owner.get());
        QVERIFY(loadAllPages(notes) > 1);
        ListFilterProxyModel unread;
        unread.setSourceModel(&notes);
        unread.setStatusFilter({QStringLiteral("unread")});
        QCOMPARE(unread.rowCount(), notes.rowCount());
        QCOMPARE(notes.index(0, 0).data(NotificationListModel::UnreadRole).toBool(), true);

        // Submissions: newest first, rejected ones with their reason.
        SubmissionListModel subs(owner.get(), SubmissionListModel::Source::Contract, m_contractIds[0]);
        QVERIFY(loadAllPages(subs) == 1);
        QCOMPARE(subs.rowCount(), 3);
        QCOMPARE(subs.index(0, SubmissionListModel::Summary).data().toString(), QStringLiteral("Delivery 3"));
        QCOMPARE(subs.index(2, SubmissionListModel::Status).data().toString(), QStringLiteral("rejected"));
        QCOMPARE(subs.index(2, SubmissionListModel::Status).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("Not yet"));
    }

    void modelReportsFailureAndRetries()
    {
        FlakyProxy proxy(m_srv->port());
        auto client = makeClient(proxy.url(), m_owner.token);
        client->setRetryPolicy({1, std::chrono::milliseconds(10), std::chrono::milliseconds(10)});
        BidListModel bids(client.get(), m_taskIds.last());
        QAbstractItemModelTester tester(&bids, QAbstractItemModelTester::FailureReportingMode::Fatal);
        proxy.plan({FlakyProxy::Action::Reply503});
        QSignalSpy failed(&bids, &ApiListModel::loadFailed);
        bids.fetchMore(QModelIndex());
        QVERIFY(failed.wait(10000));
        QCOMPARE(bids.lastError().httpStatus(), 503);
        QVERIFY2(!bids.canFetchMore(QModelIndex()), "no automatic refetch loop after a failure");
        QSignalSpy page(&bids, &ApiListModel::pageLoaded);
        bids.retryFetch();
        QVERIFY(page.wait(10000));
        QCOMPARE(bids.rowCount(), 1);
        QVERIFY(!bids.lastError().isError());
    }

    // ---- session ----------------------------------------------------------------

    void sessionKeepsTokensOutOfSettings()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("console.ini"));
        MemorySecretStore store;
        const QString token = qs(m_owner.token);
        AuthResult auth;
        auth.profileId = qs(m_owner.id);
        auth.handle = qs(m_owner.handle);
        auth.roles = {QStringLiteral("member")};
        auth.tokenValue = token;
        const QUrl url = serverUrl(m_srv->port());
        QString key;
        {
            QSettings settings(path, QSettings::IniFormat);
            Session session(&settings, &store);
            QSignalSpy persisted(&session, &Session::tokenPersistenceChanged);
            QSignalSpy ready(&session, &Session::tokenReady);
            const ConnectionProfile p = session.signIn(url, auth);
            key = p.key();
            QCOMPARE(ready.size(), 1);
            QVERIFY(session.hasToken());
            QVERIFY(persisted.wait(5000));
            QCOMPARE(persisted.first().first().toBool(), true);
            QVERIFY(session.tokenPersisted());
            QVERIFY(store.contains(p.secretKey()));
            QCOMPARE(session.profiles().size(), 1);
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray ini = file.readAll();
        QVERIFY2(ini.contains(auth.handle.toUtf8()), "the profile itself is saved");
        QVERIFY2(!ini.contains(token.toUtf8()), "the token must never reach QSettings");
        QVERIFY(!ini.contains("td_"));

        // A new run: the profile comes back from the settings, the token from the store.
        QSettings settings(path, QSettings::IniFormat);
        Session session(&settings, &store);
        ApiClient client(&m_nam);
        session.attach(&client);
        QCOMPARE(session.lastProfileKey(), key);
        QSignalSpy ready(&session, &Session::tokenReady);
        session.activate(key);
        QVERIFY(ready.wait(5000));
        QCOMPARE(client.baseUrl(), url);
        QCOMPARE(session.current().profileId(), qs(m_owner.id));
        EntityJob* me = client.auth().me();
        QSignalSpy meSpy(me, &EntityJob::received);
        me->start();
        QVERIFY(meSpy.wait(10000));
        QCOMPARE(meSpy.first().first().toJsonObject().value(QLatin1String("handle")).toString(), auth.handle);

        // Signing out deletes the stored token; the next activation asks to sign in.
        session.signOut();
        QVERIFY(!session.hasToken());
        QTRY_VERIFY(!store.contains(session.current().secretKey()));
        QSignalSpy required(&session, &Session::signInRequired);
        session.activate(key);
        QVERIFY(required.wait(5000));
    }

    void sessionWithoutKeychainKeepsTokenInMemory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("console.ini"));
        MemorySecretStore store;
        store.setAvailable(false);
        const auto member = m_srv->registerMember("no_keychain");
        AuthResult auth;
        auth.profileId = qs(member.id);
        auth.handle = qs(member.handle);
        auth.tokenValue = qs(member.token);
        QString key;
        {
            QSettings settings(path, QSettings::IniFormat);
            Session session(&settings, &store);
            ApiClient client(&m_nam);
            session.attach(&client);
            QSignalSpy persisted(&session, &Session::tokenPersistenceChanged);
            key = session.signIn(serverUrl(m_srv->port()), auth).key();
            QVERIFY(persisted.wait(5000));
            QCOMPARE(persisted.first().at(0).toBool(), false);
            QVERIFY(persisted.first().at(1).toString().contains(QLatin1String("No keychain")));
            QVERIFY(!session.tokenPersisted());
            QVERIFY(session.hasToken());
            QCOMPARE(store.size(), 0);
            // Signed in for this run all the same.
            UnreadCountJob* job = client.notifications().unreadCount();
            QSignalSpy unread(job, &UnreadCountJob::unreadCountReceived);
            job->start();
            QVERIFY(unread.wait(10000));
        }
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray ini = file.readAll();
        QVERIFY(ini.contains(auth.handle.toUtf8()));
        QVERIFY2(!ini.contains(auth.tokenValue.toUtf8()), "no fallback to QSettings");
        // Nothing else in the folder either (no file fallback).
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("console.ini")});

        // The next run has to sign in again.
        QSettings settings(path, QSettings::IniFormat);
        Session session(&settings, &store);
        QSignalSpy required(&session, &Session::signInRequired);
        session.activate(key);
        QVERIFY(required.wait(5000));
        QVERIFY(!session.hasToken());
    }

    // The real QtKeychain path: on a desktop the token lands in the keychain;
    // on a headless CI machine there is none and the Session falls back to
    // memory and says so. Either way nothing reaches the settings file.
    void sessionWithRealKeychain()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("console.ini"));
        KeychainSecretStore store(QStringLiteral("TaskDesk-test"));
        store.setTimeout(std::chrono::seconds(10));
        const auto member = m_srv->registerMember("real_keychain");
        AuthResult auth;
        auth.profileId = qs(member.id);
        auth.handle = qs(member.handle);
        auth.tokenValue = qs(member.token);
        QSettings settings(path, QSettings::IniFormat);
        Session session(&settings, &store);
        QSignalSpy persisted(&session, &Session::tokenPersistenceChanged);
        const ConnectionProfile p = session.signIn(serverUrl(m_srv->port()), auth);
        QVERIFY(persisted.wait(20000));
        const bool stored = persisted.first().at(0).toBool();
        QCOMPARE(session.tokenPersisted(), stored);
        QVERIFY(session.hasToken());
        qInfo() << "keychain:" << (stored ? "available" : "not available") << "-"
                << persisted.first().at(1).toString();
        if (stored) {
            QSettings settings2(path, QSettings::IniFormat);
            Session again(&settings2, &store);
            QSignalSpy ready(&again, &Session::tokenReady);
            again.activate(p.key());
            QVERIFY(ready.wait(20000));
            QVERIFY(again.hasToken());
            session.removeProfile(p.key()); // leave the developer's keychain clean
            QTest::qWait(200);
        } else {
            QVERIFY(!persisted.first().at(1).toString().isEmpty());
        }
        settings.sync();
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains(auth.tokenValue.toUtf8()));
    }

    // ---- live updates -----------------------------------------------------------

    // Against the real server: the unread count, and the events long poll where
    // the server has one (else its 404 switches LiveUpdates to polling alone).
    void liveUpdatesReportUnreadCounts()
    {
        const auto pub = m_srv->registerMember("live_pub", {"docs"});
        const auto bidder = m_srv->registerMember("live_bidder", {"docs"});
        const int eventsStatus = m_srv->client().call("GET", "/api/agent/events?wait=0", pub.token).status;
        QVERIFY(eventsStatus == 200 || eventsStatus == 404);
        const bool serverHasEvents = eventsStatus == 200;
        auto client = makeClient(pub.token);
        LiveUpdates live(client.get());
        // With events, the count moves only because an event arrived.
        live.setPollInterval(serverHasEvents ? std::chrono::milliseconds(60'000)
                                             : std::chrono::milliseconds(150));
        QSignalSpy changed(&live, &LiveUpdates::notificationsChanged);
        QSignalSpy support(&live, &LiveUpdates::eventsSupportChanged);
        QSignalSpy arrived(&live, &LiveUpdates::eventsArrived);
        NotificationListModel notes(client.get());
        connect(&live, &LiveUpdates::notificationsChanged, &notes, &ApiListModel::refresh);
        live.start();
        QVERIFY(changed.wait(10000));
        QCOMPARE(changed.first().first().toInt(), 0);
        const auto expectedSupport =
            serverHasEvents ? LiveUpdates::EventsSupport::Supported : LiveUpdates::EventsSupport::Unsupported;
        if (serverHasEvents)
            QTest::qWait(300); // the first long poll is waiting on the server now
        else
            QTRY_COMPARE_WITH_TIMEOUT(live.eventsSupport(), expectedSupport, 10000);

        const std::string taskId = post("/api/agent/tasks", pub.token,
                                        json::object{{"title", "Live task"},
                                                     {"description", "Watch the bell."},
                                                     {"budgetAmount", 20},
                                                     {"budgetCurrency", "CREDITS"}},
                                        "task");
        post("/api/agent/tasks/" + taskId + "/bids", bidder.token, json::object{{"proposedAmount", 15}},
             "bid");
        QTRY_COMPARE_WITH_TIMEOUT(live.unreadCount(), 1, 10000);
        QCOMPARE(changed.last().first().toInt(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(notes.rowCount(), 1, 10000); // the model refreshed on the signal
        QCOMPARE(live.eventsSupport(), expectedSupport);
        QCOMPARE(support.size(), 1);
        if (serverHasEvents) {
            QCOMPARE(arrived.size(), 1);
            const QJsonArray events = arrived.first().first().toJsonArray();
            QCOMPARE(events.size(), 1);
            QCOMPARE(events.first().toObject().value(QLatin1String("type")).toString(),
                     QStringLiteral("bid.received"));
        } else {
            QCOMPARE(arrived.size(), 0);
        }

        // Reading creates no event: the UI asks for a fresh count.
        post("/api/agent/notifications/read-all", pub.token, json::object{}, nullptr, 200);
        live.pollNow();
        QTRY_COMPARE_WITH_TIMEOUT(live.unreadCount(), 0, 10000);
        live.stop();
        QVERIFY(!live.isRunning());
    }

    // The events path and the fallback, made deterministic by the proxy: one
    // long poll answered with an event, the next with a 404.
    void liveUpdatesLongPollEventsWhenServed()
    {
        FlakyProxy proxy(m_srv->port());
        const QByteArray events =
            R"({"events":[{"id":"ntf_zzzz","type":"bid.received","entityType":"bid","entityId":"bid_x","message":"New bid","createdAt":"2030-01-01T00:00:00.000Z","readAt":null}],"cursor":"ntf_zzzz"})";
        proxy.cannedOnce("/api/agent/events", 200, events);
        proxy.cannedOnce("/api/agent/events", 404,
                         R"json({"error":"No such endpoint","code":"NOT_FOUND","retry":false})json");
        auto client = makeClient(proxy.url(), m_owner.token);
        LiveUpdates live(client.get());
        live.setPollInterval(std::chrono::milliseconds(5000));
        QSignalSpy arrived(&live, &LiveUpdates::eventsArrived);
        QSignalSpy support(&live, &LiveUpdates::eventsSupportChanged);
        live.start();
        QVERIFY(arrived.wait(10000));
        QCOMPARE(arrived.first().first().toJsonArray().size(), 1);
        QCOMPARE(support.first().first().value<LiveUpdates::EventsSupport>(),
                 LiveUpdates::EventsSupport::Supported);
        // The first long poll started after the newest notification, the next after the delivered event.
        const auto polls = proxy.seenFor("GET", "/api/agent/events");
        QVERIFY(polls.first().target.contains("after=ntf_"));
        QTRY_VERIFY_WITH_TIMEOUT(proxy.seenFor("GET", "/api/agent/events").size() >= 2, 10000);
        QVERIFY(proxy.seenFor("GET", "/api/agent/events").at(1).target.contains("after=ntf_zzzz"));
        // Then a 404: back to polling alone.
        QTRY_COMPARE_WITH_TIMEOUT(live.eventsSupport(), LiveUpdates::EventsSupport::Unsupported, 10000);
        live.stop();
    }
};

TASKDESK_API_TEST_MAIN(ModelsTest)
#include "tst_models.moc"
