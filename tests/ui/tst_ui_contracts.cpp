// The Contracts view against a real in-process server: a contract's timeline
// and submission history built from what the API gives, mutual cancellation
// from the console (a refused request keeps the dialog and its text; the
// other party's confirmation arrives live; the escrow is settled by the
// rules), and the seller's side delivering through the Deliver dialog.
#include "ConsoleFixture.h"
#include "ContractListModel.h"
#include "ErrorBanner.h"
#include "JsonPath.h"
#include "contracts/ContractsView.h"

#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

struct Deal
{
    std::string taskId, bidId, contractId;
};

// buyer posts a CREDITS bid task, seller bids price, buyer hires: all over HTTP.
Deal hire(ConsoleFixture& f, const TestServer::Member& buyer, const TestServer::Member& seller,
          const std::string& title, double budget, double price)
{
    Deal d;
    json::object task{{"title", title},
                      {"description", "Summarise the quarterly report in plain words."},
                      {"budgetAmount", budget},
                      {"budgetCurrency", "CREDITS"}};
    auto r = f.call("POST", "/api/agent/tasks", buyer.token, task);
    if (r.status != 201)
        qWarning("post task: %d %s", r.status, r.body.c_str());
    d.taskId = jsonText(jsonPath(r.json(), "task.id"));
    json::object bid{
        {"proposedAmount", price}, {"etaDays", 2}, {"approach", "Read it twice, write it once."}};
    r = f.call("POST", "/api/agent/tasks/" + d.taskId + "/bids", seller.token, bid);
    if (r.status != 201)
        qWarning("bid: %d %s", r.status, r.body.c_str());
    d.bidId = jsonText(jsonPath(r.json(), "bid.id"));
    r = f.call("POST", "/api/agent/contracts", buyer.token,
               json::object{{"taskId", d.taskId}, {"bidId", d.bidId}});
    if (r.status != 201)
        qWarning("hire: %d %s", r.status, r.body.c_str());
    d.contractId = jsonText(jsonPath(r.json(), "contract.id"));
    return d;
}

int deliver(ConsoleFixture& f, const TestServer::Member& seller, const std::string& contractId,
            const std::string& summary)
{
    return f
        .call("POST", "/api/agent/contracts/" + contractId + "/submissions", seller.token,
              json::object{{"summaryText", summary}})
        .status;
}

QStringList columnOf(QTreeWidget* tree, int column)
{
    QStringList out;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        out << tree->topLevelItem(i)->text(column);
    return out;
}

int indexOfPrefix(const QStringList& list, const QString& prefix, int from = 0)
{
    for (int i = from; i < list.size(); ++i)
        if (list[i].startsWith(prefix))
            return i;
    return -1;
}

// Clicks the table row of a contract, the way a user picks it.
bool clickContract(ConsoleFixture& f, const std::string& contractId)
{
    auto* table = f.find<QTableView>(QStringLiteral("contractTable"));
    QAbstractItemModel* model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex idx = model->index(row, 0);
        if (idx.data(models::ApiListModel::IdRole).toString() == QString::fromStdString(contractId)) {
            table->scrollTo(idx);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(idx).center());
            return true;
        }
    }
    return false;
}

} // namespace

class TestUiContracts : public QObject
{
    Q_OBJECT
private slots:
    void timelineAndSubmissionHistory();
    void mutualCancellation();
    void sellerDeliversFromDialog();
};

void TestUiContracts::timelineAndSubmissionHistory()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto me = f.signInAsNew("bella");
    const auto agent = server.registerMember("quill", {"writing"});
    const auto other = server.registerMember("other");
    const Deal deal = hire(f, me, agent, "Summarise the Q3 report", 100, 80);
    QVERIFY(!deal.contractId.empty());
    // A contract where I am the seller, which "As buyer" must leave out.
    const Deal mine = hire(f, other, me, "Proofread a leaflet", 30, 30);
    QVERIFY(!mine.contractId.empty());
    QCOMPARE(deliver(f, agent, deal.contractId, "First draft of the summary"), 201);
    QCOMPARE(f.call("POST", "/api/agent/contracts/" + deal.contractId + "/decision", me.token,
                    json::object{{"action", "reject"}, {"reason", "The revenue section is missing"}})
                 .status,
             200);
    QCOMPARE(deliver(f, agent, deal.contractId, "Second draft, revenue section added"), 201);

    f.show(QStringLiteral("contractsView"));
    auto* table = f.find<QTableView>(QStringLiteral("contractTable"));
    QVERIFY(table);
    QVERIFY(waitForRows(table->model(), 2));
    auto* role = f.find<QComboBox>(QStringLiteral("contractRole"));
    role->setCurrentIndex(role->findText(QStringLiteral("As buyer")));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, models::ContractListModel::Kind).data().toString(),
             QStringLiteral("Summarise the Q3 report"));
    QCOMPARE(table->model()->index(0, models::ContractListModel::Seller).data().toString(),
             QStringLiteral("quill"));
    QVERIFY(clickContract(f, deal.contractId));

    auto* timeline = f.find<QTreeWidget>(QStringLiteral("contractTimeline"));
    auto* history = f.find<QTreeWidget>(QStringLiteral("submissionHistory"));
    QTRY_COMPARE(history->topLevelItemCount(), 2);
    const QStringList events = columnOf(timeline, 1);
    const QStringList details = columnOf(timeline, 2);
    const int hired = indexOfPrefix(events, QStringLiteral("@quill hired"));
    const int first = indexOfPrefix(events, QStringLiteral("Delivery 1 submitted"));
    const int rejected = indexOfPrefix(events, QStringLiteral("Delivery 1 rejected"));
    const int second = indexOfPrefix(events, QStringLiteral("Delivery 2 submitted"));
    QVERIFY2(hired == 0, qPrintable(events.join(QLatin1Char('|'))));
    QVERIFY2(first > hired && rejected > first && second > rejected,
             qPrintable(events.join(QLatin1Char('|'))));
    QVERIFY2(details[rejected].contains(QStringLiteral("The revenue section is missing")),
             qPrintable(details[rejected]));
    QVERIFY(details[first].contains(QStringLiteral("First draft")));

    QCOMPARE(history->topLevelItem(0)->text(1), QStringLiteral("First draft of the summary"));
    QCOMPARE(history->topLevelItem(0)->text(3), QStringLiteral("Rejected: The revenue section is missing"));
    QCOMPARE(history->topLevelItem(1)->text(3), QStringLiteral("Pending review"));
    QVERIFY(
        f.find<QLabel>(QStringLiteral("contractSummary"))->text().contains(QStringLiteral("80.00 CREDITS")));

    // The buyer of a submitted contract: review it, but nothing a seller does.
    auto* openInReview = f.find<QPushButton>(QStringLiteral("openInReviewButton"));
    QTRY_VERIFY(openInReview->isEnabled());
    QVERIFY(!f.find<QPushButton>(QStringLiteral("deliverButton"))->isEnabled());
    QVERIFY(!f.find<QPushButton>(QStringLiteral("reviewButton"))->isEnabled());
    f.screenshot(QStringLiteral("contracts"));
    QTest::mouseClick(openInReview, Qt::LeftButton);
    QCOMPARE(f.window().currentView()->objectName(), QStringLiteral("reviewView"));

    // Back from elsewhere with an id to select (as the Activity view does).
    role->setCurrentIndex(role->findText(QStringLiteral("As seller")));
    f.window().showView(QStringLiteral("contractsView"), QString::fromStdString(deal.contractId));
    auto* view = qobject_cast<ui::ContractsView*>(f.window().view(QStringLiteral("contractsView")));
    QTRY_COMPARE(view->currentContractId(), QString::fromStdString(deal.contractId));
}

void TestUiContracts::mutualCancellation()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto me = f.signInAsNew("cora");
    const auto agent = server.registerMember("drift", {"writing"});
    const Deal deal = hire(f, me, agent, "Translate the FAQ", 100, 80);
    QVERIFY(!deal.contractId.empty());
    const std::string contractPath = "/api/agent/contracts/" + deal.contractId;

    f.show(QStringLiteral("contractsView"));
    auto* table = f.find<QTableView>(QStringLiteral("contractTable"));
    QVERIFY(waitForRows(table->model(), 1));
    QVERIFY(clickContract(f, deal.contractId));
    auto* request = f.find<QPushButton>(QStringLiteral("requestCancelButton"));
    QTRY_VERIFY(request->isEnabled());
    QVERIFY(!f.find<QPushButton>(QStringLiteral("confirmCancelButton"))->isEnabled());

    // The agent asks first while my dialog is open: the server refuses mine, and
    // the dialog keeps what I wrote and says why.
    QTest::mouseClick(request, Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("cancellationDialog")));
    auto* dialog = f.find<QDialog>(QStringLiteral("cancellationDialog"));
    auto* submit = dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit"));
    QVERIFY2(!submit->isEnabled(), "a reason is required");
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("cancelReason")),
                     QStringLiteral("The source text was withdrawn"));
    QVERIFY(submit->isEnabled());
    QCOMPARE(f.call("POST", contractPath + "/cancellation", agent.token,
                    json::object{{"action", "apply"}, {"reason", "I am ill this week"}})
                 .status,
             200);
    QTest::mouseClick(submit, Qt::LeftButton);
    auto* banner = dialog->findChild<ui::ErrorBanner*>(QStringLiteral("errorBanner"));
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->message().contains(QStringLiteral("already pending")), qPrintable(banner->message()));
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->findChild<QPlainTextEdit*>(QStringLiteral("cancelReason"))->toPlainText(),
             QStringLiteral("The source text was withdrawn"));
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("dialogCancel")), Qt::LeftButton);

    // The agent's request shows up live; the agent takes it back.
    auto* notice = f.find<QLabel>(QStringLiteral("contractNotice"));
    QTRY_VERIFY_WITH_TIMEOUT(notice->text().contains(QStringLiteral("I am ill this week")), 10000);
    QTRY_VERIFY(f.find<QPushButton>(QStringLiteral("confirmCancelButton"))->isEnabled());
    QCOMPARE(f.call("POST", contractPath + "/cancellation", agent.token, json::object{{"action", "withdraw"}})
                 .status,
             200);
    QTRY_VERIFY_WITH_TIMEOUT(request->isEnabled(), 10000);

    // Now mine goes through.
    QTest::mouseClick(request, Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("cancellationDialog")));
    dialog = f.find<QDialog>(QStringLiteral("cancellationDialog"));
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("cancelReason")),
                     QStringLiteral("The source text was withdrawn"));
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit")), Qt::LeftButton);
    QTRY_VERIFY(!f.find<QDialog>(QStringLiteral("cancellationDialog")));
    auto r = f.call("GET", contractPath, me.token);
    QCOMPARE(jsonText(jsonPath(r.json(), "contract.cancellation.appliedBy")), me.id);
    QCOMPARE(jsonText(jsonPath(r.json(), "contract.cancellation.reason")),
             std::string("The source text was withdrawn"));
    QCOMPARE(jsonText(jsonPath(r.json(), "contract.status")), std::string("in_progress"));
    auto* withdraw = f.find<QPushButton>(QStringLiteral("withdrawCancelButton"));
    QTRY_VERIFY(withdraw->isEnabled());
    QVERIFY2(!f.find<QPushButton>(QStringLiteral("confirmCancelButton"))->isEnabled(),
             "I cannot confirm my own request");

    // The agent confirms over HTTP; the console learns it from the live feed.
    QCOMPARE(f.call("POST", contractPath + "/cancellation", agent.token, json::object{{"action", "confirm"}})
                 .status,
             200);
    auto* summary = f.find<QLabel>(QStringLiteral("contractSummary"));
    QTRY_VERIFY_WITH_TIMEOUT(summary->text().contains(QStringLiteral("Cancelled")), 10000);
    QTRY_COMPARE(table->model()->index(0, models::ContractListModel::Status).data().toString(),
                 QStringLiteral("Cancelled"));
    QTRY_VERIFY(!request->isEnabled());
    QVERIFY(!withdraw->isEnabled());

    auto* timeline = f.find<QTreeWidget>(QStringLiteral("contractTimeline"));
    QTRY_VERIFY(indexOfPrefix(columnOf(timeline, 1), QStringLiteral("Cancelled by agreement")) >= 0);
    const QStringList events = columnOf(timeline, 1);
    const int agentAsked = indexOfPrefix(events, QStringLiteral("Cancellation requested by @drift"));
    const int withdrawn = indexOfPrefix(events, QStringLiteral("Cancellation request withdrawn by @drift"));
    const int iAsked = indexOfPrefix(events, QStringLiteral("Cancellation requested by you"));
    const int cancelled = indexOfPrefix(events, QStringLiteral("Cancelled by agreement"));
    QVERIFY2(agentAsked > 0 && withdrawn > agentAsked && iAsked > withdrawn && cancelled > iAsked,
             qPrintable(events.join(QLatin1Char('|'))));

    // The buyer asked, so the worker gets half of the 80 (less the 5% fee, held
    // as pending) and the rest of the escrow comes back: 1000 - 100 + 20 + 40.
    r = f.call("GET", "/api/agent/wallet", me.token);
    QCOMPARE(jsonPath(r.json(), "wallet.available").to_number<double>(), 960.0);
    QCOMPARE(jsonPath(r.json(), "wallet.escrow").to_number<double>(), 0.0);
    r = f.call("GET", "/api/agent/wallet", agent.token);
    QCOMPARE(jsonPath(r.json(), "wallet.pending").to_number<double>(), 38.0);
    QVERIFY(server.ledger().balanced);
}

void TestUiContracts::sellerDeliversFromDialog()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto buyer = server.registerMember("patron");
    const auto agent = server.registerMember("scribe", {"writing"});
    const Deal deal = hire(f, buyer, agent, "Write release notes", 60, 50);
    QVERIFY(!deal.contractId.empty());
    f.signIn(agent);

    f.show(QStringLiteral("contractsView"));
    auto* table = f.find<QTableView>(QStringLiteral("contractTable"));
    auto* role = f.find<QComboBox>(QStringLiteral("contractRole"));
    role->setCurrentIndex(role->findText(QStringLiteral("As seller")));
    QVERIFY(waitForRows(table->model(), 1));
    QVERIFY(clickContract(f, deal.contractId));
    auto* deliverButton = f.find<QPushButton>(QStringLiteral("deliverButton"));
    QTRY_VERIFY(deliverButton->isEnabled());
    QVERIFY2(!f.find<QPushButton>(QStringLiteral("openInReviewButton"))->isEnabled(),
             "review is the buyer's");

    QTest::mouseClick(deliverButton, Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("deliverDialog")));
    auto* dialog = f.find<QDialog>(QStringLiteral("deliverDialog"));
    auto* submit = dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit"));
    QVERIFY(!submit->isEnabled());
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("deliverSummary")),
                     QStringLiteral("Release notes for 2.1"));
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("deliverOutput")),
                     QStringLiteral("{\"version\": \"2.1\", \"items\": 12}"));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("deliverLink")),
                     QStringLiteral("not a link"));
    QVERIFY2(!submit->isEnabled(), "a bad link is caught before sending");
    dialog->findChild<QLineEdit*>(QStringLiteral("deliverLink"))->clear();
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("deliverLink")),
                     QStringLiteral("https://example.org/notes"));
    QVERIFY(submit->isEnabled());
    f.screenshot(QStringLiteral("contracts-deliver"), dialog);
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY(!f.find<QDialog>(QStringLiteral("deliverDialog")));

    const auto r = f.call("GET", "/api/agent/contracts/" + deal.contractId + "/submissions", buyer.token);
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonPath(r.json(), "submissions").as_array().size(), std::size_t(1));
    QCOMPARE(jsonText(jsonPath(r.json(), "submissions.0.summaryText")), std::string("Release notes for 2.1"));
    QCOMPARE(jsonText(jsonPath(r.json(), "submissions.0.deliverableUrl")),
             std::string("https://example.org/notes"));
    QCOMPARE(jsonPath(r.json(), "submissions.0.output.items").to_number<int>(), 12);
    QCOMPARE(jsonText(jsonPath(r.json(), "submissions.0.submitterId")), agent.id);

    // The view follows: the delivery is in the history and delivering again waits for the buyer.
    auto* history = f.find<QTreeWidget>(QStringLiteral("submissionHistory"));
    QTRY_COMPARE(history->topLevelItemCount(), 1);
    QTRY_VERIFY(!deliverButton->isEnabled());
    QVERIFY(f.find<QLabel>(QStringLiteral("contractSummary"))->text().contains(QStringLiteral("Submitted")));
    QTRY_VERIFY(f.find<QTextBrowser>(QStringLiteral("submissionDetail"))
                    ->toPlainText()
                    .contains(QStringLiteral("\"items\": 12")));

    // The buyer accepts with a rating; the seller may then review the buyer, once.
    QCOMPARE(f.call("POST", "/api/agent/contracts/" + deal.contractId + "/decision", buyer.token,
                    json::object{{"action", "accept"}, {"rating", 5}})
                 .status,
             200);
    auto* timeline = f.find<QTreeWidget>(QStringLiteral("contractTimeline"));
    QTRY_VERIFY_WITH_TIMEOUT(indexOfPrefix(columnOf(timeline, 1), QStringLiteral("Delivery 1 accepted")) > 0,
                             10000);
    auto* reviewButton = f.find<QPushButton>(QStringLiteral("reviewButton"));
    QTRY_VERIFY(reviewButton->isEnabled());
    QTest::mouseClick(reviewButton, Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("reviewDialog")));
    dialog = f.find<QDialog>(QStringLiteral("reviewDialog"));
    auto* rating = dialog->findChild<QComboBox*>(QStringLiteral("reviewRating"));
    rating->setCurrentIndex(rating->findData(4));
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("reviewText")),
                     QStringLiteral("Clear brief, quick decision."));
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit")), Qt::LeftButton);
    QTRY_VERIFY(!f.find<QDialog>(QStringLiteral("reviewDialog")));
    const auto reviews = jsonPath(
        f.call("GET", "/api/agent/contracts/" + deal.contractId + "/reviews", buyer.token).json(), "reviews");
    bool found = false;
    for (const auto& rv : reviews.as_array())
        found = found || (jsonText(rv.at("authorId")) == agent.id && rv.at("rating").to_number<int>() == 4 &&
                          jsonText(rv.at("text")) == "Clear brief, quick decision.");
    QVERIFY2(found, json::serialize(reviews).c_str());
    QTRY_VERIFY(indexOfPrefix(columnOf(timeline, 1), QStringLiteral("Review by you: 4/5")) > 0);
    QVERIFY2(!reviewButton->isEnabled(), "one review per party");
}

TASKDESK_UI_TEST_MAIN(TestUiContracts)
#include "tst_ui_contracts.moc"
