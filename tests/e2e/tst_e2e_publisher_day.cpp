// A publisher's day, end to end: the console (offscreen, driven through its
// widgets) posts a task, an agent (scripted over HTTP) bids, the console
// hires, the agent delivers, the console rejects with a reason, the agent
// delivers again, the console accepts with a rating. At every step the
// server's state is checked over HTTP, and at the end the wallet figures on
// screen equal the API's to the cent.
#include "ConsoleFixture.h"
#include "JsonPath.h"
#include "MainWindow.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

double num(const json::value& v)
{
    return v.is_number() ? v.to_number<double>() : -1;
}

// Answers the next modal confirmation (if one appears within the wait) with its default button.
void confirmNextModal(int waitMs = 3000)
{
    auto* timer = new QTimer;
    auto elapsed = std::make_shared<int>(0);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, elapsed, waitMs] {
        *elapsed += 50;
        if (QWidget* modal = QApplication::activeModalWidget()) {
            if (auto* box = qobject_cast<QMessageBox*>(modal)) {
                QAbstractButton* b = box->defaultButton();
                if (!b)
                    b = box->button(QMessageBox::Yes) ? box->button(QMessageBox::Yes)
                                                      : box->button(QMessageBox::Ok);
                if (b)
                    b->click();
                timer->deleteLater();
                return;
            }
        }
        if (*elapsed > waitMs)
            timer->deleteLater();
    });
    timer->start(50);
}

int rowWhere(const QAbstractItemModel* model, int column, const QString& text)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, column).data().toString().contains(text))
            return r;
    return -1;
}

} // namespace

class TestPublisherDay : public QObject
{
    Q_OBJECT
private slots:
    void postHireRejectAcceptAndPay();
};

void TestPublisherDay::postHireRejectAcceptAndPay()
{
    ConsoleFixture f;
    const auto publisher = f.signInAsNew("publisher");
    const auto agent = f.server().registerMember("agent_ann", {"writing"});

    // 1. Post a task from the Board's dialog.
    f.show(QStringLiteral("boardView"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("postTaskButton")), Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("postTaskDialog")));
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("taskTitle")),
                     QStringLiteral("Summarise the Q3 report"));
    QTest::keyClicks(f.find<QPlainTextEdit>(QStringLiteral("taskDescription")),
                     QStringLiteral("Two pages, with the revenue table."));
    f.find<QRadioButton>(QStringLiteral("modeBid"))->click();
    for (const QString& criterion :
         {QStringLiteral("Two pages at most"), QStringLiteral("Includes the revenue table")}) {
        QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("criterionEdit")), criterion);
        QTest::mouseClick(f.find<QPushButton>(QStringLiteral("addCriterionButton")), Qt::LeftButton);
    }
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("skillsEdit")), QStringLiteral("writing"));
    f.find<QLineEdit>(QStringLiteral("budgetAmount"))->clear();
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("budgetAmount")), QStringLiteral("120"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("postButton")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("postTaskDialog")), 10000);

    auto mine = f.call("GET", "/api/agent/tasks", publisher.token).json();
    QCOMPARE(jsonPath(mine, "tasks").as_array().size(), std::size_t(1));
    const std::string taskId = jsonText(jsonPath(mine, "tasks.0.id"));
    QCOMPARE(jsonText(jsonPath(mine, "tasks.0.title")), std::string("Summarise the Q3 report"));
    QCOMPARE(jsonPath(mine, "tasks.0.acceptanceCriteria").as_array().size(), std::size_t(2));
    QCOMPARE(num(jsonPath(mine, "tasks.0.budgetAmount")), 120.0);

    // 2. The agent bids; the bid shows up in the task's detail without a click.
    json::object bid;
    bid["proposedAmount"] = 100;
    bid["etaDays"] = 1;
    bid["approach"] = "I summarise reports every day.";
    auto placed = f.call("POST", "/api/agent/tasks/" + taskId + "/bids", agent.token, bid);
    QCOMPARE(placed.status, 201);
    f.find<QToolButton>(QStringLiteral("scopeMine"))->click();
    auto* tasks = f.find<QTableView>(QStringLiteral("taskTable"));
    QVERIFY(waitForRows(tasks->model(), 1));
    tasks->selectRow(0);
    auto* bids = f.find<QTableView>(QStringLiteral("bidTable"));
    QVERIFY(bids);
    QVERIFY2(waitForRows(bids->model(), 1), "the agent's bid is listed");
    bids->selectRow(0);

    // 3. Hire from the console.
    auto* hire = f.find<QPushButton>(QStringLiteral("hireButton"));
    QTRY_VERIFY(hire->isEnabled());
    confirmNextModal();
    QTest::mouseClick(hire, Qt::LeftButton);
    std::string contractId;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto contracts = f.call("GET", "/api/agent/contracts?role=buyer", publisher.token).json();
            contractId = jsonText(jsonPath(contracts, "contracts.0.id"));
            return !contractId.empty();
        }(),
        10000);
    f.screenshot(QStringLiteral("e2e-hired"));

    // 4. The agent delivers; the Review queue shows it.
    json::object delivery;
    delivery["summaryText"] = "Summary attached.";
    delivery["output"] = "The report in one page.";
    QCOMPARE(
        f.call("POST", "/api/agent/contracts/" + contractId + "/submissions", agent.token, delivery).status,
        201);
    f.show(QStringLiteral("reviewView"));
    auto* queue = f.find<QTableView>(QStringLiteral("reviewQueueTable"));
    QVERIFY2(waitForRows(queue->model(), 1), "the delivery waits for review");
    queue->selectRow(0);
    auto* criteria = f.find<QListWidget>(QStringLiteral("reviewCriteria"));
    QTRY_COMPARE(criteria->count(), 2);

    // 5. Reject with a reason (the button needs one).
    auto* reject = f.find<QPushButton>(QStringLiteral("rejectButton"));
    QVERIFY2(!reject->isEnabled(), "no reason, no reject");
    QTest::keyClicks(f.find<QPlainTextEdit>(QStringLiteral("rejectReason")),
                     QStringLiteral("The revenue table is missing."));
    QTRY_VERIFY(reject->isEnabled());
    confirmNextModal();
    QTest::mouseClick(reject, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(
        jsonText(jsonPath(f.call("GET", "/api/agent/contracts/" + contractId, publisher.token).json(),
                          "contract.status")) != "submitted",
        10000);
    const auto afterReject =
        f.call("GET", "/api/agent/contracts/" + contractId + "/submissions", agent.token).json();
    QCOMPARE(jsonText(jsonPath(afterReject, "submissions.0.status")), std::string("rejected"));
    QVERIFY(f.call("GET", "/api/agent/contracts/" + contractId + "/submissions", agent.token)
                .body.find("The revenue table is missing.") != std::string::npos);

    // 6. The agent delivers again; it appears in the queue by itself.
    delivery["summaryText"] = "Now with the revenue table.";
    QCOMPARE(
        f.call("POST", "/api/agent/contracts/" + contractId + "/submissions", agent.token, delivery).status,
        201);
    QTRY_VERIFY_WITH_TIMEOUT(queue->model()->rowCount() == 1 && rowWhere(queue->model(), 0, QString()) >= 0,
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(f.find<QLabel>(QStringLiteral("reviewTaskTitle"))->isVisible(), 10000);
    queue->selectRow(0);

    // 7. Accept with rating 4.
    auto* rating = f.find<QComboBox>(QStringLiteral("reviewRating"));
    for (int i = 0; i < rating->count(); ++i)
        if (rating->itemText(i).contains(QLatin1Char('4')) || rating->itemData(i).toInt() == 4)
            rating->setCurrentIndex(i);
    confirmNextModal();
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("acceptButton")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(
        jsonText(jsonPath(f.call("GET", "/api/agent/contracts/" + contractId, publisher.token).json(),
                          "contract.status")),
        std::string("accepted"), 10000);

    // 8. Money: the worker earned 100 less the 5% fee (pending); the publisher
    // paid 100 of the 120 escrowed and got 20 back.
    const auto workerWallet = f.call("GET", "/api/agent/wallet", agent.token).json();
    QCOMPARE(num(jsonPath(workerWallet, "wallet.pending")), 95.0);
    const auto wallet = f.call("GET", "/api/agent/wallet", publisher.token).json();
    QCOMPARE(num(jsonPath(wallet, "wallet.available")), 900.0);
    QCOMPARE(num(jsonPath(wallet, "wallet.escrow")), 0.0);
    f.show(QStringLiteral("walletView"));
    f.window().refreshBalance();
    QTRY_COMPARE_WITH_TIMEOUT(f.window().balance().availableCents, qint64(90000), 10000);
    QTRY_VERIFY(f.find<QLabel>(QStringLiteral("balanceLabel"))->text().contains(QStringLiteral("900.00")));
    // The Wallet view shows the same figure as text.
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (QLabel* label : f.window().view(QStringLiteral("walletView"))->findChildren<QLabel*>())
                if (label->isVisible() && label->text().contains(QStringLiteral("900.00")))
                    return true;
            return false;
        }(),
        10000);
    f.screenshot(QStringLiteral("e2e-paid"));
    const auto ledger = f.server().ledger();
    QVERIFY(ledger.balanced);
}

TASKDESK_UI_TEST_MAIN(TestPublisherDay)
#include "tst_e2e_publisher_day.moc"
