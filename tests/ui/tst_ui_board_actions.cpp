// The Board's task actions against a real in-process server, each driven
// through the detail pane's widgets and checked on the server over HTTP:
// counter-offer on a bid, approve and reject (with a reason) of claim
// applications, cancelling an open task (the escrow comes back to the cent),
// bidding and claiming as a non-owner, the comment thread (own comment sent,
// another member's arriving live) and the open task's "Review..." link.
#include "ApiListModel.h"
#include "ApplicationListModel.h"
#include "BidListModel.h"
#include "CommentListModel.h"
#include "ConsoleFixture.h"
#include "Formatting.h"
#include "JsonPath.h"
#include "ReviewQueueModel.h"
#include "TaskFilterProxyModel.h"
#include "board/BoardView.h"
#include "board/TaskDetailPane.h"

#include <QDialog>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;
using models::ApiListModel;

namespace {

QString qstr(const json::value& v)
{
    return QString::fromStdString(jsonText(v));
}

// A money value from the API in cents (-1 when it is not a number).
qint64 cents(const json::value& v)
{
    if (v.is_int64())
        return v.as_int64() * 100;
    if (v.is_uint64())
        return static_cast<qint64>(v.as_uint64()) * 100;
    if (v.is_double())
        return qRound64(v.as_double() * 100.0);
    return -1;
}

// The first element of root's array at path whose field equals value (null when none).
json::value where(const json::value& root, const char* path, const char* field, const std::string& value)
{
    const json::value list = jsonPath(root, path);
    if (!list.is_array())
        return nullptr;
    for (const auto& item : list.as_array())
        if (item.is_object() && item.as_object().contains(field) &&
            jsonText(item.as_object().at(field)) == value)
            return item;
    return nullptr;
}

void clickRow(QTableView* table, int row, int column = 0)
{
    const QModelIndex idx = table->model()->index(row, column);
    table->scrollTo(idx);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(idx).center());
}

int rowWithText(const QAbstractItemModel* model, int column, const QString& text)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, column).data().toString() == text)
            return r;
    return -1;
}

int rowWithId(const QAbstractItemModel* model, const QString& id)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data(ApiListModel::IdRole).toString() == id)
            return r;
    return -1;
}

template <class T> T* in(QObject* root, const char* name)
{
    return root ? root->findChild<T*>(QLatin1String(name)) : nullptr;
}

void replaceText(QWidget* w, const QString& text)
{
    w->setFocus();
    QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(w, Qt::Key_Delete);
    QTest::keyClicks(w, text);
}

std::string postTask(ConsoleFixture& f, const std::string& token, json::object body)
{
    if (!body.contains("title"))
        body["title"] = "A task for the board's actions";
    if (!body.contains("description"))
        body["description"] = "Something an agent can do in a day.";
    const auto r = f.call("POST", "/api/agent/tasks", token, body);
    if (r.status != 201)
        qWarning("post task: %d %s", r.status, r.body.c_str());
    return jsonText(jsonPath(r.json(), "task.id"));
}

} // namespace

class TestUiBoardActions : public QObject
{
    Q_OBJECT
private slots:
    void counterOfferOnABid();
    void approveAndRejectApplications();
    void cancelReturnsTheEscrow();
    void bidAsNonOwner();
    void claimAsNonOwner();
    void commentThread();
    void commentsOnAnotherMembersTaskArrive();
    void reviewLinkOpensTheReviewView();

private:
    // Shows the board in the given scope and selects the task there; the
    // detail pane has loaded the full record when this returns true.
    ui::BoardView* openTask(ConsoleFixture& f, const std::string& taskId, bool mine);
    // The action dialog named objectName once it is open (nullptr after a wait).
    QDialog* waitForDialog(ConsoleFixture& f, const char* objectName);
};

ui::BoardView* TestUiBoardActions::openTask(ConsoleFixture& f, const std::string& taskId, bool mine)
{
    auto* board = qobject_cast<ui::BoardView*>(f.show(QStringLiteral("boardView")));
    if (!board)
        return nullptr;
    auto* scope =
        f.find<QToolButton>(mine ? QStringLiteral("scopeMine") : QStringLiteral("scopeMarketplace"));
    if (!scope->isChecked())
        QTest::mouseClick(scope, Qt::LeftButton);
    auto* table = in<QTableView>(board, "taskTable");
    const QString id = QString::fromStdString(taskId);
    int row = -1;
    for (int i = 0; i < 500 && row < 0; ++i) {
        row = rowWithId(table->model(), id);
        if (row < 0)
            QTest::qWait(20);
    }
    if (row < 0) {
        qWarning("task %s is not in the table", taskId.c_str());
        return nullptr;
    }
    clickRow(table, row, 1);
    // The full record has loaded when the pane no longer says it is loading.
    auto* hint = in<QLabel>(board, "detailActionHint");
    for (int i = 0; i < 500; ++i) {
        if (board->detailPane()->taskId() == id && hint->text() != QLatin1String("Loading the task..."))
            return board;
        QTest::qWait(20);
    }
    qWarning("the detail pane did not load %s", taskId.c_str());
    return nullptr;
}

QDialog* TestUiBoardActions::waitForDialog(ConsoleFixture& f, const char* objectName)
{
    for (int i = 0; i < 250; ++i) {
        if (auto* d = f.find<QDialog>(QLatin1String(objectName)); d && d->isVisible())
            return d;
        QTest::qWait(20);
    }
    return nullptr;
}

void TestUiBoardActions::counterOfferOnABid()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("haggler");
    const std::string taskId =
        postTask(f, me.token, json::object{{"skillsTags", json::array{"python"}}, {"budgetAmount", 300}});
    QVERIFY(!taskId.empty());
    const auto bob = f.server().registerMember("bob_bidder", {"python"});
    auto b = f.call("POST", "/api/agent/tasks/" + taskId + "/bids", bob.token,
                    json::object{{"proposedAmount", 280}, {"etaDays", 4}, {"approach", "Careful port"}});
    QCOMPARE(b.status, 201);
    const std::string bidId = jsonText(jsonPath(b.json(), "bid.id"));

    ui::BoardView* board = openTask(f, taskId, true);
    QVERIFY(board);
    auto* bids = in<QTableView>(board, "bidTable");
    QTRY_COMPARE_WITH_TIMEOUT(bids->model()->rowCount(), 1, 10000);
    auto* counter = in<QPushButton>(board, "counterOfferButton");
    QVERIFY2(!counter->isEnabled(), "no bid selected");
    clickRow(bids, 0, models::BidListModel::Bidder);
    QTRY_VERIFY(counter->isEnabled());
    QTest::mouseClick(counter, Qt::LeftButton);
    QPointer<QDialog> dialog = waitForDialog(f, "counterOfferDialog");
    QVERIFY(dialog);
    auto* submit = in<QPushButton>(dialog, "formSubmit");
    QVERIFY2(!submit->isEnabled(), "an amount is required");
    auto* amount = in<QLineEdit>(dialog, "formAmount");
    QTest::keyClicks(amount, QStringLiteral("199.999"));
    QVERIFY2(!submit->isEnabled(), "three decimals are refused before sending");
    replaceText(amount, QStringLiteral("199.95"));
    QTest::keyClicks(in<QPlainTextEdit>(dialog, "formText"), QStringLiteral("Could you do it for 199.95?"));
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("counterOfferDialog")) ||
                                 !f.find<QDialog>(QStringLiteral("counterOfferDialog"))->isVisible(),
                             10000);

    // The bidder sees the counter-offer with what was typed.
    const auto cos = f.call("GET", "/api/agent/bids/" + bidId + "/counter-offers", bob.token);
    QCOMPARE(cos.status, 200);
    const auto list = jsonPath(cos.json(), "counterOffers");
    QVERIFY(list.is_array());
    QCOMPARE(list.as_array().size(), std::size_t(1));
    QCOMPARE(cents(jsonPath(cos.json(), "counterOffers.0.proposedAmount")), qint64(19995));
    QCOMPARE(qstr(jsonPath(cos.json(), "counterOffers.0.message")),
             QStringLiteral("Could you do it for 199.95?"));
    QCOMPARE(qstr(jsonPath(cos.json(), "counterOffers.0.status")), QStringLiteral("pending"));
    // The bid itself is still there to hire.
    QCOMPARE(qstr(jsonPath(f.call("GET", "/api/agent/bids/" + bidId, me.token).json(), "bid.status")),
             QStringLiteral("active"));
}

void TestUiBoardActions::approveAndRejectApplications()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("approver");
    const std::string taskId = postTask(f, me.token,
                                        json::object{{"mode", "claim"},
                                                     {"requireApproval", true},
                                                     {"skillsTags", json::array{"python"}},
                                                     {"budgetAmount", 60}});
    QVERIFY(!taskId.empty());
    const auto ann = f.server().registerMember("ann_agent", {"python"});
    const auto ben = f.server().registerMember("ben_agent", {"python"});
    const auto cat = f.server().registerMember("cat_agent", {"python"});
    for (const auto* m : {&ann, &ben, &cat}) {
        const auto r = f.call("POST", "/api/agent/tasks/" + taskId + "/claim", m->token,
                              json::object{{"message", "I can do this, " + m->handle}});
        QCOMPARE(r.status, 201);
    }

    ui::BoardView* board = openTask(f, taskId, true);
    QVERIFY(board);
    QTRY_VERIFY(in<QGroupBox>(board, "applicationsGroup")->isVisible());
    QVERIFY(!in<QGroupBox>(board, "bidsGroup")->isVisible());
    auto* apps = in<QTableView>(board, "applicationTable");
    QTRY_COMPARE_WITH_TIMEOUT(apps->model()->rowCount(), 3, 10000);
    // The owner is told to pick an application, not that the first agent takes it.
    QVERIFY2(in<QLabel>(board, "detailActionHint")->text().contains(QStringLiteral("approve")),
             qPrintable(in<QLabel>(board, "detailActionHint")->text()));
    f.screenshot(QStringLiteral("board-applications"));
    auto* approve = in<QPushButton>(board, "approveApplicationButton");
    auto* reject = in<QPushButton>(board, "rejectApplicationButton");
    QVERIFY2(!approve->isEnabled() && !reject->isEnabled(), "no application selected");

    // Reject ann's with a reason.
    int row = rowWithText(apps->model(), models::ApplicationListModel::Agent, QStringLiteral("ann_agent"));
    QVERIFY(row >= 0);
    clickRow(apps, row, models::ApplicationListModel::Agent);
    QTRY_VERIFY(reject->isEnabled());
    QTest::mouseClick(reject, Qt::LeftButton);
    QPointer<QDialog> dialog = waitForDialog(f, "rejectApplicationDialog");
    QVERIFY(dialog);
    QTest::keyClicks(in<QLineEdit>(dialog, "formText"), QStringLiteral("Need a Python 3 profile"));
    QTest::mouseClick(in<QPushButton>(dialog, "formSubmit"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 10000);
    auto list = f.call("GET", "/api/agent/tasks/" + taskId + "/applications", me.token).json();
    const json::value annApp = where(list, "applications", "status", "rejected");
    QVERIFY(annApp.is_object());
    QCOMPARE(qstr(jsonPath(annApp, "agent.handle")), QStringLiteral("ann_agent"));
    QCOMPARE(qstr(jsonPath(annApp, "reason")), QStringLiteral("Need a Python 3 profile"));
    QCOMPARE(qstr(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, me.token).json(), "task.status")),
             QStringLiteral("open"));
    // The table follows.
    QTRY_COMPARE_WITH_TIMEOUT(
        apps->model()->index(row, models::ApplicationListModel::Status).data().toString(),
        QStringLiteral("rejected"), 10000);
    QTRY_VERIFY(!approve->isEnabled());

    // Approve ben's: a contract for ben, and the task is assigned.
    row = rowWithText(apps->model(), models::ApplicationListModel::Agent, QStringLiteral("ben_agent"));
    QVERIFY(row >= 0);
    clickRow(apps, row, models::ApplicationListModel::Agent);
    QTRY_VERIFY(approve->isEnabled());
    QTest::mouseClick(approve, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(qstr(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, me.token).json(),
                                           "task.status")) == QLatin1String("assigned"),
                             10000);
    const auto contracts = f.call("GET", "/api/agent/contracts?role=buyer", me.token).json();
    QCOMPARE(jsonPath(contracts, "contracts").as_array().size(), std::size_t(1));
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.taskId")), taskId);
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.seller.id")), ben.id);
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.kind")), std::string("claim"));
    QCOMPARE(cents(jsonPath(contracts, "contracts.0.priceAmount")), qint64(6000));
    list = f.call("GET", "/api/agent/tasks/" + taskId + "/applications", me.token).json();
    QCOMPARE(jsonText(jsonPath(where(list, "applications", "status", "approved"), "agent.id")), ben.id);
    // ann keeps her reason; cat was declined by the approval.
    QCOMPARE(qstr(jsonPath(where(list, "applications", "reason", "Need a Python 3 profile"), "agent.handle")),
             QStringLiteral("ann_agent"));
    const json::value catApp = where(list, "applications", "message", "I can do this, cat_agent");
    QCOMPARE(jsonText(jsonPath(catApp, "status")), std::string("rejected"));
    // The pane follows: nothing more to approve.
    QTRY_VERIFY_WITH_TIMEOUT(in<QLabel>(board, "detailMeta")->text().startsWith(QStringLiteral("assigned")),
                             10000);
    QVERIFY(!approve->isEnabled());
    QVERIFY(!reject->isEnabled());
}

void TestUiBoardActions::cancelReturnsTheEscrow()
{
    ConsoleFixture f;
    // Posted before the console signs in, so the status bar starts from the escrowed balance.
    const auto me = f.server().registerMember("canceller", {}, "human");
    const auto before = f.call("GET", "/api/agent/wallet", me.token).json();
    const qint64 available = cents(jsonPath(before, "wallet.available"));
    QCOMPARE(cents(jsonPath(before, "wallet.escrow")), qint64(0));
    const std::string taskId =
        postTask(f, me.token, json::object{{"title", "Cancel me"}, {"budgetAmount", 123.45}});
    QVERIFY(!taskId.empty());
    const auto bob = f.server().registerMember("bob_cancelled");
    QCOMPARE(f.call("POST", "/api/agent/tasks/" + taskId + "/bids", bob.token,
                    json::object{{"proposedAmount", 100}, {"etaDays", 2}})
                 .status,
             201);
    auto posted = f.call("GET", "/api/agent/wallet", me.token).json();
    QCOMPARE(cents(jsonPath(posted, "wallet.available")), available - 12345);
    QCOMPARE(cents(jsonPath(posted, "wallet.escrow")), qint64(12345));
    f.signIn(me);
    auto* balance = f.find<QLabel>(QStringLiteral("balanceLabel"));
    QTRY_VERIFY2(
        balance->text().contains(models::Formatting::cents(available - 12345, QStringLiteral("CREDITS"))),
        qPrintable(balance->text()));

    ui::BoardView* board = openTask(f, taskId, true);
    QVERIFY(board);
    auto* cancel = in<QPushButton>(board, "cancelTaskButton");
    QVERIFY(cancel->isVisible());
    QTRY_VERIFY(cancel->isEnabled());
    QVERIFY(!in<QPushButton>(board, "bidButton")->isVisible());

    // Backing out of the confirmation changes nothing.
    QTest::mouseClick(cancel, Qt::LeftButton);
    QPointer<QDialog> dialog = waitForDialog(f, "cancelTaskDialog");
    QVERIFY(dialog);
    QVERIFY2(in<QLabel>(dialog, "formPrompt")->text().contains(QStringLiteral("123.45")),
             qPrintable(in<QLabel>(dialog, "formPrompt")->text()));
    QTest::mouseClick(in<QPushButton>(dialog, "formCancel"), Qt::LeftButton);
    QTRY_VERIFY(!f.find<QDialog>(QStringLiteral("cancelTaskDialog")) ||
                !f.find<QDialog>(QStringLiteral("cancelTaskDialog"))->isVisible());
    QTest::qWait(200);
    QCOMPARE(qstr(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, me.token).json(), "task.status")),
             QStringLiteral("open"));
    QTRY_VERIFY(cancel->isEnabled());

    // Confirming cancels it.
    QTest::mouseClick(cancel, Qt::LeftButton);
    dialog = waitForDialog(f, "cancelTaskDialog");
    QVERIFY(dialog);
    QTest::keyClicks(in<QLineEdit>(dialog, "formText"), QStringLiteral("Done it myself"));
    QTest::mouseClick(in<QPushButton>(dialog, "formSubmit"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 10000);
    QCOMPARE(qstr(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, me.token).json(), "task.status")),
             QStringLiteral("cancelled"));
    // The escrow is back in the available balance, to the cent.
    const auto after = f.call("GET", "/api/agent/wallet", me.token).json();
    QCOMPARE(cents(jsonPath(after, "wallet.available")), available);
    QCOMPARE(cents(jsonPath(after, "wallet.escrow")), qint64(0));
    // The bidder's bid no longer stands.
    QVERIFY(qstr(jsonPath(f.call("GET", "/api/agent/bids?status=active", bob.token).json(), "bids.0.id"))
                .isEmpty());
    // The console shows it too: the pane says cancelled, the status bar the balance.
    QTRY_VERIFY_WITH_TIMEOUT(in<QLabel>(board, "detailMeta")->text().startsWith(QStringLiteral("cancelled")),
                             10000);
    QVERIFY(!cancel->isEnabled());
    const QString expected = models::Formatting::cents(available, QStringLiteral("CREDITS"));
    QTRY_VERIFY2_WITH_TIMEOUT(balance->text().contains(expected), qPrintable(balance->text()), 10000);
}

void TestUiBoardActions::bidAsNonOwner()
{
    ConsoleFixture f;
    const auto owner = f.server().registerMember("bid_owner");
    const std::string taskId = postTask(
        f, owner.token,
        json::object{{"title", "Write a parser"}, {"skillsTags", json::array{"cpp"}}, {"budgetAmount", 400}});
    QVERIFY(!taskId.empty());
    const auto me = f.signInAsNew("eager_bidder", {"cpp"});

    ui::BoardView* board = openTask(f, taskId, false);
    QVERIFY(board);
    auto* bid = in<QPushButton>(board, "bidButton");
    QVERIFY(bid->isVisible());
    QTRY_VERIFY(bid->isEnabled());
    QVERIFY(!in<QPushButton>(board, "cancelTaskButton")->isVisible());
    QVERIFY(!in<QPushButton>(board, "claimButton")->isVisible());
    QVERIFY(!in<QGroupBox>(board, "bidsGroup")->isVisible());
    QTest::mouseClick(bid, Qt::LeftButton);
    QPointer<QDialog> dialog = waitForDialog(f, "bidDialog");
    QVERIFY(dialog);
    auto* submit = in<QPushButton>(dialog, "formSubmit");
    QVERIFY2(!submit->isEnabled(), "a price is required");
    QTest::keyClicks(in<QLineEdit>(dialog, "formAmount"), QStringLiteral("350.25"));
    replaceText(in<QSpinBox>(dialog, "formEta"), QStringLiteral("6"));
    QCOMPARE(in<QSpinBox>(dialog, "formEta")->value(), 6);
    const QString approach = QStringLiteral("Recursive descent, with tests for every rule.");
    QTest::keyClicks(in<QPlainTextEdit>(dialog, "formText"), approach);
    QVERIFY(submit->isEnabled());
    f.screenshot(QStringLiteral("board-bid-dialog"), dialog);
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 10000);

    // The owner sees exactly one bid, from the console's member, as typed.
    const auto bids = f.call("GET", "/api/agent/tasks/" + taskId + "/bids", owner.token).json();
    QCOMPARE(jsonPath(bids, "bids").as_array().size(), std::size_t(1));
    QCOMPARE(jsonText(jsonPath(bids, "bids.0.bidder.id")), me.id);
    QCOMPARE(cents(jsonPath(bids, "bids.0.proposedAmount")), qint64(35025));
    QCOMPARE(jsonPath(bids, "bids.0.etaDays").to_number<int>(), 6);
    QCOMPARE(qstr(jsonPath(bids, "bids.0.approach")), approach);
    QCOMPARE(qstr(jsonPath(bids, "bids.0.status")), QStringLiteral("active"));
}

void TestUiBoardActions::claimAsNonOwner()
{
    ConsoleFixture f;
    const auto owner = f.server().registerMember("claim_owner");
    const std::string taskId = postTask(f, owner.token,
                                        json::object{{"title", "Label 50 images"},
                                                     {"mode", "claim"},
                                                     {"skillsTags", json::array{"labelling"}},
                                                     {"budgetAmount", 45.5}});
    QVERIFY(!taskId.empty());
    const auto me = f.signInAsNew("quick_claimer", {"labelling"});

    ui::BoardView* board = openTask(f, taskId, false);
    QVERIFY(board);
    auto* claim = in<QPushButton>(board, "claimButton");
    QVERIFY(claim->isVisible());
    QCOMPARE(claim->text(), QStringLiteral("&Claim"));
    QTRY_VERIFY(claim->isEnabled());
    QVERIFY(!in<QPushButton>(board, "bidButton")->isVisible());
    QTest::mouseClick(claim, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(qstr(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, owner.token).json(),
                                           "task.status")) == QLatin1String("assigned"),
                             10000);
    const auto contracts = f.call("GET", "/api/agent/contracts?role=buyer", owner.token).json();
    QCOMPARE(jsonPath(contracts, "contracts").as_array().size(), std::size_t(1));
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.taskId")), taskId);
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.seller.id")), me.id);
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.kind")), std::string("claim"));
    QCOMPARE(cents(jsonPath(contracts, "contracts.0.priceAmount")), qint64(4550));
    // The pane follows: the task is taken, nothing more to claim.
    QTRY_VERIFY_WITH_TIMEOUT(in<QLabel>(board, "detailMeta")->text().startsWith(QStringLiteral("assigned")),
                             10000);
    QVERIFY(!claim->isEnabled());
}

void TestUiBoardActions::commentThread()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("talker");
    const std::string taskId =
        postTask(f, me.token, json::object{{"title", "Discuss me"}, {"budgetAmount", 20}});
    QVERIFY(!taskId.empty());
    const auto other = f.server().registerMember("curious_agent");

    ui::BoardView* board = openTask(f, taskId, true);
    QVERIFY(board);
    auto* comments = in<QTableView>(board, "commentTable");
    auto* edit = in<QLineEdit>(board, "commentEdit");
    auto* send = in<QPushButton>(board, "addCommentButton");
    QTRY_VERIFY(!comments->model()->rowCount() && !send->isEnabled());
    QTest::mouseClick(edit, Qt::LeftButton);
    QTest::keyClicks(edit, QStringLiteral("Inputs are in the shared folder."));
    QVERIFY(send->isEnabled());
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(comments->model()->rowCount(), 1, 10000);
    QCOMPARE(comments->model()->index(0, models::CommentListModel::Body).data().toString(),
             QStringLiteral("Inputs are in the shared folder."));
    QCOMPARE(comments->model()->index(0, models::CommentListModel::Author).data().toString(),
             QStringLiteral("talker"));
    QTRY_VERIFY(edit->text().isEmpty());
    auto thread = f.call("GET", "/api/agent/tasks/" + taskId + "/comments", other.token).json();
    QCOMPARE(jsonPath(thread, "comments").as_array().size(), std::size_t(1));
    QCOMPARE(qstr(jsonPath(thread, "comments.0.body")), QStringLiteral("Inputs are in the shared folder."));
    QCOMPARE(jsonText(jsonPath(thread, "comments.0.author.id")), me.id);

    // Another member asks; it shows up without a click.
    const auto r = f.call("POST", "/api/agent/tasks/" + taskId + "/comments", other.token,
                          json::object{{"body", "Which folder exactly?"}});
    QCOMPARE(r.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(comments->model()->rowCount(), 2, 20000);
    // Newest first.
    QCOMPARE(comments->model()->index(0, models::CommentListModel::Body).data().toString(),
             QStringLiteral("Which folder exactly?"));
    QCOMPARE(comments->model()->index(0, models::CommentListModel::Author).data().toString(),
             QStringLiteral("curious_agent"));

    // Return sends too, and the thread keeps both sides.
    QTest::keyClicks(edit, QStringLiteral("The one named inputs."));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(comments->model()->rowCount(), 3, 10000);
    thread = f.call("GET", "/api/agent/tasks/" + taskId + "/comments", other.token).json();
    QCOMPARE(jsonPath(thread, "comments").as_array().size(), std::size_t(3));
    QCOMPARE(qstr(jsonPath(thread, "comments.0.body")), QStringLiteral("The one named inputs."));
}

void TestUiBoardActions::commentsOnAnotherMembersTaskArrive()
{
    // Events are the member's own notifications; nobody notifies a watcher of
    // someone else's thread, so the pane has to pick it up by itself.
    ConsoleFixture f;
    const auto owner = f.server().registerMember("thread_owner");
    const std::string taskId =
        postTask(f, owner.token, json::object{{"title", "Watch me"}, {"budgetAmount", 20}});
    QVERIFY(!taskId.empty());
    f.signInAsNew("watcher");
    ui::BoardView* board = openTask(f, taskId, false);
    QVERIFY(board);
    auto* comments = in<QTableView>(board, "commentTable");
    // Let the refreshes that follow signing in settle, so only a later one can bring the comment.
    QTest::qWait(2000);
    QTRY_VERIFY(!qobject_cast<models::CommentListModel*>(comments->model())->isLoading());
    QCOMPARE(comments->model()->rowCount(), 0);
    QCOMPARE(f.call("POST", "/api/agent/tasks/" + taskId + "/comments", owner.token,
                    json::object{{"body", "Questions welcome."}})
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(comments->model()->rowCount(), 1, 20000);
    QCOMPARE(comments->model()->index(0, models::CommentListModel::Body).data().toString(),
             QStringLiteral("Questions welcome."));
}

void TestUiBoardActions::reviewLinkOpensTheReviewView()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("open_owner");
    const std::string first = postTask(
        f, me.token, json::object{{"title", "First open task"}, {"mode", "open"}, {"budgetAmount", 30}});
    const std::string second = postTask(
        f, me.token, json::object{{"title", "Second open task"}, {"mode", "open"}, {"budgetAmount", 40}});
    const std::string quiet = postTask(
        f, me.token, json::object{{"title", "Nobody submitted"}, {"mode", "open"}, {"budgetAmount", 10}});
    QVERIFY(!first.empty() && !second.empty() && !quiet.empty());
    const auto x = f.server().registerMember("x_agent");
    const auto y = f.server().registerMember("y_agent");
    for (const auto& [task, agent] : {std::pair{first, x}, std::pair{second, y}, std::pair{second, x}}) {
        const auto r = f.call("POST", "/api/agent/tasks/" + task + "/submissions", agent.token,
                              json::object{{"summaryText", "Answer from " + agent.handle}, {"output", "42"}});
        QCOMPARE(r.status, 201);
    }

    // A task without submissions has nothing to review.
    ui::BoardView* board = openTask(f, quiet, true);
    QVERIFY(board);
    QVERIFY(in<QGroupBox>(board, "submissionsGroup")->isVisible());
    QCOMPARE(in<QLabel>(board, "pendingSubmissions")->text(), QStringLiteral("No submissions waiting"));
    QVERIFY(!in<QPushButton>(board, "reviewSubmissionsButton")->isEnabled());

    // Each task's link lands on its own submission in the review queue.
    for (const auto& [taskId, pending] : {std::pair{second, 2}, std::pair{first, 1}}) {
        board = openTask(f, taskId, true);
        QVERIFY(board);
        auto* label = in<QLabel>(board, "pendingSubmissions");
        QTRY_VERIFY2(label->text().startsWith(QString::number(pending) + QLatin1Char(' ')),
                     qPrintable(label->text()));
        auto* review = in<QPushButton>(board, "reviewSubmissionsButton");
        QVERIFY(review->isEnabled());
        QTest::mouseClick(review, Qt::LeftButton);
        QTRY_COMPARE(f.window().currentView()->objectName(), QStringLiteral("reviewView"));
        auto* queue = f.find<QTableView>(QStringLiteral("reviewQueueTable"));
        QVERIFY(queue);
        QTRY_COMPARE_WITH_TIMEOUT(queue->model()->rowCount(), 3, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(queue->currentIndex().data(models::ReviewQueueModel::TaskIdRole).toString(),
                                  QString::fromStdString(taskId), 10000);
        const QString title =
            taskId == first ? QStringLiteral("First open task") : QStringLiteral("Second open task");
        QTRY_COMPARE(f.find<QLabel>(QStringLiteral("reviewTaskTitle"))->text(), title);
    }
}

TASKDESK_UI_TEST_MAIN(TestUiBoardActions)
#include "tst_ui_board_actions.moc"
