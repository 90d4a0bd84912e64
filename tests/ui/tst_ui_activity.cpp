// The Activity view against a real in-process server: notifications arrive
// live (no click), unread in bold; opening one marks it read on the server and
// goes to what it is about; "Mark all read" clears the bell; a new submission
// to review is announced for the desktop.
#include "ConsoleFixture.h"
#include "JsonPath.h"
#include "NotificationListModel.h"
#include "activity/ActivityNotifier.h"
#include "activity/ActivityView.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QToolButton>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

std::string postTask(ConsoleFixture& f, const TestServer::Member& owner, const std::string& title)
{
    json::object task{{"title", title},
                      {"description", "Check the figures in the attached sheet."},
                      {"budgetAmount", 50},
                      {"budgetCurrency", "CREDITS"}};
    return jsonText(jsonPath(f.call("POST", "/api/agent/tasks", owner.token, task).json(), "task.id"));
}

std::string bid(ConsoleFixture& f, const TestServer::Member& agent, const std::string& taskId)
{
    json::object b{{"proposedAmount", 40}, {"etaDays", 1}, {"approach", "Two passes with a checklist."}};
    return jsonText(
        jsonPath(f.call("POST", "/api/agent/tasks/" + taskId + "/bids", agent.token, b).json(), "bid.id"));
}

int serverUnread(ConsoleFixture& f, const TestServer::Member& m)
{
    const json::value v = f.call("GET", "/api/agent/notifications/unread-count", m.token).json();
    if (!v.is_object())
        return -1;
    const json::object& o = v.as_object();
    for (const char* key : {"unreadCount", "count", "unread"})
        if (o.contains(key))
            return int(o.at(key).to_number<double>());
    return -1;
}

bool isBold(const QModelIndex& index)
{
    return index.data(Qt::FontRole).value<QFont>().bold();
}

} // namespace

class TestUiActivity : public QObject
{
    Q_OBJECT
private slots:
    void notificationsArriveOpenAndMarkRead();
    void announcesNewSubmissions();
};

void TestUiActivity::notificationsArriveOpenAndMarkRead()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto me = f.signInAsNew("olive");
    const auto agent = server.registerMember("ranger", {"data"});
    const std::string taskA = postTask(f, me, "Check the Q3 sheet");
    const std::string taskB = postTask(f, me, "Check the Q4 sheet");

    f.show(QStringLiteral("activityView"));
    auto* table = f.find<QTableView>(QStringLiteral("notificationTable"));
    QVERIFY(table);
    QCOMPARE(table->model()->rowCount(), 0);
    bid(f, agent, taskA);
    // No click: the live feed brings the row.
    QVERIFY(waitForRows(table->model(), 1));
    QCOMPARE(table->model()->index(0, models::NotificationListModel::Type).data().toString(),
             QStringLiteral("Bid received"));
    QVERIFY(isBold(table->model()->index(0, models::NotificationListModel::Message)));
    auto* bell = f.find<QToolButton>(QStringLiteral("notificationBell"));
    QTRY_COMPARE(bell->property("unreadCount").toInt(), 1);

    bid(f, agent, taskB);
    QTRY_COMPARE(table->model()->rowCount(), 2);
    QTRY_COMPARE(bell->property("unreadCount").toInt(), 2);
    f.screenshot(QStringLiteral("activity"));

    // Newest first: the bid on B. Enter opens it: read on the server, the board comes forward.
    const QString newestId = table->model()->index(0, 0).data(models::ApiListModel::IdRole).toString();
    QVERIFY(table->model()
                ->index(0, models::NotificationListModel::Message)
                .data()
                .toString()
                .contains(QStringLiteral("Check the Q4 sheet")));
    table->setFocus();
    table->selectionModel()->setCurrentIndex(table->model()->index(0, 0),
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QTest::keyClick(table, Qt::Key_Return);
    QTRY_COMPARE(f.window().currentView()->objectName(), QStringLiteral("boardView"));
    QTRY_COMPARE(serverUnread(f, me), 1);
    const json::value list =
        jsonPath(f.call("GET", "/api/agent/notifications", me.token).json(), "notifications");
    QCOMPARE(list.as_array().size(), std::size_t(2));
    for (const auto& n : list.as_array()) {
        const bool opened = jsonText(n.at("id")) == newestId.toStdString();
        QCOMPARE(!n.at("readAt").is_null(), opened);
    }
    QTRY_COMPARE(bell->property("unreadCount").toInt(), 1);

    f.show(QStringLiteral("activityView"));
    QTRY_VERIFY(!isBold(table->model()->index(0, models::NotificationListModel::Message)));
    QVERIFY(isBold(table->model()->index(1, models::NotificationListModel::Message)));

    // The Unread filter shows only what is left.
    auto* filter = f.find<QComboBox>(QStringLiteral("activityFilter"));
    filter->setCurrentIndex(filter->findText(QStringLiteral("Unread only")));
    QTRY_COMPARE(table->model()->rowCount(), 1);
    filter->setCurrentIndex(0);
    QTRY_COMPARE(table->model()->rowCount(), 2);

    auto* markAll = f.find<QPushButton>(QStringLiteral("markAllReadButton"));
    QTRY_VERIFY(markAll->isEnabled());
    QTest::mouseClick(markAll, Qt::LeftButton);
    QTRY_COMPARE(bell->property("unreadCount").toInt(), 0);
    QCOMPARE(serverUnread(f, me), 0);
    QTRY_VERIFY(!isBold(table->model()->index(1, models::NotificationListModel::Message)));
    QTRY_VERIFY(!markAll->isEnabled());
}

void TestUiActivity::announcesNewSubmissions()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto me = f.signInAsNew("piper");
    const auto agent = server.registerMember("lark", {"data"});
    const std::string taskId = postTask(f, me, "Label 200 photos");
    const std::string bidId = bid(f, agent, taskId);
    auto r =
        f.call("POST", "/api/agent/contracts", me.token, json::object{{"taskId", taskId}, {"bidId", bidId}});
    QCOMPARE(r.status, 201);
    const std::string contractId = jsonText(jsonPath(r.json(), "contract.id"));

    auto* view = qobject_cast<ui::ActivityView*>(f.show(QStringLiteral("activityView")));
    QVERIFY(view);
    QSignalSpy announced(view->notifier(), &ui::ActivityNotifier::announce);
    auto* table = f.find<QTableView>(QStringLiteral("notificationTable"));
    QVERIFY(waitForRows(table->model(), 1));
    // The bid was before the console started listening; a bid is not announced anyway.
    QCOMPARE(announced.size(), 0);

    QCOMPARE(f.call("POST", "/api/agent/contracts/" + contractId + "/submissions", agent.token,
                    json::object{{"summaryText", "All 200 labelled"}})
                 .status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(announced.size() >= 1, 10000);
    QCOMPARE(announced.size(), 1);
    QCOMPARE(announced[0][0].toString(), QStringLiteral("New submission to review"));
    QVERIFY(announced[0][1].toString().contains(QStringLiteral("Label 200 photos")));
    QCOMPARE(announced[0][2].toString(), QStringLiteral("reviewView"));
    QCOMPARE(announced[0][3].toString(), QString::fromStdString(contractId));

    // Opening that notification goes to Review with the contract to select.
    QTRY_VERIFY(table->model()->rowCount() >= 2);
    QCOMPARE(table->model()->index(0, models::NotificationListModel::Type).data().toString(),
             QStringLiteral("Delivery to review"));
    const QRect rect = table->visualRect(table->model()->index(0, models::NotificationListModel::Message));
    // A double-click as Qt delivers it: press, release, then the double-click press.
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE(f.window().currentView()->objectName(), QStringLiteral("reviewView"));
    QTRY_COMPARE(serverUnread(f, me), 1); // the bid is still unread

    // The burst rule: two submissions at once make one announcement.
    ui::ActivityNotifier notifier;
    QSignalSpy burst(&notifier, &ui::ActivityNotifier::announce);
    const QJsonObject sub{{QStringLiteral("type"), QStringLiteral("delivery.submitted")},
                          {QStringLiteral("entityType"), QStringLiteral("contract")},
                          {QStringLiteral("entityId"), QStringLiteral("ctr_1")},
                          {QStringLiteral("message"), QStringLiteral("x")}};
    const QJsonObject credit{{QStringLiteral("type"), QStringLiteral("wallet.credit")}};
    notifier.handleEvents(QJsonArray{sub, credit, sub});
    QCOMPARE(burst.size(), 1);
    QCOMPARE(burst[0][0].toString(), QStringLiteral("2 new submissions to review"));
    notifier.handleEvents(QJsonArray{credit});
    QCOMPARE(burst.size(), 1);
}

TASKDESK_UI_TEST_MAIN(TestUiActivity)
#include "tst_ui_activity.moc"
