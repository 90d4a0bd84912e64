// The Board against a real in-process server: posting tasks from the dialog
// in each mode (and what the server then holds), server-side validation
// failures that keep the form, the verification "test it now" box, bids that
// arrive live and are hired or rejected from the detail pane, and search.
#include "BidListModel.h"
#include "ConsoleFixture.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "JsonPath.h"
#include "TaskFilterProxyModel.h"
#include "TaskListModel.h"
#include "board/BoardView.h"
#include "board/PostTaskDialog.h"
#include "board/TaskDetailPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;
using models::TaskListModel;

namespace {

QString qstr(const json::value& v)
{
    return QString::fromStdString(jsonText(v));
}

struct Spec
{
    QString title;
    QString description;
    QString mode; // bid | claim | open
    bool requireApproval = false;
    QStringList criteria; // typed in this order; the test then moves the last one to the top
    QString skills;
    QString budget;
    int reviewHours = 72;
    QString regex; // empty: no rule
};

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

template <class T> T* in(QObject* root, const char* name)
{
    return root ? root->findChild<T*>(QLatin1String(name)) : nullptr;
}

// Looks up widgets inside one dialog, with the fixture's find() spelling.
struct In
{
    QWidget* root;
    template <class T> T* find(const QString& name) const { return root->findChild<T*>(name); }
};

void replaceText(QWidget* w, const QString& text)
{
    w->setFocus();
    QTest::keyClick(w, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClick(w, Qt::Key_Delete);
    QTest::keyClicks(w, text);
}

} // namespace

class TestUiBoard : public QObject
{
    Q_OBJECT
private slots:
    void postTaskInEachMode();
    void serverValidationKeepsTheForm();
    void testItNowShowsPassAndFail();
    void bidsArriveLiveAndAreHiredOrRejected();
    void searchNarrowsTheMarketplace();

private:
    ui::PostTaskDialog* openDialog(ConsoleFixture& f);
    void fill(QWidget* dialog, const Spec& spec);
};

ui::PostTaskDialog* TestUiBoard::openDialog(ConsoleFixture& f)
{
    f.show(QStringLiteral("boardView"));
    auto* button = f.find<QPushButton>(QStringLiteral("postTaskButton"));
    if (!button)
        return nullptr;
    QTest::mouseClick(button, Qt::LeftButton);
    ui::PostTaskDialog* dialog = nullptr;
    for (int i = 0; i < 100 && !dialog; ++i) {
        dialog = f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog"));
        if (!dialog)
            QTest::qWait(20);
    }
    return dialog;
}

void TestUiBoard::fill(QWidget* dialog, const Spec& spec)
{
    const In f{dialog};
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("taskTitle")), spec.title);
    QTest::keyClicks(f.find<QPlainTextEdit>(QStringLiteral("taskDescription")), spec.description);
    const QString modeButton = spec.mode == QLatin1String("claim")  ? QStringLiteral("modeClaim")
                               : spec.mode == QLatin1String("open") ? QStringLiteral("modeOpen")
                                                                    : QStringLiteral("modeBid");
    QTest::mouseClick(f.find<QRadioButton>(modeButton), Qt::LeftButton);
    if (spec.requireApproval)
        QTest::mouseClick(f.find<QCheckBox>(QStringLiteral("requireApproval")), Qt::LeftButton);
    auto* criterion = f.find<QLineEdit>(QStringLiteral("criterionEdit"));
    for (const QString& c : spec.criteria) {
        QTest::keyClicks(criterion, c);
        QTest::mouseClick(f.find<QPushButton>(QStringLiteral("addCriterionButton")), Qt::LeftButton);
    }
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("skillsEdit")), spec.skills);
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("budgetAmount")), spec.budget);
    replaceText(f.find<QSpinBox>(QStringLiteral("reviewWindowHours")), QString::number(spec.reviewHours));
    if (!spec.regex.isEmpty()) {
        auto* type = f.find<QComboBox>(QStringLiteral("verificationType"));
        type->setCurrentIndex(type->findData(QStringLiteral("regex")));
        QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("verificationPattern")), spec.regex);
    }
}

void TestUiBoard::postTaskInEachMode()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("poster");
    auto* balance = f.find<QLabel>(QStringLiteral("balanceLabel"));
    QTRY_VERIFY(balance->text().contains(QStringLiteral("1,000.00")));
    auto* board = qobject_cast<ui::BoardView*>(f.show(QStringLiteral("boardView")));
    QVERIFY(board);

    const QList<Spec> specs = {
        {QStringLiteral("Summarise a report"),
         QStringLiteral("Five bullet points from the attached PDF."),
         QStringLiteral("bid"),
         false,
         {QStringLiteral("At most five bullets"), QStringLiteral("Plain English")},
         QStringLiteral("writing, summaries"),
         QStringLiteral("125.50"),
         48,
         QString()},
        {QStringLiteral("Label 200 images"),
         QStringLiteral("Cats or dogs, one label per image, as CSV."),
         QStringLiteral("claim"),
         true,
         {QStringLiteral("Every image labelled"), QStringLiteral("CSV with a header")},
         QStringLiteral("labelling"),
         QStringLiteral("80"),
         72,
         QString()},
        {QStringLiteral("Count the words"),
         QStringLiteral("Reply with the word count of the given text."),
         QStringLiteral("open"),
         false,
         {QStringLiteral("A single number"), QStringLiteral("Counted by spaces")},
         QStringLiteral("text"),
         QStringLiteral("40.25"),
         24,
         QStringLiteral("^total: \\d+$")},
    };
    qint64 spentCents = 0;
    for (const Spec& spec : specs) {
        ui::PostTaskDialog* dialog = openDialog(f);
        QVERIFY(dialog);
        auto* post = f.find<QPushButton>(QStringLiteral("postButton"));
        QVERIFY2(!post->isEnabled(), "nothing typed yet");
        fill(dialog, spec);
        // Reorder: the last criterion moves to the top.
        auto* list = f.find<QListWidget>(QStringLiteral("criteriaList"));
        QCOMPARE(list->count(), spec.criteria.size());
        list->setCurrentRow(list->count() - 1);
        QTest::mouseClick(f.find<QPushButton>(QStringLiteral("criterionUpButton")), Qt::LeftButton);
        const QStringList expectedCriteria = {spec.criteria.at(1), spec.criteria.at(0)};
        QVERIFY2(post->isEnabled(), qPrintable(f.find<QLabel>(QStringLiteral("postHint"))->text()));
        if (spec.mode == QLatin1String("bid")) {
            QVERIFY(f.find<QComboBox>(QStringLiteral("budgetCurrency"))->isEnabled());
            // The escrow note names the available balance once the wallet has answered.
            auto* escrowNote = f.find<QLabel>(QStringLiteral("escrowNote"));
            QTRY_VERIFY2(escrowNote->text().contains(QStringLiteral("1,000.00")),
                         qPrintable(escrowNote->text()));
            f.screenshot(QStringLiteral("post-task"), dialog);
        } else {
            QVERIFY2(!f.find<QComboBox>(QStringLiteral("budgetCurrency"))->isEnabled(),
                     "claim and open tasks are paid in CREDITS");
        }
        QTest::mouseClick(post, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog")), 10000);

        // It shows up in My tasks, selected, with its detail.
        QVERIFY(f.find<QToolButton>(QStringLiteral("scopeMine"))->isChecked());
        TaskListModel* mine = board->myTasksModel();
        QTRY_VERIFY(rowWithText(mine, TaskListModel::Title, spec.title) >= 0);
        const QString id = mine->idAt(rowWithText(mine, TaskListModel::Title, spec.title));
        QTRY_COMPARE(board->detailPane()->taskId(), id);
        QTRY_COMPARE(in<QLabel>(board, "detailTitle")->text(), spec.title);

        // The server has exactly what was typed.
        const auto r = f.call("GET", "/api/agent/tasks/" + id.toStdString(), me.token);
        QCOMPARE(r.status, 200);
        const json::value t = r.json();
        QCOMPARE(qstr(jsonPath(t, "task.title")), spec.title);
        QCOMPARE(qstr(jsonPath(t, "task.description")), spec.description);
        QCOMPARE(qstr(jsonPath(t, "task.mode")), spec.mode);
        QCOMPARE(jsonPath(t, "task.requireApproval").as_bool(), spec.requireApproval);
        QStringList criteria;
        const json::value criteriaJson = jsonPath(t, "task.acceptanceCriteria");
        for (const auto& c : criteriaJson.as_array())
            criteria << qstr(c);
        QCOMPARE(criteria, expectedCriteria);
        QStringList skills;
        const json::value skillsJson = jsonPath(t, "task.skillsTags");
        for (const auto& s : skillsJson.as_array())
            skills << qstr(s);
        QStringList expectedSkills;
        for (const QString& s : spec.skills.split(QLatin1Char(',')))
            expectedSkills << s.trimmed();
        // The server keeps tags normalised (sorted); the set is what was typed.
        skills.sort();
        expectedSkills.sort();
        QCOMPARE(skills, expectedSkills);
        const qint64 cents = qRound64(spec.budget.toDouble() * 100);
        QCOMPARE(qRound64(jsonPath(t, "task.budgetAmount").to_number<double>() * 100), cents);
        QCOMPARE(qstr(jsonPath(t, "task.budgetCurrency")), QStringLiteral("CREDITS"));
        QCOMPARE(jsonPath(t, "task.reviewWindowHours").to_number<int>(), spec.reviewHours);
        QCOMPARE(qstr(jsonPath(t, "task.visibility")), QStringLiteral("public"));
        if (spec.regex.isEmpty()) {
            QVERIFY(jsonPath(t, "task.verification").is_null());
        } else {
            QCOMPARE(qstr(jsonPath(t, "task.verification.type")), QStringLiteral("regex"));
            QCOMPARE(qstr(jsonPath(t, "task.verification.pattern")), spec.regex);
        }

        // The status bar's balance drops by the budget.
        spentCents += cents;
        const QString expected = models::Formatting::cents(100000 - spentCents, QStringLiteral("CREDITS"));
        QTRY_VERIFY2_WITH_TIMEOUT(balance->text().contains(expected), qPrintable(balance->text()), 10000);
    }
    const auto wallet = f.call("GET", "/api/agent/wallet", me.token).json();
    QCOMPARE(qRound64(jsonPath(wallet, "wallet.escrow").to_number<double>() * 100), spentCents);
    QTRY_COMPARE(board->proxy()->rowCount(), 3);
}

void TestUiBoard::serverValidationKeepsTheForm()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("validator");
    // The server's clock runs 30 days ahead of this machine's: a deadline a week
    // out looks fine to the dialog and is in the past to the server.
    f.server().server().clock().advance(std::chrono::hours(24 * 30));
    ui::PostTaskDialog* dialog = openDialog(f);
    QVERIFY(dialog);
    const Spec spec{QStringLiteral("Deadline in the past"),
                    QStringLiteral("The server will refuse this deadline."),
                    QStringLiteral("bid"),
                    false,
                    {QStringLiteral("First"), QStringLiteral("Second")},
                    QStringLiteral("python"),
                    QStringLiteral("12.34"),
                    72,
                    QStringLiteral("done")};
    fill(dialog, spec);
    QTest::mouseClick(f.find<QCheckBox>(QStringLiteral("deadlineEnabled")), Qt::LeftButton);
    const QDateTime deadline = f.find<QDateTimeEdit>(QStringLiteral("deadlineEdit"))->dateTime();
    auto* post = f.find<QPushButton>(QStringLiteral("postButton"));
    QVERIFY2(post->isEnabled(), qPrintable(f.find<QLabel>(QStringLiteral("postHint"))->text()));
    QTest::mouseClick(post, Qt::LeftButton);

    auto* banner = dialog->findChild<ui::ErrorBanner*>(QStringLiteral("errorBanner"));
    QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
    auto* fieldError = f.find<QLabel>(QStringLiteral("deadlineError"));
    QVERIFY(fieldError->isVisible());
    QVERIFY2(fieldError->text().contains(QStringLiteral("future")), qPrintable(fieldError->text()));
    QVERIFY2(banner->message().contains(QStringLiteral("deadline")), qPrintable(banner->message()));
    f.screenshot(QStringLiteral("post-task-refused"), dialog);

    // Still open, nothing lost.
    QVERIFY(f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog")));
    QCOMPARE(f.find<QLineEdit>(QStringLiteral("taskTitle"))->text(), spec.title);
    QCOMPARE(f.find<QPlainTextEdit>(QStringLiteral("taskDescription"))->toPlainText(), spec.description);
    QCOMPARE(f.find<QListWidget>(QStringLiteral("criteriaList"))->count(), 2);
    QCOMPARE(f.find<QLineEdit>(QStringLiteral("skillsEdit"))->text(), spec.skills);
    QCOMPARE(f.find<QLineEdit>(QStringLiteral("budgetAmount"))->text(), spec.budget);
    QCOMPARE(f.find<QLineEdit>(QStringLiteral("verificationPattern"))->text(), spec.regex);
    QVERIFY(f.find<QCheckBox>(QStringLiteral("deadlineEnabled"))->isChecked());
    QCOMPARE(f.find<QDateTimeEdit>(QStringLiteral("deadlineEdit"))->dateTime(), deadline);
    QVERIFY(post->isEnabled());
    // Nothing was posted, nothing escrowed.
    const auto list = f.call("GET", "/api/agent/tasks", me.token).json();
    QCOMPARE(jsonPath(list, "tasks").as_array().size(), std::size_t(0));

    // Fixing the field posts it.
    QTest::mouseClick(f.find<QCheckBox>(QStringLiteral("deadlineEnabled")), Qt::LeftButton);
    QTest::mouseClick(post, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog")), 10000);
    const auto after = f.call("GET", "/api/agent/tasks", me.token).json();
    QCOMPARE(jsonPath(after, "tasks").as_array().size(), std::size_t(1));
}

void TestUiBoard::testItNowShowsPassAndFail()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("tester");
    ui::PostTaskDialog* dialog = openDialog(f);
    QVERIFY(dialog);
    auto* check = f.find<QPushButton>(QStringLiteral("checkSampleButton"));
    QVERIFY2(!check->isEnabled(), "no rule yet");
    auto* type = f.find<QComboBox>(QStringLiteral("verificationType"));
    type->setCurrentIndex(type->findData(QStringLiteral("regex")));
    const QString pattern = QStringLiteral("^total: \\d+$");
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("verificationPattern")), pattern);
    auto* sample = f.find<QPlainTextEdit>(QStringLiteral("sampleOutput"));
    QTest::keyClicks(sample, QStringLiteral("total: 42"));
    QVERIFY(check->isEnabled());
    auto* result = f.find<QLabel>(QStringLiteral("checkResult"));
    QTest::mouseClick(check, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->property("passed").isValid(), 10000);
    QCOMPARE(result->property("passed").toBool(), true);
    QVERIFY2(result->text().startsWith(QStringLiteral("Passes")), qPrintable(result->text()));

    replaceText(sample, QStringLiteral("total: many"));
    QVERIFY2(result->text().isEmpty(), "a changed sample clears the old result");
    QTest::mouseClick(check, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->property("passed").isValid(), 10000);
    QCOMPARE(result->property("passed").toBool(), false);
    // The reason on screen is the server's reason for this output.
    const auto r = f.call(
        "POST", "/api/verification/check", me.token,
        json::object{{"verification", json::object{{"type", "regex"}, {"pattern", pattern.toStdString()}}},
                     {"output", "total: many"}});
    QCOMPARE(r.status, 200);
    const QString reason = qstr(jsonPath(r.json(), "reason"));
    QVERIFY(!reason.isEmpty());
    QVERIFY2(result->text().startsWith(QStringLiteral("Fails")), qPrintable(result->text()));
    QVERIFY2(result->text().contains(reason), qPrintable(result->text() + QStringLiteral(" / ") + reason));

    // An invalid rule says why instead of pass or fail.
    replaceText(f.find<QLineEdit>(QStringLiteral("verificationPattern")), QStringLiteral("(unclosed"));
    QTest::mouseClick(check, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().contains(QStringLiteral("not valid")), 10000);
    QVERIFY(!result->property("passed").isValid());
}

void TestUiBoard::bidsArriveLiveAndAreHiredOrRejected()
{
    ConsoleFixture f;
    const auto me = f.signInAsNew("hirer");
    auto posted = f.call("POST", "/api/agent/tasks", me.token,
                         json::object{{"title", "Port a script to Python 3"},
                                      {"description", "A 200-line Python 2 script needs porting."},
                                      {"skillsTags", json::array{"python"}},
                                      {"budgetAmount", 300}});
    QCOMPARE(posted.status, 201);
    const std::string taskId = jsonText(jsonPath(posted.json(), "task.id"));
    const auto bob = f.server().registerMember("bob_agent", {"python"});
    const auto carol = f.server().registerMember("carol_agent", {"python"});

    auto* board = qobject_cast<ui::BoardView*>(f.show(QStringLiteral("boardView")));
    QTest::mouseClick(f.find<QToolButton>(QStringLiteral("scopeMine")), Qt::LeftButton);
    auto* table = in<QTableView>(board, "taskTable");
    QTRY_COMPARE(table->model()->rowCount(), 1);
    clickRow(table, 0);
    QTRY_COMPARE(board->detailPane()->taskId(), QString::fromStdString(taskId));
    auto* bids = in<QTableView>(board, "bidTable");
    QTRY_VERIFY(bids->isVisible());
    QCOMPARE(bids->model()->rowCount(), 0);

    // Bids arrive without a click.
    auto b1 = f.call("POST", "/api/agent/tasks/" + taskId + "/bids", bob.token,
                     json::object{{"proposedAmount", 250}, {"etaDays", 3}, {"approach", "2to3 and tests"}});
    QCOMPARE(b1.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(bids->model()->rowCount(), 1, 15000);
    auto b2 = f.call("POST", "/api/agent/tasks/" + taskId + "/bids", carol.token,
                     json::object{{"proposedAmount", 290}, {"etaDays", 5}, {"approach", "By hand"}});
    QCOMPARE(b2.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(bids->model()->rowCount(), 2, 15000);
    const std::string bobBid = jsonText(jsonPath(b1.json(), "bid.id"));
    const std::string carolBid = jsonText(jsonPath(b2.json(), "bid.id"));

    auto* hire = in<QPushButton>(board, "hireButton");
    auto* reject = in<QPushButton>(board, "rejectBidButton");
    QVERIFY2(!hire->isEnabled() && !reject->isEnabled(), "no bid selected");

    // Reject carol's bid with a reason.
    const int carolRow =
        rowWithText(bids->model(), models::BidListModel::Bidder, QStringLiteral("carol_agent"));
    QVERIFY(carolRow >= 0);
    clickRow(bids, carolRow, models::BidListModel::Bidder);
    QTRY_VERIFY(reject->isEnabled());
    QTest::mouseClick(reject, Qt::LeftButton);
    QTRY_VERIFY(f.find<QDialog>(QStringLiteral("rejectBidDialog")));
    auto* submit = f.find<QPushButton>(QStringLiteral("formSubmit"));
    QVERIFY2(!submit->isEnabled(), "a reason is required");
    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("formText")), QStringLiteral("Too slow for us"));
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("rejectBidDialog")), 10000);
    const auto rb = f.call("GET", "/api/agent/bids/" + carolBid, me.token).json();
    QCOMPARE(jsonText(jsonPath(rb, "bid.status")), std::string("rejected"));
    QTRY_COMPARE_WITH_TIMEOUT(bids->model()->index(carolRow, models::BidListModel::Status).data().toString(),
                              QStringLiteral("rejected"), 10000);

    // Hire bob.
    const int bobRow = rowWithText(bids->model(), models::BidListModel::Bidder, QStringLiteral("bob_agent"));
    QVERIFY(bobRow >= 0);
    clickRow(bids, bobRow, models::BidListModel::Bidder);
    QTRY_VERIFY(hire->isEnabled());
    f.screenshot(QStringLiteral("board-bids"));
    QTest::mouseClick(hire, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(jsonText(jsonPath(f.call("GET", "/api/agent/tasks/" + taskId, me.token).json(),
                                               "task.status")) == "assigned",
                             10000);
    const auto contracts = f.call("GET", "/api/agent/contracts?role=buyer", me.token).json();
    QCOMPARE(jsonPath(contracts, "contracts").as_array().size(), std::size_t(1));
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.taskId")), taskId);
    QCOMPARE(jsonText(jsonPath(contracts, "contracts.0.bidId")), bobBid);
    // The pane follows: the task is assigned and nothing more can be hired.
    QTRY_VERIFY_WITH_TIMEOUT(in<QLabel>(board, "detailMeta")->text().startsWith(QStringLiteral("assigned")),
                             10000);
    QVERIFY(!hire->isEnabled());
}

void TestUiBoard::searchNarrowsTheMarketplace()
{
    ConsoleFixture f;
    const auto other = f.server().registerMember("publisher", {"writing"});
    const std::vector<std::pair<std::string, std::string>> tasks = {
        {"Translate a poem", "French to English, keep the rhyme."},
        {"Scrape a website", "Collect product names and prices."},
        {"Translate a manual", "German to English, 12 pages."},
        {"Tag support tickets", "Label 300 tickets by topic."},
    };
    for (const auto& [title, description] : tasks) {
        auto r = f.call("POST", "/api/agent/tasks", other.token,
                        json::object{{"title", title},
                                     {"description", description},
                                     {"acceptanceCriteria", json::array{"Complete", "On time"}},
                                     {"skillsTags", json::array{"writing"}},
                                     {"budgetAmount", 50}});
        QCOMPARE(r.status, 201);
    }
    f.signInAsNew("browser");
    auto* board = qobject_cast<ui::BoardView*>(f.show(QStringLiteral("boardView")));
    QVERIFY(f.find<QToolButton>(QStringLiteral("scopeMarketplace"))->isChecked());
    auto* proxy = board->proxy();
    QVERIFY(waitForRows(proxy, 4));

    QTest::keyClicks(f.find<QLineEdit>(QStringLiteral("taskSearch")), QStringLiteral("translate"));
    // The rows here narrow at once...
    QCOMPARE(proxy->rowCount(), 2);
    // ...and the server's answer (after the pause in typing) agrees.
    QTRY_COMPARE_WITH_TIMEOUT(board->marketplaceModel()->query().text, QStringLiteral("translate"), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !board->marketplaceModel()->isLoading() && board->marketplaceModel()->rowCount() == 2, 10000);
    QStringList titles = columnTexts(proxy, TaskListModel::Title);
    titles.sort();
    QCOMPARE(titles, (QStringList{QStringLiteral("Translate a manual"), QStringLiteral("Translate a poem")}));

    // Clearing the search brings everything back; the detail pane fills on selection.
    replaceText(f.find<QLineEdit>(QStringLiteral("taskSearch")), QString());
    QTRY_COMPARE_WITH_TIMEOUT(proxy->rowCount(), 4, 10000);
    auto* table = in<QTableView>(board, "taskTable");
    clickRow(table, 1);
    const QString title = proxy->index(1, TaskListModel::Title).data().toString();
    QTRY_COMPARE(in<QLabel>(board, "detailTitle")->text(), title);
    QTRY_VERIFY(in<QLabel>(board, "detailCriteria")->text().contains(QStringLiteral("1. Complete")));
    QVERIFY(in<QPushButton>(board, "bidButton")->isVisible());
    QTRY_VERIFY(in<QPushButton>(board, "bidButton")->isEnabled());
    f.screenshot(QStringLiteral("board"));
}

TASKDESK_UI_TEST_MAIN(TestUiBoard)
#include "tst_ui_board.moc"
