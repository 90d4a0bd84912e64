// The Disputes view against a real in-process server: only support staff see
// it; the case (criteria beside the three rejected deliveries and their
// reasons, threads, ledger, audit) on one screen; assignment, an internal
// note and a message to both parties from that screen; a 37 % split whose
// preview states the exact cents before confirming, and afterwards both
// parties' wallets on screen and on the server show those very cents.
#include "CaseFile.h"
#include "ConsoleFixture.h"
#include "Database.h"
#include "DisputeListModel.h"
#include "Formatting.h"
#include "JsonPath.h"
#include "SplitPreview.h"
#include "contracts/ContractsView.h"
#include "disputes/CaseFilePane.h"
#include "disputes/DisputesView.h"
#include "disputes/ResolveDialog.h"
#include "wallet/WalletView.h"

#include <QComboBox>
#include <QDialog>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

const char* const kCriteria[] = {"Covers all four quarters", "Under 300 words",
                                 "Names the three biggest risks"};
const char* const kReasons[] = {"Q4 is missing entirely", "Far over the word limit (900 words)",
                                "The risks section lists none of the real risks"};

struct Case
{
    std::string taskId, contractId, disputeId;
    QString error;
};

// Publisher posts a 100.01 CREDITS task, the worker bids the whole budget and
// is hired, delivers three times and is rejected three times, then disputes.
Case disputedContract(ConsoleFixture& f, const TestServer::Member& owner, const TestServer::Member& worker)
{
    Case c;
    json::array criteria;
    for (const char* k : kCriteria)
        criteria.emplace_back(k);
    auto r = f.call("POST", "/api/agent/tasks", owner.token,
                    json::object{{"title", "Summarise the annual report"},
                                 {"description", "A short summary of the annual report for the board."},
                                 {"acceptanceCriteria", criteria},
                                 {"budgetAmount", 100.01},
                                 {"budgetCurrency", "CREDITS"}});
    if (r.status != 201)
        return {{}, {}, {}, QString::fromStdString("post: " + r.body)};
    c.taskId = jsonText(jsonPath(r.json(), "task.id"));
    r = f.call("POST", "/api/agent/tasks/" + c.taskId + "/bids", worker.token,
               json::object{{"proposedAmount", 100.01}, {"etaDays", 2}, {"approach", "Read, then write."}});
    if (r.status != 201)
        return {{}, {}, {}, QString::fromStdString("bid: " + r.body)};
    const std::string bidId = jsonText(jsonPath(r.json(), "bid.id"));
    r = f.call("POST", "/api/agent/contracts", owner.token,
               json::object{{"taskId", c.taskId}, {"bidId", bidId}});
    if (r.status != 201)
        return {{}, {}, {}, QString::fromStdString("hire: " + r.body)};
    c.contractId = jsonText(jsonPath(r.json(), "contract.id"));
    for (int i = 0; i < 3; ++i) {
        r = f.call("POST", "/api/agent/contracts/" + c.contractId + "/submissions", worker.token,
                   json::object{{"summaryText", "Summary, take " + std::to_string(i + 1)}});
        if (r.status != 201)
            return {{}, {}, {}, QString::fromStdString("deliver: " + r.body)};
        r = f.call("POST", "/api/agent/contracts/" + c.contractId + "/decision", owner.token,
                   json::object{{"action", "reject"}, {"reason", kReasons[i]}});
        if (r.status != 200)
            return {{}, {}, {}, QString::fromStdString("reject: " + r.body)};
    }
    r = f.call(
        "POST", "/api/agent/contracts/" + c.contractId + "/disputes", worker.token,
        json::object{{"reason", "All three deliveries met the criteria"}, {"evidence", "See take 3."}});
    if (r.status != 201)
        return {{}, {}, {}, QString::fromStdString("dispute: " + r.body)};
    c.disputeId = jsonText(jsonPath(r.json(), "dispute.id"));
    return c;
}

QListWidgetItem* navItem(ConsoleFixture& f, const QString& viewName)
{
    auto* nav = f.find<QListWidget>(QStringLiteral("navigation"));
    for (int i = 0; nav && i < nav->count(); ++i)
        if (nav->item(i)->data(Qt::UserRole).toString() == viewName)
            return nav->item(i);
    return nullptr;
}

QStringList columnOf(QTreeWidget* tree, int column)
{
    QStringList out;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        out << tree->topLevelItem(i)->text(column);
    return out;
}

bool clickRow(QTableView* table, const QString& id)
{
    QAbstractItemModel* model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex idx = model->index(row, 0);
        if (idx.data(models::ApiListModel::IdRole).toString() == id) {
            table->scrollTo(idx);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(idx).center());
            return true;
        }
    }
    return false;
}

qint64 cents(const json::value& v)
{
    return v.is_double() ? qRound64(v.as_double() * 100) : v.is_int64() ? v.as_int64() * 100 : -1;
}

QString credits(qint64 c)
{
    return models::Formatting::cents(c, QStringLiteral("CREDITS"));
}

QString labelText(ConsoleFixture& f, const char* name)
{
    auto* l = f.find<QLabel>(QLatin1String(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

// Signs the console in as member, opens the Wallet and checks the figures on
// screen against the server's wallet and the expected cents.
void checkWallet(ConsoleFixture& f, const TestServer::Member& member, qint64 available, qint64 pending,
                 qint64 escrow)
{
    f.signIn(member);
    auto* view = qobject_cast<ui::WalletView*>(f.show(QStringLiteral("walletView")));
    QVERIFY(view);
    QTRY_COMPARE_WITH_TIMEOUT(labelText(f, "walletPending"), credits(pending), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(labelText(f, "walletAvailable"), credits(available), 10000);
    QCOMPARE(labelText(f, "walletEscrow"), credits(escrow));
    const auto wallet = f.call("GET", "/api/agent/wallet", member.token).json();
    QCOMPARE(cents(jsonPath(wallet, "wallet.available")), available);
    QCOMPARE(cents(jsonPath(wallet, "wallet.pending")), pending);
    QCOMPARE(cents(jsonPath(wallet, "wallet.escrow")), escrow);
}

} // namespace

class TestUiDisputes : public QObject
{
    Q_OBJECT
private slots:
    void splitPreviewMatchesServerRules_data();
    void splitPreviewMatchesServerRules();
    void onlySupportSeesDisputes();
    void supportResolvesSplitFromOneScreen();
    void queueMarksCasesPastTarget();
};

void TestUiDisputes::splitPreviewMatchesServerRules_data()
{
    QTest::addColumn<qint64>("escrow");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<int>("percent");
    QTest::addColumn<int>("fee");
    QTest::addColumn<qint64>("share");
    QTest::addColumn<qint64>("feeCents");
    QTest::addColumn<qint64>("owner");
    // floor(10001 x 37 / 100) = 3700; floor(3700 x 5 / 100) = 185; the odd cent goes back to the owner.
    QTest::newRow("split 37 of 100.01")
        << qint64(10001) << "split" << 37 << 5 << qint64(3700) << qint64(185) << qint64(6301);
    // floor(9999 x 33 / 100) = 3299 (3299.67); floor(3299 x 5 / 100) = 164 (164.95).
    QTest::newRow("split rounds down")
        << qint64(9999) << "split" << 33 << 5 << qint64(3299) << qint64(164) << qint64(6700);
    QTest::newRow("release is 100 %")
        << qint64(10001) << "release" << 37 << 5 << qint64(10001) << qint64(500) << qint64(0);
    QTest::newRow("refund is 0 %") << qint64(10001) << "refund" << 37 << 5 << qint64(0) << qint64(0)
                                   << qint64(10001);
    QTest::newRow("one cent split") << qint64(1) << "split" << 99 << 5 << qint64(0) << qint64(0) << qint64(1);
    QTest::newRow("fee 10 %") << qint64(123456) << "split" << 50 << 10 << qint64(61728) << qint64(6172)
                              << qint64(61728);
}

void TestUiDisputes::splitPreviewMatchesServerRules()
{
    QFETCH(qint64, escrow);
    QFETCH(QString, outcome);
    QFETCH(int, percent);
    QFETCH(int, fee);
    QFETCH(qint64, share);
    QFETCH(qint64, feeCents);
    QFETCH(qint64, owner);
    models::SplitPreview::Outcome o;
    QVERIFY(models::SplitPreview::outcomeFromName(outcome, &o));
    const models::SplitPreview p(escrow, o, percent, fee);
    QCOMPARE(p.shareCents(), share);
    QCOMPARE(p.feeCents(), feeCents);
    QCOMPARE(p.workerCents(), share - feeCents);
    QCOMPARE(p.ownerCents(), owner);
    // Nothing is created or lost: worker + fee + owner is the escrow.
    QCOMPARE(p.workerCents() + p.feeCents() + p.ownerCents(), escrow);
}

void TestUiDisputes::onlySupportSeesDisputes()
{
    ConsoleFixture f;
    f.signInAsNew("plainuser");
    QListWidgetItem* item = navItem(f, QStringLiteral("disputesView"));
    QVERIFY(item);
    QVERIFY(item->isHidden());
    QVERIFY(!navItem(f, QStringLiteral("skillsView"))->isHidden());

    f.signInAsSupport("deskstaff");
    QVERIFY(!item->isHidden());
    f.show(QStringLiteral("disputesView"));
    QCOMPARE(f.window().currentView()->objectName(), QStringLiteral("disputesView"));

    // Switching back to a normal profile hides it again and leaves the view.
    f.signInAsNew("another");
    QVERIFY(item->isHidden());
    QVERIFY(f.window().currentView()->objectName() != QStringLiteral("disputesView"));

    // And the server agrees: a normal user's token cannot read the queue.
    const auto plain = f.server().registerMember("nostaff");
    const auto r = f.call("GET", "/api/support/disputes", plain.token);
    QVERIFY2(r.status == 403 || r.status == 404, r.body.c_str());
}

void TestUiDisputes::supportResolvesSplitFromOneScreen()
{
    ConsoleFixture f;
    TestServer& server = f.server();
    const auto owner = server.registerMember("ownerpat", {}, "human");
    const auto worker = server.registerMember("workerwin", {"writing"});
    const Case c = disputedContract(f, owner, worker);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    const QString disputeId = QString::fromStdString(c.disputeId);

    // The worker's Contracts view says where the contract stands.
    f.signIn(worker);
    f.window().showView(QStringLiteral("contractsView"), QString::fromStdString(c.contractId));
    QTRY_VERIFY_WITH_TIMEOUT(
        labelText(f, "contractNotice").contains(QStringLiteral("Disputed: waiting for support")), 10000);
    f.screenshot(QStringLiteral("contracts-disputed"));

    const auto staff = f.signInAsSupport("deskstaff");
    auto* view = qobject_cast<ui::DisputesView*>(f.show(QStringLiteral("disputesView")));
    QVERIFY(view);
    auto* queue = f.find<QTableView>(QStringLiteral("disputeQueue"));
    QVERIFY(waitForRows(queue->model(), 1));
    QVERIFY(clickRow(queue, disputeId));
    ui::CaseFilePane* pane = view->casePane();
    QTRY_COMPARE_WITH_TIMEOUT(pane->caseFile().id(), disputeId, 10000);

    // Criteria beside the three rejected deliveries and their reasons.
    auto* criteria = f.find<QTreeWidget>(QStringLiteral("caseCriteria"));
    QCOMPARE(columnOf(criteria, 1), (QStringList{QLatin1String(kCriteria[0]), QLatin1String(kCriteria[1]),
                                                 QLatin1String(kCriteria[2])}));
    auto* subs = f.find<QTreeWidget>(QStringLiteral("caseSubmissions"));
    QCOMPARE(subs->topLevelItemCount(), 3);
    QCOMPARE(columnOf(subs, 4), (QStringList{QLatin1String(kReasons[0]), QLatin1String(kReasons[1]),
                                             QLatin1String(kReasons[2])}));
    QCOMPARE(columnOf(subs, 3), (QStringList(3, QStringLiteral("rejected"))));
    QVERIFY(columnOf(subs, 2).at(2).contains(QStringLiteral("take 3")));
    QVERIFY(labelText(f, "caseSummary").contains(QStringLiteral("@workerwin")));
    QVERIFY(labelText(f, "caseSummary").contains(credits(10001)));
    // The escrow's ledger entries and the audit trail are there.
    auto* ledger = f.find<QTreeWidget>(QStringLiteral("caseLedger"));
    QVERIFY(ledger->topLevelItemCount() >= 1);
    QVERIFY(f.find<QTreeWidget>(QStringLiteral("caseAudit"))->topLevelItemCount() >= 1);
    QCOMPARE(labelText(f, "caseState"), QStringLiteral("Open, not assigned"));

    // Assign to me.
    auto* assign = f.find<QPushButton>(QStringLiteral("assignToMeButton"));
    QVERIFY(assign->isEnabled());
    QTest::mouseClick(assign, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(labelText(f, "caseState"), QStringLiteral("Open, assigned to @deskstaff"),
                              10000);
    QTRY_VERIFY(!assign->isEnabled());

    // An internal note and a message to both parties from the same screen.
    auto* composer = f.find<QPlainTextEdit>(QStringLiteral("caseComposer"));
    auto* addNote = f.find<QPushButton>(QStringLiteral("addNoteButton"));
    auto* send = f.find<QPushButton>(QStringLiteral("sendMessageButton"));
    QVERIFY(!addNote->isEnabled());
    composer->setFocus();
    QTest::keyClicks(composer, QStringLiteral("Take 3 meets two of three criteria."));
    QTRY_VERIFY(addNote->isEnabled());
    QTest::mouseClick(addNote, Qt::LeftButton);
    auto* threads = f.find<QTextBrowser>(QStringLiteral("caseThreads"));
    QTRY_VERIFY_WITH_TIMEOUT(
        threads->toPlainText().contains(QStringLiteral("Take 3 meets two of three criteria.")), 10000);
    QTRY_VERIFY(composer->toPlainText().isEmpty());
    QTest::keyClicks(composer, QStringLiteral("I will split the escrow; details follow."));
    QTRY_VERIFY(send->isEnabled());
    QTest::mouseClick(send, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(threads->toPlainText().contains(QStringLiteral("I will split the escrow")),
                             10000);
    QCOMPARE(pane->caseFile().notes().size(), 1);
    QCOMPARE(pane->caseFile().disputeMessages().size(), 1);
    f.screenshot(QStringLiteral("disputes-case"));

    // Resolve: split 37 %, the exact figures before confirming.
    const auto before = server.ledger();
    QVERIFY(before.balanced);
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("resolveButton")), Qt::LeftButton);
    ui::ResolveDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = f.find<ui::ResolveDialog>(QStringLiteral("resolveDialog"))) && dialog->isVisible());
    dialog->findChild<QRadioButton*>(QStringLiteral("outcomeSplit"))->click();
    dialog->findChild<QSlider*>(QStringLiteral("splitSlider"))->setValue(37);
    QCOMPARE(dialog->findChild<QSpinBox*>(QStringLiteral("splitPercent"))->value(), 37);
    const QString expected = QStringLiteral("Worker receives 35.15 (share 37.00 less fee 1.85) to pending; "
                                            "owner gets 63.01 back; fee 1.85 CREDITS");
    QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("resolvePreview"))->text(), expected);
    // The case file carries the server's fee, so the dialog states it instead of assuming it.
    const QString feeNote = dialog->findChild<QLabel*>(QStringLiteral("resolveFeeNote"))->text();
    QVERIFY2(feeNote.startsWith(QStringLiteral("The platform fee is 5%")), qPrintable(feeNote));
    auto* review = dialog->findChild<QPushButton*>(QStringLiteral("resolveReview"));
    QVERIFY(!review->isEnabled()); // a note for the parties first
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("resolveNote")),
                     QStringLiteral("Two of three criteria were met by take 3."));
    QVERIFY(review->isEnabled());
    f.screenshot(QStringLiteral("disputes-resolve"), dialog);
    QTest::mouseClick(review, Qt::LeftButton);
    auto* confirmText = dialog->findChild<QLabel*>(QStringLiteral("resolveConfirmText"));
    QVERIFY(confirmText->isVisible());
    QVERIFY(confirmText->text().contains(expected.toHtmlEscaped()));
    // Nothing moved yet.
    QCOMPARE(server.ledger().transfers, before.transfers);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("resolveConfirm")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<ui::ResolveDialog>(QStringLiteral("resolveDialog")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        labelText(f, "caseState").startsWith(QStringLiteral("Resolved: split, 37% to the worker")), 10000);
    QVERIFY(!f.find<QPushButton>(QStringLiteral("resolveButton"))->isEnabled());
    f.screenshot(QStringLiteral("disputes-resolved"));

    // The server moved exactly the previewed cents.
    const auto d = f.call("GET", "/api/support/disputes/" + c.disputeId, staff.token).json();
    QCOMPARE(cents(jsonPath(d, "dispute.resolution.workerNet")), qint64(3515));
    QCOMPARE(cents(jsonPath(d, "dispute.resolution.fee")), qint64(185));
    QCOMPARE(cents(jsonPath(d, "dispute.resolution.refunded")), qint64(6301));
    const auto after = server.ledger();
    QVERIFY(after.balanced);
    QCOMPARE(after.negativeAccounts, 0);

    // Both parties' wallets, on screen and on the server: 1000 - 100.01 + 63.01 for the owner;
    // 35.15 pending for the worker.
    checkWallet(f, owner, 96300, 0, 0);
    checkWallet(f, worker, 100000, 3515, 0);

    // And the parties' Contracts view reads the outcome.
    f.window().showView(QStringLiteral("contractsView"), QString::fromStdString(c.contractId));
    QTRY_VERIFY_WITH_TIMEOUT(
        labelText(f, "contractNotice").contains(QStringLiteral("Resolved: split 37%: you received 35.15")),
        10000);
}

void TestUiDisputes::queueMarksCasesPastTarget()
{
    ConsoleFixture f;
    const auto owner = f.server().registerMember("ownerq", {}, "human");
    const auto worker = f.server().registerMember("workerq");
    const Case older = disputedContract(f, owner, worker);
    QVERIFY2(older.error.isEmpty(), qPrintable(older.error));
    const Case newer = disputedContract(f, owner, worker);
    QVERIFY2(newer.error.isEmpty(), qPrintable(newer.error));
    {
        // The first case has waited 30 hours (the server's clock cannot be turned back for one row).
        store::Transaction tx(f.server().server().platform().db, store::Transaction::Mode::Write);
        tx.exec("UPDATE disputes SET created_at = ? WHERE id = ?",
                {store::sqlText(QDateTime::currentDateTimeUtc()
                                    .addSecs(-30 * 3600)
                                    .toString(Qt::ISODateWithMs)
                                    .toStdString()),
                 store::sqlText(older.disputeId)});
        tx.commit();
    }
    f.signInAsSupport("queuestaff");
    f.show(QStringLiteral("disputesView"));
    auto* queue = f.find<QTableView>(QStringLiteral("disputeQueue"));
    QVERIFY(waitForRows(queue->model(), 2));
    QAbstractItemModel* m = queue->model();
    // Oldest first.
    QCOMPARE(m->index(0, 0).data(models::ApiListModel::IdRole).toString(),
             QString::fromStdString(older.disputeId));
    QCOMPARE(m->index(1, 0).data(models::ApiListModel::IdRole).toString(),
             QString::fromStdString(newer.disputeId));
    QCOMPARE(m->index(0, models::DisputeListModel::Assignee).data().toString(), QStringLiteral("nobody"));
    auto* target = f.find<QSpinBox>(QStringLiteral("disputeTargetHours"));
    QCOMPARE(target->value(), 24);
    // Past the 24-hour target: coloured, with the wait in the tooltip; the fresh one is not.
    QVERIFY(m->index(0, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(m->index(0, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("30 hour")));
    QVERIFY(!m->index(1, 0).data(Qt::BackgroundRole).isValid());
    // A longer target takes the colour away, and is remembered.
    target->setValue(48);
    QVERIFY(!m->index(0, 0).data(Qt::BackgroundRole).isValid());
    QCOMPARE(f.settings().value(QStringLiteral("disputes/targetHours")).toInt(), 48);

    // "Assigned to me" asks the server for my cases only.
    auto* filter = f.find<QComboBox>(QStringLiteral("disputeFilter"));
    filter->setCurrentIndex(filter->findText(QStringLiteral("Assigned to me")));
    QTRY_COMPARE_WITH_TIMEOUT(m->rowCount(), 0, 10000);
    filter->setCurrentIndex(filter->findText(QStringLiteral("Open cases")));
    QVERIFY(waitForRows(m, 2));
    f.screenshot(QStringLiteral("disputes-queue"));
}

TASKDESK_UI_TEST_MAIN(TestUiDisputes)
#include "tst_ui_disputes.moc"
