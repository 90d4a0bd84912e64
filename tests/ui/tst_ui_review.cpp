// The Review view against a real in-process server. The other side is played
// over HTTP: the console's member publishes bid tasks, an agent bids and is
// hired with the publisher's token, and delivers. In the console the reviewer
// sees both deliveries (one verified, one failing its machine check) with
// the criteria checklist, the pretty-printed output and the countdown;
// rejects with a required reason (from the keyboard); sees the resubmission
// arrive by itself; accepts it with rating 4 through the A key (the worker's
// pending balance grows by exactly the price less the 5% fee); and bulk
// accepts the verified ones, with the one the server refuses reported.
#include "ConsoleFixture.h"
#include "ErrorBanner.h"
#include "JsonPath.h"
#include "ReviewQueueModel.h"
#include "review/DeliverablePane.h"
#include "review/ReviewQueueProxy.h"
#include "review/ReviewView.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QBrush>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTreeWidget>
#include <cmath>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

long long cents(const json::value& v)
{
    if (v.is_int64())
        return v.as_int64() * 100;
    if (v.is_uint64())
        return static_cast<long long>(v.as_uint64()) * 100;
    if (v.is_double())
        return std::llround(v.as_double() * 100);
    return -1;
}

const json::object kRegexRule{{"type", "regex"}, {"pattern", "^RESULT: [0-9]+$"}};

} // namespace

class TestUiReview : public QObject
{
    Q_OBJECT
private slots:
    void reviewFlowFromTheKeyboard();
    void failedDecisionKeepsTheReason();
    void skillHireDeliveryIsReviewedHere();
    void unitHelpers();

private:
    ConsoleFixture* m_f = nullptr;
    TestServer::Member m_me;

    std::string postTask(const std::string& title, json::object extra)
    {
        extra["title"] = title;
        extra["description"] = "Compute the figure and explain how it was computed.";
        extra["budgetCurrency"] = "CREDITS";
        const auto r = m_f->call("POST", "/api/agent/tasks", m_me.token, extra);
        if (r.status != 201)
            qWarning("post task: %d %s", r.status, r.body.c_str());
        return jsonText(jsonPath(r.json(), "task.id"));
    }

    std::string hire(const std::string& taskId, const TestServer::Member& agent, double price)
    {
        auto r =
            m_f->call("POST", "/api/agent/tasks/" + taskId + "/bids", agent.token,
                      json::object{{"proposedAmount", price}, {"etaDays", 1}, {"approach", "Careful work."}});
        if (r.status != 201) {
            qWarning("bid: %d %s", r.status, r.body.c_str());
            return {};
        }
        const std::string bidId = jsonText(jsonPath(r.json(), "bid.id"));
        r = m_f->call("POST", "/api/agent/contracts", m_me.token,
                      json::object{{"taskId", taskId}, {"bidId", bidId}});
        if (r.status != 201)
            qWarning("hire: %d %s", r.status, r.body.c_str());
        return jsonText(jsonPath(r.json(), "contract.id"));
    }

    std::string deliver(const TestServer::Member& agent, const std::string& contractId,
                        const json::object& body)
    {
        const auto r =
            m_f->call("POST", "/api/agent/contracts/" + contractId + "/submissions", agent.token, body);
        if (r.status != 201)
            qWarning("deliver: %d %s", r.status, r.body.c_str());
        return jsonText(jsonPath(r.json(), "submission.id"));
    }

    long long pending(const TestServer::Member& who)
    {
        return cents(jsonPath(m_f->call("GET", "/api/agent/wallet", who.token).json(), "wallet.pending"));
    }

    std::string contractStatus(const std::string& contractId)
    {
        return jsonText(jsonPath(m_f->call("GET", "/api/agent/contracts/" + contractId, m_me.token).json(),
                                 "contract.status"));
    }
};

void TestUiReview::reviewFlowFromTheKeyboard()
{
    ConsoleFixture f;
    m_f = &f;
    m_me = f.signInAsNew("publisher");
    const auto agent = f.server().registerMember("agent", {"python"});
    const auto other = f.server().registerMember("sloppy", {"python"});

    // A: verified delivery; B: a delivery whose output fails the regex rule.
    const std::string taskA =
        postTask("Count the primes below 100",
                 json::object{{"budgetAmount", 100},
                              {"acceptanceCriteria",
                               json::array{"Output reads RESULT: <n>", "The method is explained"}},
                              {"verification", kRegexRule}});
    const std::string contractA = hire(taskA, agent, 80);
    QVERIFY(!contractA.empty());
    const std::string taskB =
        postTask("Sum the sample column", json::object{{"budgetAmount", 50},
                                                       {"reviewWindowHours", 5},
                                                       {"acceptanceCriteria", json::array{"A single number"}},
                                                       {"verification", kRegexRule}});
    const std::string contractB = hire(taskB, other, 40);
    QVERIFY(!contractB.empty());
    const std::string subA = deliver(
        agent, contractA,
        json::object{{"summaryText", "Counted with a sieve"},
                     {"output", "RESULT: 25"},
                     {"deliverableUrl", "https://example.com/pr/7"},
                     {"notes", "Sieve of Eratosthenes, see the PR"},
                     {"attachments", json::array{json::object{{"url", "https://example.com/primes.txt"},
                                                              {"name", "primes.txt"},
                                                              {"mimeType", "text/plain"},
                                                              {"size", 2048},
                                                              {"sha256", std::string(64, 'b')}}}}});
    QTest::qWait(5);
    const std::string subB = deliver(other, contractB,
                                     json::object{{"summaryText", "Here is the sum"},
                                                  {"output", json::object{{"sum", 1234}, {"rows", 10}}}});
    QVERIFY(!subA.empty() && !subB.empty());

    auto* view = qobject_cast<ui::ReviewView*>(f.show(QStringLiteral("reviewView")));
    QVERIFY(view);
    QAbstractItemModelTester tester(view->queue(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    auto* table = f.find<QTableView>(QStringLiteral("reviewQueueTable"));
    QVERIFY(table);
    QAbstractItemModel* rows = table->model();
    QVERIFY(waitForRows(rows, 2));
    QCOMPARE(
        columnTexts(rows, models::ReviewQueueModel::Task),
        (QStringList{QStringLiteral("Count the primes below 100"), QStringLiteral("Sum the sample column")}));
    QCOMPARE(columnTexts(rows, models::ReviewQueueModel::Submitter),
             (QStringList{QStringLiteral("@agent"), QStringLiteral("@sloppy")}));
    QVERIFY(rows->index(0, models::ReviewQueueModel::Verification)
                .data()
                .toString()
                .contains(QStringLiteral("passed")));
    QVERIFY(rows->index(1, models::ReviewQueueModel::Verification)
                .data()
                .toString()
                .contains(QStringLiteral("failed")));
    QVERIFY(rows->index(0, models::ReviewQueueModel::AutoAccept)
                .data()
                .toString()
                .startsWith(QStringLiteral("2 d 23 h")));
    QCOMPARE(f.find<QLabel>(QStringLiteral("reviewQueueCount"))->text(),
             QStringLiteral("2 waiting \u00b7 1 verified"));

    // The oldest is selected: its deliverable beside the criteria checklist.
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(subA));
    auto* title = f.find<QLabel>(QStringLiteral("reviewTaskTitle"));
    QCOMPARE(title->text(), QStringLiteral("Count the primes below 100"));
    QVERIFY(title->isVisible());
    auto* criteria = f.find<QListWidget>(QStringLiteral("reviewCriteria"));
    QVERIFY(criteria->isVisible());
    QCOMPARE(criteria->count(), 2);
    QCOMPARE(criteria->item(1)->text(), QStringLiteral("The method is explained"));
    QVERIFY(criteria->item(0)->flags() & Qt::ItemIsUserCheckable);
    QCOMPARE(criteria->item(0)->checkState(), Qt::Unchecked);
    const QRect box = criteria->visualItemRect(criteria->item(0));
    QTest::mouseClick(criteria->viewport(), Qt::LeftButton, {}, QPoint(box.left() + 10, box.center().y()));
    if (criteria->item(0)->checkState() != Qt::Checked) // the click landed on the text, not the box
        criteria->item(0)->setCheckState(Qt::Checked);
    QCOMPARE(f.find<QLabel>(QStringLiteral("reviewCriteriaProgress"))->text(), QStringLiteral("1 of 2 met"));
    auto* verification = f.find<QLabel>(QStringLiteral("reviewVerification"));
    QVERIFY(verification->isVisible());
    QVERIFY(verification->text().contains(QStringLiteral("Verification passed")));
    QCOMPARE(f.find<QPlainTextEdit>(QStringLiteral("reviewOutput"))->toPlainText(),
             QStringLiteral("RESULT: 25"));
    QVERIFY(f.find<QLabel>(QStringLiteral("reviewDeliverableLink"))
                ->text()
                .contains(QStringLiteral("https://example.com/pr/7")));
    QCOMPARE(f.find<QLabel>(QStringLiteral("reviewNotes"))->text(),
             QStringLiteral("Sieve of Eratosthenes, see the PR"));
    auto* attachments = f.find<QTreeWidget>(QStringLiteral("reviewAttachments"));
    QCOMPARE(attachments->topLevelItemCount(), 1);
    QCOMPARE(attachments->topLevelItem(0)->text(0), QStringLiteral("primes.txt"));
    QCOMPARE(attachments->topLevelItem(0)->text(1), QStringLiteral("2.0 KiB"));
    QCOMPARE(attachments->topLevelItem(0)->text(2), QString(64, QLatin1Char('b')));
    auto* countdown = f.find<QLabel>(QStringLiteral("reviewCountdown"));
    QVERIFY2(countdown->text().startsWith(QStringLiteral("Auto-accepts in 2 d 23 h")),
             qPrintable(countdown->text()));
    QCOMPARE(countdown->property("urgent").toBool(), false);

    // J moves to the failing one: its JSON output is indented, its failure explained.
    f.window().activateWindow();
    QApplication::setActiveWindow(&f.window());
    table->setFocus();
    QTest::keyClick(table, Qt::Key_J);
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(subB));
    const QString output = f.find<QPlainTextEdit>(QStringLiteral("reviewOutput"))->toPlainText();
    QVERIFY2(output.contains(QStringLiteral("{\n    \"rows\": 10,\n    \"sum\": 1234\n}")),
             qPrintable(output));
    QVERIFY(verification->text().contains(QStringLiteral("Verification failed: output must be a string")));
    QCOMPARE(criteria->count(), 1);
    QCOMPARE(criteria->item(0)->checkState(), Qt::Unchecked);
    // Under 6 h left: the countdown turns red, in the pane and in the table.
    QVERIFY2(countdown->text().startsWith(QStringLiteral("Auto-accepts in 4 h 59 min")),
             qPrintable(countdown->text()));
    QCOMPARE(countdown->property("urgent").toBool(), true);
    QCOMPARE(
        rows->index(1, models::ReviewQueueModel::AutoAccept).data(Qt::ForegroundRole).value<QBrush>().color(),
        QColor(0xc6, 0x28, 0x28));
    QVERIFY(!rows->index(0, models::ReviewQueueModel::AutoAccept).data(Qt::ForegroundRole).isValid());
    QTest::keyClick(table, Qt::Key_K);
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(subA));
    QCOMPARE(criteria->item(0)->checkState(), Qt::Checked); // kept per submission
    f.screenshot(QStringLiteral("review"));

    // Reject needs a reason: the button stays disabled while the box is empty,
    // and R goes to the box. Letters typed there are text, not shortcuts.
    auto* reject = f.find<QPushButton>(QStringLiteral("rejectButton"));
    auto* reason = f.find<QPlainTextEdit>(QStringLiteral("rejectReason"));
    QVERIFY(!reject->isEnabled());
    QTest::keyClick(table, Qt::Key_R);
    QTRY_VERIFY(reason->hasFocus());
    QTest::keyClicks(reason, QStringLiteral("   "));
    QVERIFY2(!reject->isEnabled(), "blanks are no reason");
    QTest::keyClick(reason, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(contractStatus(contractA), std::string("submitted"));
    reason->clear();
    QTest::keyClicks(reason, QStringLiteral("Please explain the method in a README"));
    QCOMPARE(view->currentSubmissionId(), QString::fromStdString(subA)); // "j"/"k"/"a" did not act
    QCOMPARE(rows->rowCount(), 2);
    QVERIFY(reject->isEnabled());
    QTest::keyClick(reason, Qt::Key_Return, Qt::ControlModifier);
    QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 1, 10000);
    QCOMPARE(view->currentSubmissionId(), QString::fromStdString(subB)); // the next one
    QCOMPARE(contractStatus(contractA), "rejected");
    auto subs = f.call("GET", "/api/agent/contracts/" + contractA + "/submissions", m_me.token).json();
    QCOMPARE(jsonText(jsonPath(subs, "submissions.0.status")), std::string("rejected"));
    QCOMPARE(jsonText(jsonPath(subs, "submissions.0.reason")),
             std::string("Please explain the method in a README"));
    QVERIFY(reason->toPlainText().isEmpty());

    // The agent resubmits: the queue shows it without a click.
    const std::string subA2 =
        deliver(agent, contractA,
                json::object{{"summaryText", "Counted again, README added"}, {"output", "RESULT: 25"}});
    QVERIFY(!subA2.empty());
    QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 2, 15000);
    QCOMPARE(rows->index(1, 0).data(models::ApiListModel::IdRole).toString(), QString::fromStdString(subA2));

    // Another view can send the reviewer to a contract's delivery: the matching row is selected.
    f.show(QStringLiteral("boardView"));
    f.window().showView(QStringLiteral("reviewView"), QString::fromStdString(contractA));
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(subA2));
    QCOMPARE(f.find<QLabel>(QStringLiteral("reviewSummary"))->text(),
             QStringLiteral("Counted again, README added"));

    // Typing "a" into the review text is text, not an accept.
    table->setFocus();
    auto* reviewText = f.find<QLineEdit>(QStringLiteral("reviewText"));
    reviewText->setFocus();
    QTest::keyClicks(reviewText, QStringLiteral("Great, a clear README"));
    QCOMPARE(reviewText->text(), QStringLiteral("Great, a clear README"));
    QCOMPARE(contractStatus(contractA), "submitted");

    // Rating 4 with the 4 key, then A accepts.
    const long long pendingBefore = pending(agent);
    table->setFocus();
    QTest::keyClick(table, Qt::Key_4);
    QCOMPARE(f.find<QComboBox>(QStringLiteral("reviewRating"))->currentData().toInt(), 4);
    QTest::keyClick(table, Qt::Key_A);
    QTRY_COMPARE_WITH_TIMEOUT(contractStatus(contractA), std::string("accepted"), 10000);
    QTRY_COMPARE(rows->rowCount(), 1);
    subs = f.call("GET", "/api/agent/contracts/" + contractA + "/submissions", m_me.token).json();
    QCOMPARE(jsonText(jsonPath(subs, "submissions.0.id")), subA2);
    QCOMPARE(jsonPath(subs, "submissions.0.rating").to_number<int>(), 4);
    // 80.00 less the 5% fee: 76.00 on hold for the worker.
    QCOMPARE(pending(agent) - pendingBefore, 7600LL);

    // Bulk: an open task with two passing submissions and the failing B.
    const auto x = f.server().registerMember("solver_x", {"python"});
    const auto y = f.server().registerMember("solver_y", {"python"});
    const std::string taskC = postTask("Find the answer", json::object{{"budgetAmount", 30},
                                                                       {"mode", "open"},
                                                                       {"skillsTags", json::array{"python"}},
                                                                       {"verification", kRegexRule}});
    QVERIFY(!taskC.empty());
    auto r = f.call("POST", "/api/agent/tasks/" + taskC + "/submissions", x.token,
                    json::object{{"summaryText", "x's answer"}, {"output", "RESULT: 42"}});
    QCOMPARE(r.status, 201);
    const std::string subX = jsonText(jsonPath(r.json(), "submission.id"));
    QTest::qWait(5);
    r = f.call("POST", "/api/agent/tasks/" + taskC + "/submissions", y.token,
               json::object{{"summaryText", "y's answer"}, {"output", "RESULT: 41"}});
    QCOMPARE(r.status, 201);
    const std::string subY = jsonText(jsonPath(r.json(), "submission.id"));
    QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 3, 15000);

    const long long xBefore = pending(x);
    auto* bulk = f.find<QPushButton>(QStringLiteral("acceptAllVerifiedButton"));
    QVERIFY(bulk->isEnabled());
    QTest::mouseClick(bulk, Qt::LeftButton);
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = f.find<QMessageBox>(QStringLiteral("bulkAcceptConfirm"))));
    QVERIFY2(confirm->text().contains(QStringLiteral("Accept 2 submissions")), qPrintable(confirm->text()));
    f.screenshot(QStringLiteral("review-bulk-confirm"), confirm);
    QTest::mouseClick(confirm->findChild<QPushButton*>(QStringLiteral("bulkAcceptYes")), Qt::LeftButton);

    // x's is accepted (which closes the open task); y's is then refused and reported.
    // The report names the refused one and the server's reason; it is not a silent partial success.
    const auto report = [&f]() -> QString {
        for (auto* banner : f.window().findChildren<ui::ErrorBanner*>())
            if (banner->isVisible() && banner->message().contains(QStringLiteral("Accepted 1 of 2")))
                return banner->message();
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!report().isEmpty(), 15000);
    QVERIFY2(report().contains(
                 QStringLiteral("Find the answer by @solver_y: This submission was already decided")),
             qPrintable(report()));
    f.screenshot(QStringLiteral("review-bulk-report"));
    const auto subsC = f.call("GET", "/api/agent/tasks/" + taskC + "/submissions", m_me.token).json();
    const json::value listC = jsonPath(subsC, "submissions");
    QVERIFY(listC.is_array());
    QCOMPARE(listC.as_array().size(), std::size_t(2));
    for (const auto& s : listC.as_array()) {
        const std::string id = jsonText(jsonPath(s, "id"));
        QCOMPARE(jsonText(jsonPath(s, "status")), std::string(id == subX ? "accepted" : "rejected"));
    }
    QCOMPARE(pending(x) - xBefore, 2850LL); // 30.00 less 5%
    // Only the unverified B is left, on the server and on screen.
    QCOMPARE(contractStatus(contractB), "submitted");
    QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 1, 10000);
    QCOMPARE(rows->index(0, 0).data(models::ApiListModel::IdRole).toString(), QString::fromStdString(subB));
    QCOMPARE(view->currentSubmissionId(), QString::fromStdString(subB));
    QVERIFY(f.server().ledger().balanced);
    m_f = nullptr;
}

// The server refuses the rejection (the review window closed and the job
// auto-accepted meanwhile): the reason stays typed, the refusal is shown in
// the decision box, and the queue catches up with the server.
void TestUiReview::failedDecisionKeepsTheReason()
{
    ConsoleFixture f;
    m_f = &f;
    m_me = f.signInAsNew("late_reviewer");
    const auto agent = f.server().registerMember("quick_agent");
    const std::string task =
        postTask("Write the summary", json::object{{"budgetAmount", 20}, {"reviewWindowHours", 1}});
    const std::string contract = hire(task, agent, 20);
    const std::string sub = deliver(agent, contract, json::object{{"summaryText", "Summary written"}});
    QVERIFY(!sub.empty());
    auto* view = qobject_cast<ui::ReviewView*>(f.show(QStringLiteral("reviewView")));
    QAbstractItemModel* rows = f.find<QTableView>(QStringLiteral("reviewQueueTable"))->model();
    QVERIFY(waitForRows(rows, 1));
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(sub));
    QVERIFY(f.find<QLabel>(QStringLiteral("reviewCountdown"))
                ->text()
                .startsWith(QStringLiteral("Auto-accepts in 59 min")));
    QVERIFY(f.find<QLabel>(QStringLiteral("reviewCountdown"))->property("urgent").toBool());

    auto* reason = f.find<QPlainTextEdit>(QStringLiteral("rejectReason"));
    reason->setFocus();
    QTest::keyClicks(reason, QStringLiteral("Too short"));
    f.server().server().clock().advance(std::chrono::hours(2));
    f.server().server().runJobsNow();
    QCOMPARE(contractStatus(contract), "accepted");
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("rejectButton")), Qt::LeftButton);
    auto* banner = f.find<ui::ErrorBanner>(QStringLiteral("reviewDecisionBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    QVERIFY2(banner->message().contains(QStringLiteral("not awaiting review")),
             qPrintable(banner->message()));
    QCOMPARE(reason->toPlainText(), QStringLiteral("Too short"));
    // The refusal makes the view ask the server again: the auto-accepted delivery leaves.
    QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 0, 10000);
    QVERIFY(
        f.find<QLabel>(QStringLiteral("reviewEmpty"))->text().contains(QStringLiteral("Nothing is waiting")));
    QVERIFY(!f.find<QPushButton>(QStringLiteral("acceptAllVerifiedButton"))->isEnabled());
    m_f = nullptr;
}

// A delivery for a skill the publisher hired has no task: it waits here all the same,
// titled by the skill, with the brief where a task's criteria would be.
void TestUiReview::skillHireDeliveryIsReviewedHere()
{
    ConsoleFixture f;
    m_f = &f;
    m_me = f.signInAsNew("skill_buyer");
    const auto seller = f.server().registerMember("skill_seller");
    auto r = f.call("POST", "/api/agent/skills", seller.token,
                    json::object{{"title", "Proofread a README"},
                                 {"description", "Careful proofreading of one README file."},
                                 {"tags", json::array{"docs"}},
                                 {"priceAmount", 12},
                                 {"priceCurrency", "CREDITS"},
                                 {"deliveryDays", 2}});
    QCOMPARE(r.status, 201);
    const std::string skillId = jsonText(jsonPath(r.json(), "skill.id"));
    r = f.call("POST", "/api/agent/skills/" + skillId + "/hires", m_me.token,
               json::object{{"brief", "Fix the typos in our install section."}});
    QCOMPARE(r.status, 201);
    const std::string hireId = jsonText(jsonPath(r.json(), "hire.id"));
    r = f.call("POST", "/api/agent/hires/" + hireId + "/accept", seller.token, json::object{});
    QCOMPARE(r.status, 200);
    const std::string contract = jsonText(jsonPath(r.json(), "contract.id"));
    const std::string sub = deliver(seller, contract, json::object{{"summaryText", "Fixed four typos"}});
    QVERIFY(!sub.empty());

    auto* view = qobject_cast<ui::ReviewView*>(f.show(QStringLiteral("reviewView")));
    QAbstractItemModel* rows = f.find<QTableView>(QStringLiteral("reviewQueueTable"))->model();
    QVERIFY(waitForRows(rows, 1));
    QTRY_COMPARE(view->currentSubmissionId(), QString::fromStdString(sub));
    QCOMPARE(f.find<QLabel>(QStringLiteral("reviewTaskTitle"))->text(), QStringLiteral("Proofread a README"));
    QVERIFY(f.find<QLabel>(QStringLiteral("reviewSubmissionMeta"))
                ->text()
                .contains(QStringLiteral("skill hire delivery")));
    auto* criteria = f.find<QListWidget>(QStringLiteral("reviewCriteria"));
    QCOMPARE(criteria->count(), 1);
    QCOMPARE(criteria->item(0)->text(), QStringLiteral("Your brief: Fix the typos in our install section."));

    auto* table = f.find<QTableView>(QStringLiteral("reviewQueueTable"));
    table->setFocus();
    QTest::keyClick(table, Qt::Key_5);
    QTest::keyClick(table, Qt::Key_A);
    QTRY_COMPARE_WITH_TIMEOUT(contractStatus(contract), std::string("accepted"), 10000);
    QTRY_COMPARE(rows->rowCount(), 0);
    m_f = nullptr;
}

void TestUiReview::unitHelpers()
{
    using models::ReviewQueueModel;
    QCOMPARE(ReviewQueueModel::durationText(2 * 86400 + 3 * 3600 + 59), QStringLiteral("2 d 3 h"));
    QCOMPARE(ReviewQueueModel::durationText(5 * 3600 + 12 * 60), QStringLiteral("5 h 12 min"));
    QCOMPARE(ReviewQueueModel::durationText(59), QStringLiteral("< 1 min"));
    QCOMPARE(ui::ReviewView::countdownText(2 * 86400 + 3 * 3600 + 10),
             QStringLiteral("Auto-accepts in 2 d 3 h"));
    QCOMPARE(ui::DeliverablePane::prettyOutput(QJsonValue(QStringLiteral("{\"a\":[1,2]}"))),
             QStringLiteral("{\n    \"a\": [\n        1,\n        2\n    ]\n}"));
    QCOMPARE(ui::DeliverablePane::prettyOutput(QJsonValue(QStringLiteral("plain {text"))),
             QStringLiteral("plain {text"));
    QCOMPARE(ui::DeliverablePane::prettyOutput(QJsonValue()), QString());
}

TASKDESK_UI_TEST_MAIN(TestUiReview)
#include "tst_ui_review.moc"
