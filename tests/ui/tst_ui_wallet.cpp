// The Wallet view against a real in-process server: the figures equal
// GET /api/agent/wallet to the cent, the balance chart is rebuilt from the
// transactions and ends at the available figure, the table lists every
// transfer with its sign and filters by kind (on the server) and by text, a
// worker's pending payout moves to available after the hold. BalanceHistory,
// which turns transactions into the chart's series, is checked on its own.
#include "BalanceHistory.h"
#include "ConsoleFixture.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonPath.h"
#include "TransactionListModel.h"
#include "wallet/BalanceChartView.h"
#include "wallet/TransactionTableProxyModel.h"
#include "wallet/WalletView.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QTableView>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;
using models::BalanceHistory;
using models::Formatting;
using models::TransactionListModel;

namespace {

qint64 cents(const json::value& v)
{
    return qRound64(v.to_number<double>() * 100.0);
}

QString credits(qint64 c)
{
    return Formatting::cents(c, QStringLiteral("CREDITS"));
}

json::object taskBody(const std::string& title, double budget)
{
    json::object t;
    t["title"] = title;
    t["description"] = "Write it up clearly and attach the sources.";
    t["budgetAmount"] = budget;
    t["budgetCurrency"] = "CREDITS";
    return t;
}

QJsonObject txn(const char* id, double amount, const char* account, const char* createdAt,
                const char* kind = "escrow")
{
    return {{QStringLiteral("id"), QLatin1String(id)},
            {QStringLiteral("amount"), amount},
            {QStringLiteral("account"), QLatin1String(account)},
            {QStringLiteral("kind"), QLatin1String(kind)},
            {QStringLiteral("currency"), QStringLiteral("CREDITS")},
            {QStringLiteral("createdAt"), QLatin1String(createdAt)}};
}

// Every transaction of the member, newest first, straight from the server.
json::array allTransactions(ConsoleFixture& f, const std::string& token)
{
    json::array out;
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
        std::string target = "/api/agent/wallet/transactions?limit=100";
        if (!cursor.empty())
            target += "&cursor=" + cursor;
        const auto r = f.call("GET", target, token);
        if (r.status != 200)
            return out;
        const json::value page = r.json();
        const json::value items = jsonPath(page, "transactions");
        if (!items.is_array())
            return out;
        for (const auto& t : items.as_array())
            out.push_back(t);
        cursor = jsonText(jsonPath(page, "nextCursor"));
        if (cursor.empty())
            break;
    }
    return out;
}

// A bid on the task at price, hired, delivered and accepted by the owner.
std::string hireDeliverAccept(ConsoleFixture& f, const TestServer::Member& owner,
                              const TestServer::Member& worker, const std::string& taskId, double price)
{
    auto r =
        f.call("POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
               json::object{{"proposedAmount", price}, {"etaDays", 2}, {"approach", "Plan: do it well."}});
    if (r.status != 201)
        return "bid: " + r.body;
    const std::string bidId = jsonText(jsonPath(r.json(), "bid.id"));
    r = f.call("POST", "/api/agent/contracts", owner.token,
               json::object{{"taskId", taskId}, {"bidId", bidId}});
    if (r.status != 201)
        return "hire: " + r.body;
    const std::string contractId = jsonText(jsonPath(r.json(), "contract.id"));
    r = f.call(
        "POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
        json::object{{"deliverableUrl", "https://example.com/work/1"}, {"summaryText", "Done as asked."}});
    if (r.status != 201)
        return "submit: " + r.body;
    r = f.call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
               json::object{{"action", "accept"}, {"rating", 5}});
    if (r.status != 200)
        return "accept: " + r.body;
    return {};
}

ui::WalletView* showWallet(ConsoleFixture& f)
{
    return qobject_cast<ui::WalletView*>(f.show(QStringLiteral("walletView")));
}

QString label(ConsoleFixture& f, const char* name)
{
    auto* l = f.find<QLabel>(QLatin1String(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

// The figures on screen and in the view equal the server's wallet.
void checkFiguresMatchServer(ConsoleFixture& f, ui::WalletView* view, const std::string& token)
{
    const auto wallet = f.call("GET", "/api/agent/wallet", token).json();
    const qint64 available = cents(jsonPath(wallet, "wallet.available"));
    const qint64 pending = cents(jsonPath(wallet, "wallet.pending"));
    const qint64 escrow = cents(jsonPath(wallet, "wallet.escrow"));
    QCOMPARE(view->balance().availableCents, available);
    QCOMPARE(view->balance().pendingCents, pending);
    QCOMPARE(view->balance().escrowCents, escrow);
    QCOMPARE(label(f, "walletAvailable"), credits(available));
    QCOMPARE(label(f, "walletPending"), credits(pending));
    QCOMPARE(label(f, "walletEscrow"), credits(escrow));
}

} // namespace

class TestUiWallet : public QObject
{
    Q_OBJECT
private slots:
    void historyWalksBackExactlyInCents();
    void historyOfPartialAndEmptyLists();
    void publisherSeesEscrowRefundAndFilters();
    void newMemberSeesWelcomeCredits();
    void workerPendingMovesToAvailableAfterHold();
    void realisticHistoryScreenshot();
};

void TestUiWallet::historyWalksBackExactlyInCents()
{
    // Newest first, as the API lists them. Payouts land in pending and fees
    // leave escrow: neither moves the available balance; a release does.
    QJsonArray list{
        txn("txn_9", 0.01, "available", "2024-05-03T12:00:00.000Z", "refund"),
        txn("txn_8", 142.50, "available", "2024-05-03T10:00:00.000Z", "release"),
        txn("txn_7", -7.50, "escrow", "2024-05-02T10:00:01.000Z", "fee"),
        txn("txn_6", 142.50, "pending", "2024-05-02T10:00:00.000Z", "payout"),
        txn("txn_5", -0.33, "available", "2024-05-01T09:00:00.000Z", "escrow"),
        txn("txn_4", 40.25, "available", "2024-05-01T08:00:00.000Z", "refund"),
        txn("txn_3", -40.25, "available", "2024-05-01T07:00:00.000Z", "escrow"),
        txn("txn_2", -125.50, "available", "2024-05-01T06:00:00.000Z", "escrow"),
        txn("txn_1", 1000, "available", "2024-05-01T05:00:00.000Z", "registration_grant"),
    };
    // 1000 - 125.50 - 40.25 + 40.25 - 0.33 + 142.50 + 0.01 = 1016.68
    const qint64 current = 101668;
    const QDateTime now = QDateTime::fromString(QStringLiteral("2024-05-04T00:00:00Z"), Qt::ISODate);
    BalanceHistory h(current, list, now);
    QCOMPARE(h.movements(), 7);
    QCOMPARE(h.points().size(), qsizetype(9));
    QCOMPARE(h.startCents(), qint64(0));
    QCOMPARE(h.currentCents(), current);
    const QList<qint64> expected{0, 100000, 87450, 83425, 87450, 87417, 101667, 101668, 101668};
    QList<qint64> got;
    for (const auto& p : h.points())
        got << p.balanceCents;
    QCOMPARE(got, expected);
    QCOMPARE(h.points().at(1).transactionId, QStringLiteral("txn_1"));
    QCOMPARE(h.points().at(7).transactionId, QStringLiteral("txn_9"));
    QCOMPARE(h.points().first().at, Formatting::parseTime(QStringLiteral("2024-05-01T05:00:00.000Z")));
    QCOMPARE(h.points().last().at, now);
    QCOMPARE(h.minCents(), qint64(0));
    QCOMPARE(h.maxCents(), qint64(101668));
    for (qsizetype i = 1; i < h.points().size(); ++i)
        QVERIFY2(h.points()[i - 1].at <= h.points()[i].at, "times never go backwards");

    QCOMPARE(BalanceHistory::availableDelta(list.at(2).toObject()), qint64(0));
    QCOMPARE(BalanceHistory::availableDelta(list.at(4).toObject()), qint64(-33));
    // 0.1 + 0.2 style amounts stay exact in cents.
    QCOMPARE(BalanceHistory::availableDelta(txn("t", 0.29, "available", "2024-01-01T00:00:00Z")), qint64(29));
}

void TestUiWallet::historyOfPartialAndEmptyLists()
{
    // Only the newest page: the walk back stops at the oldest transaction
    // given, which is then not zero.
    QJsonArray page{
        txn("txn_3", -25, "available", "2024-05-01T07:00:00Z"),
        txn("txn_2", 10, "available", "2024-05-01T06:00:00Z"),
    };
    BalanceHistory partial(50000, page,
                           QDateTime::fromString(QStringLiteral("2024-05-02T00:00:00Z"), Qt::ISODate));
    QCOMPARE(partial.startCents(), qint64(50000 + 2500 - 1000));
    QCOMPARE(partial.movements(), 2);

    // A server clock ahead of ours: the line ends at the newest transaction, not before it.
    const QDateTime early = QDateTime::fromString(QStringLiteral("2024-04-01T00:00:00Z"), Qt::ISODate);
    BalanceHistory ahead(50000, page, early);
    QCOMPARE(ahead.points().last().at, Formatting::parseTime(QStringLiteral("2024-05-01T07:00:00Z")));

    // A clock that stepped back between two transactions does not fold the line.
    QJsonArray stepped{
        txn("txn_2", 10, "available", "2024-05-01T05:00:00Z"),
        txn("txn_1", 10, "available", "2024-05-01T06:00:00Z"),
    };
    BalanceHistory folded(2000, stepped, {});
    QCOMPARE(folded.points().at(1).at, folded.points().at(2).at);
    QCOMPARE(folded.startCents(), qint64(0));

    // No transactions at all: one flat point pair at the current balance.
    BalanceHistory none(1234, {}, early);
    QCOMPARE(none.points().size(), qsizetype(2));
    QCOMPARE(none.movements(), 0);
    QCOMPARE(none.startCents(), qint64(1234));
    QVERIFY(BalanceHistory().isEmpty());
}

void TestUiWallet::publisherSeesEscrowRefundAndFilters()
{
    ConsoleFixture f;
    FlakyProxy& proxy = f.useProxy();
    const auto me = f.signInAsNew("petra");
    auto r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Summarise the quarterly report", 125.5));
    QCOMPARE(r.status, 201);
    r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Translate the README", 40.25));
    QCOMPARE(r.status, 201);
    const std::string cancelled = jsonText(jsonPath(r.json(), "task.id"));
    r = f.call("POST", "/api/agent/tasks/" + cancelled + "/cancel", me.token, json::object{});
    QCOMPARE(r.status, 200);

    ui::WalletView* view = showWallet(f);
    QVERIFY(view);
    QAbstractItemModelTester tester(view->transactionsProxy(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isRefreshing() && !view->history().isEmpty(), 10000);
    checkFiguresMatchServer(f, view, me.token);
    QCOMPARE(view->balance().availableCents, qint64(100000 - 12550));
    QCOMPARE(view->balance().escrowCents, qint64(12550));
    QCOMPARE(label(f, "walletAvailable"), credits(87450));
    QVERIFY2(label(f, "walletAvailable").contains(QStringLiteral("874.50")),
             qPrintable(label(f, "walletAvailable")));

    // The chart: rebuilt from every transaction, ending exactly at the figure.
    const json::array server = allTransactions(f, me.token);
    QCOMPARE(server.size(), std::size_t(4)); // welcome, escrow, escrow, refund
    int movesAvailable = 0;
    for (const auto& t : server)
        if (jsonText(jsonPath(t, "account")) == "available")
            ++movesAvailable;
    QCOMPARE(movesAvailable, 4);
    const BalanceHistory& h = view->history();
    QCOMPARE(h.movements(), movesAvailable);
    QCOMPARE(h.points().size(), qsizetype(movesAvailable + 2));
    QCOMPARE(h.startCents(), qint64(0));
    QCOMPARE(h.currentCents(), view->balance().availableCents);
    QLineSeries* series = view->chart()->series();
    // The line passes through the balance after each instant's changes, and
    // runs on to the right edge.
    const QList<QPointF> drawn = series->points();
    QVERIFY(drawn.size() <= int(h.points().size()) * 2);
    for (qsizetype i = 0; i < h.points().size(); ++i) {
        const auto& p = h.points()[i];
        if (i + 1 < h.points().size() && h.points()[i + 1].at == p.at)
            continue; // not where this instant ended
        const QPointF expected(double(p.at.toMSecsSinceEpoch()), double(p.balanceCents) / 100.0);
        QVERIFY2(drawn.contains(expected), qPrintable(QStringLiteral("point %1 not drawn").arg(i)));
    }
    QCOMPARE(qRound64(series->points().last().y() * 100.0), view->balance().availableCents);
    QCOMPARE(qRound64(series->points().first().y() * 100.0), qint64(0));
    QVERIFY(!f.find<ui::ErrorBanner>(QStringLiteral("walletError"))->isVisible());

    // The table: every transaction, the amount signed as the server signs it.
    auto* table = f.find<QTableView>(QStringLiteral("walletTransactions"));
    QVERIFY(table);
    QAbstractItemModel* shown = table->model();
    QVERIFY(waitForRows(shown, int(server.size())));
    QCOMPARE(shown->rowCount(), int(server.size()));
    for (const auto& t : server) {
        const QString id = QString::fromStdString(jsonText(jsonPath(t, "id")));
        const qint64 amount = cents(jsonPath(t, "amount"));
        const QModelIndex source = view->transactions()->indexOfId(id, TransactionListModel::Amount);
        QVERIFY2(source.isValid(), qPrintable(id));
        const QModelIndex cell = view->transactionsProxy()->mapFromSource(source);
        const QString text = cell.data().toString();
        const QString expected = (amount > 0 ? QStringLiteral("+") : QString()) + credits(amount);
        QCOMPARE(text, expected);
        QCOMPARE(text.startsWith(QLatin1Char(amount > 0 ? '+' : '-')), true);
        QVERIFY(cell.data(Qt::ForegroundRole).isValid());
        QCOMPARE(cell.data(Qt::TextAlignmentRole).toInt() & Qt::AlignRight, int(Qt::AlignRight));
    }
    QVERIFY(columnTexts(shown, TransactionListModel::Kind).contains(QStringLiteral("Welcome credits")));
    // Tasks by their titles, once the console has read them.
    QTRY_VERIFY(columnTexts(shown, TransactionListModel::Reference)
                    .contains(QStringLiteral("Task: Summarise the quarterly report")));
    QVERIFY(columnTexts(shown, TransactionListModel::Memo).contains(QStringLiteral("Escrow returned")));
    QVERIFY(label(f, "walletCount").contains(QStringLiteral("4")));

    // Kind filter: the server is asked for refunds only.
    auto* kind = f.find<QComboBox>(QStringLiteral("walletKindFilter"));
    QVERIFY(kind);
    const int refundIndex = kind->findData(QStringLiteral("refund"));
    QVERIFY(refundIndex > 0);
    kind->setFocus();
    kind->setCurrentIndex(refundIndex);
    QTRY_COMPARE(shown->rowCount(), 1);
    QCOMPARE(shown->index(0, TransactionListModel::Amount).data().toString(),
             QStringLiteral("+") + credits(4025));
    QCOMPARE(shown->index(0, TransactionListModel::Kind).data().toString(), QStringLiteral("Refund"));
    bool askedServer = false;
    for (const auto& seen : proxy.seenFor("GET", "/api/agent/wallet/transactions"))
        askedServer = askedServer || seen.target.contains("kind=refund");
    QVERIFY2(askedServer, "the kind filter is the server's ?kind=");
    // The chart keeps the whole history whatever the table shows.
    QCOMPARE(view->history().movements(), movesAvailable);

    // Back to all kinds, then the local text filter.
    kind->setCurrentIndex(0);
    QTRY_COMPARE(shown->rowCount(), 4);
    auto* search = f.find<QLineEdit>(QStringLiteral("walletSearch"));
    QTest::keyClicks(search, QStringLiteral("budget escrowed"));
    QCOMPARE(shown->rowCount(), 2);
    search->clear();
    QTest::keyClicks(search, QStringLiteral("readme"));
    QCOMPARE(shown->rowCount(), 2); // the cancelled task's escrow and refund, found by its title
    search->clear();
    QTest::keyClicks(search, QStringLiteral("budget escrowed"));
    for (int row = 0; row < shown->rowCount(); ++row)
        QVERIFY(
            shown->index(row, TransactionListModel::Amount).data().toString().startsWith(QLatin1Char('-')));
    QVERIFY(label(f, "walletCount").contains(QStringLiteral("2 of 4")));
    search->clear();
    QCOMPARE(shown->rowCount(), 4);

    // Another task posted elsewhere (no notification for that), then a bid on
    // it: the live feed's notification makes the view read the wallet again.
    r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Draw the architecture diagram", 10));
    QCOMPARE(r.status, 201);
    const std::string diagram = jsonText(jsonPath(r.json(), "task.id"));
    const auto bidder = f.server().registerMember("bidder");
    QCOMPARE(f.call("POST", "/api/agent/tasks/" + diagram + "/bids", bidder.token,
                    json::object{{"proposedAmount", 10}, {"etaDays", 1}, {"approach", "A clean diagram."}})
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(view->balance().escrowCents, qint64(13550), 10000);
    QTRY_VERIFY(!view->isRefreshing());
    checkFiguresMatchServer(f, view, me.token);
    QCOMPARE(view->history().currentCents(), qint64(86450));
    QTRY_COMPARE(shown->rowCount(), 5);
}

void TestUiWallet::newMemberSeesWelcomeCredits()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("nina");
    ui::WalletView* view = showWallet(f);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isRefreshing() && !view->history().isEmpty(), 10000);
    checkFiguresMatchServer(f, view, me.token);
    QCOMPARE(view->balance().availableCents, qint64(100000));
    const BalanceHistory& h = view->history();
    QCOMPARE(h.movements(), 1);
    QCOMPARE(h.points().size(), qsizetype(3)); // before the grant, the grant, now
    QCOMPARE(h.startCents(), qint64(0));
    QCOMPARE(h.currentCents(), qint64(100000));
    QVERIFY(view->chart()->series()->count() > 0);
    QVERIFY(view->chart()->timeAxis()->min() < view->chart()->timeAxis()->max());
    QVERIFY(!f.find<ui::ErrorBanner>(QStringLiteral("walletError"))->isVisible());
    QCOMPARE(label(f, "walletPending"), credits(0));
    QVERIFY(!label(f, "walletPendingDetail").contains(QStringLiteral("next release")));
    QVERIFY(label(f, "walletChartNote").contains(QStringLiteral("1 transaction")));
    QTRY_COMPARE(f.find<QTableView>(QStringLiteral("walletTransactions"))->model()->rowCount(), 1);
    f.screenshot(QStringLiteral("wallet-new-member"));
}

void TestUiWallet::workerPendingMovesToAvailableAfterHold()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto owner = server.registerMember("olga");
    const auto worker = server.registerMember("wendell", {"python"});
    auto r = f.call("POST", "/api/agent/tasks", owner.token, taskBody("Fix the CSV parser", 150));
    QCOMPARE(r.status, 201);
    const std::string taskId = jsonText(jsonPath(r.json(), "task.id"));
    const std::string failure = hireDeliverAccept(f, owner, worker, taskId, 150);
    QVERIFY2(failure.empty(), failure.c_str());

    f.signIn(worker);
    ui::WalletView* view = showWallet(f);
    // 150.00 less the 5% fee, on hold.
    QTRY_COMPARE_WITH_TIMEOUT(view->balance().pendingCents, qint64(14250), 10000);
    QTRY_VERIFY(!view->isRefreshing());
    checkFiguresMatchServer(f, view, worker.token);
    QCOMPARE(label(f, "walletPending"), credits(14250));
    QCOMPARE(label(f, "walletAvailable"), credits(100000));
    const auto wallet = f.call("GET", "/api/agent/wallet", worker.token).json();
    const QDateTime next =
        Formatting::parseTime(QString::fromStdString(jsonText(jsonPath(wallet, "wallet.nextReleaseAt"))));
    QVERIFY(next.isValid());
    QCOMPARE(view->balance().nextReleaseAt, next);
    const QString when = QLocale().toString(next.toLocalTime(), QLocale::ShortFormat);
    QVERIFY2(label(f, "walletPendingDetail").contains(when), qPrintable(label(f, "walletPendingDetail")));
    // Pending does not move the available line.
    QCOMPARE(view->history().movements(), 1);

    server.server().clock().advance(std::chrono::hours(25));
    server.server().runJobsNow();
    // The user presses Refresh.
    auto* refresh = f.window().findChild<QAction*>(QStringLiteral("refreshAction"));
    QVERIFY(refresh);
    refresh->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(view->balance().availableCents, qint64(114250), 10000);
    QTRY_VERIFY(!view->isRefreshing());
    checkFiguresMatchServer(f, view, worker.token);
    QCOMPARE(view->balance().pendingCents, qint64(0));
    QVERIFY(!view->balance().nextReleaseAt.isValid());
    QCOMPARE(label(f, "walletAvailable"), credits(114250));
    QVERIFY(!label(f, "walletPendingDetail").contains(when));
    QCOMPARE(view->history().movements(), 2); // welcome credits, release
    QCOMPARE(view->history().currentCents(), qint64(114250));
    QCOMPARE(view->history().startCents(), qint64(0));
    QCOMPARE(qRound64(view->chart()->series()->points().last().y() * 100.0), qint64(114250));
    auto* table = f.find<QTableView>(QStringLiteral("walletTransactions"));
    QTRY_COMPARE(table->model()->rowCount(), 3); // welcome, payout, release
    const QStringList kinds = columnTexts(table->model(), TransactionListModel::Kind);
    QVERIFY2(kinds.contains(QStringLiteral("Payout")) && kinds.contains(QStringLiteral("Release")),
             qPrintable(kinds.join(QLatin1Char(','))));
}

void TestUiWallet::realisticHistoryScreenshot()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto owner = server.registerMember("orbital_labs");
    const auto me = server.registerMember("quill", {"writing"});
    // Two jobs done for a client (one at a price below the budget), one released after the hold.
    auto r = f.call("POST", "/api/agent/tasks", owner.token, taskBody("Write release notes for v2.3", 180));
    const std::string first = jsonText(jsonPath(r.json(), "task.id"));
    std::string failure = hireDeliverAccept(f, owner, me, first, 160);
    QVERIFY2(failure.empty(), failure.c_str());
    server.server().clock().advance(std::chrono::hours(26));
    server.server().runJobsNow();
    r = f.call("POST", "/api/agent/tasks", owner.token, taskBody("Proofread the onboarding guide", 95.5));
    failure = hireDeliverAccept(f, owner, me, jsonText(jsonPath(r.json(), "task.id")), 95.5);
    QVERIFY2(failure.empty(), failure.c_str());
    server.server().clock().advance(std::chrono::hours(3));
    // And my own tasks: one open, one cancelled.
    QCOMPARE(f.call("POST", "/api/agent/tasks", me.token, taskBody("Illustrate the blog post", 220)).status,
             201);
    server.server().clock().advance(std::chrono::hours(2));
    r = f.call("POST", "/api/agent/tasks", me.token, taskBody("Record a voice-over", 75));
    QCOMPARE(f.call("POST", "/api/agent/tasks/" + jsonText(jsonPath(r.json(), "task.id")) + "/cancel",
                    me.token, json::object{})
                 .status,
             200);

    f.signIn(me);
    ui::WalletView* view = showWallet(f);
    QTRY_VERIFY_WITH_TIMEOUT(!view->isRefreshing() && view->history().movements() >= 5, 10000);
    checkFiguresMatchServer(f, view, me.token);
    // 1000 + 152.00 released - 220 escrowed; 90.73 pending (95.50 less 4.77 fee); 220 in escrow.
    QCOMPARE(view->balance().availableCents, qint64(100000 + 15200 - 22000));
    QCOMPARE(view->balance().pendingCents, qint64(9550 - 477));
    QCOMPARE(view->balance().escrowCents, qint64(22000));
    QCOMPARE(view->history().startCents(), qint64(0));
    QCOMPARE(view->history().currentCents(), view->balance().availableCents);
    QTRY_COMPARE(f.find<QTableView>(QStringLiteral("walletTransactions"))->model()->rowCount(),
                 int(allTransactions(f, me.token).size()));
    f.screenshot(QStringLiteral("wallet"));
}

TASKDESK_UI_TEST_MAIN(TestUiWallet)
#include "tst_ui_wallet.moc"
