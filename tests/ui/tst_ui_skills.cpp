// The Skills view against a real in-process server: a seller publishes a
// skill from the view, a buyer finds it and hires it with a brief, the seller
// accepts from the view, and the buyer's wallet (on screen and on the server)
// shows the price in escrow. Also: the buyer can withdraw a pending hire but
// never accept it, and edit/retire act on the seller's own skills only.
#include "ConsoleFixture.h"
#include "Formatting.h"
#include "HireListModel.h"
#include "JsonPath.h"
#include "SkillListModel.h"
#include "contracts/ContractsView.h"
#include "skills/SkillsView.h"

#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTimer>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

namespace {

bool clickRowWithText(QTableView* table, int column, const QString& text)
{
    QAbstractItemModel* model = table->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex idx = model->index(row, column);
        if (idx.data().toString() == text) {
            table->scrollTo(idx);
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(idx).center());
            return true;
        }
    }
    return false;
}

ui::SkillsView* showSkills(ConsoleFixture& f, ui::SkillsView::Mode mode)
{
    auto* view = qobject_cast<ui::SkillsView*>(f.show(QStringLiteral("skillsView")));
    if (view)
        view->setMode(mode);
    return view;
}

QString labelText(ConsoleFixture& f, const char* name)
{
    auto* l = f.find<QLabel>(QLatin1String(name));
    return l ? l->text() : QStringLiteral("<no label %1>").arg(QLatin1String(name));
}

qint64 cents(const json::value& v)
{
    return v.is_double() ? qRound64(v.as_double() * 100) : v.is_int64() ? v.as_int64() * 100 : -1;
}

QPushButton* button(ConsoleFixture& f, const char* name)
{
    return f.find<QPushButton>(QLatin1String(name));
}

} // namespace

class TestUiSkills : public QObject
{
    Q_OBJECT
private slots:
    void publishHireAcceptEscrow();
    void buyerWithdrawsSellerCannotHireOwn();
};

void TestUiSkills::publishHireAcceptEscrow()
{
    ConsoleFixture f;
    const auto seller = f.signInAsNew("skillseller");

    // Publish from the view.
    auto* view = showSkills(f, ui::SkillsView::Mode::MySkills);
    QVERIFY(view);
    QTRY_VERIFY(button(f, "publishSkillButton")->isEnabled());
    QTest::mouseClick(button(f, "publishSkillButton"), Qt::LeftButton);
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = f.find<QDialog>(QStringLiteral("publishSkillDialog"))) && dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("skillTitleEdit")),
                     QStringLiteral("German to English legal translation"));
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("skillDescriptionEdit")),
                     QStringLiteral("Contracts and court papers, up to 5 pages, certified wording."));
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("skillTagsEdit")),
                     QStringLiteral("translation, german"));
    dialog->findChild<QDoubleSpinBox*>(QStringLiteral("skillPriceEdit"))->setValue(42.37);
    dialog->findChild<QSpinBox*>(QStringLiteral("skillDaysEdit"))->setValue(4);
    f.screenshot(QStringLiteral("skills-publish"), dialog);
    auto* submit = dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit"));
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("publishSkillDialog")), 10000);
    auto* skills = f.find<QTableView>(QStringLiteral("skillTable"));
    QTRY_VERIFY_WITH_TIMEOUT(columnTexts(skills->model(), models::SkillListModel::Title)
                                 .contains(QStringLiteral("German to English legal translation")),
                             10000);
    // The server has it, priced in cents exactly.
    auto r = f.call("GET", "/api/agent/skills/my", seller.token);
    QCOMPARE(jsonText(jsonPath(r.json(), "skills.0.title")),
             std::string("German to English legal translation"));
    QCOMPARE(cents(jsonPath(r.json(), "skills.0.priceAmount")), qint64(4237));
    const std::string skillId = jsonText(jsonPath(r.json(), "skills.0.id"));

    // Another user finds it by searching and hires it with a brief.
    const auto buyer = f.signInAsNew("skillbuyer");
    showSkills(f, ui::SkillsView::Mode::Catalogue);
    auto* search = f.find<QLineEdit>(QStringLiteral("skillSearch"));
    QTest::keyClicks(search, QStringLiteral("legal"));
    skills = f.find<QTableView>(QStringLiteral("skillTable"));
    // The search runs on the server: wait for its answer.
    QTRY_VERIFY_WITH_TIMEOUT(!view->findChild<QTimer*>()->isActive() &&
                                 !static_cast<models::ApiListModel*>(
                                      static_cast<QSortFilterProxyModel*>(skills->model())->sourceModel())
                                      ->isLoading(),
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(clickRowWithText(skills, models::SkillListModel::Title,
                                              QStringLiteral("German to English legal translation")),
                             10000);
    QTRY_VERIFY(button(f, "hireSkillButton")->isEnabled());
    QVERIFY(!button(f, "editSkillButton")->isEnabled()); // not mine
    QVERIFY(labelText(f, "skillDetail").contains(QStringLiteral("@skillseller")));
    f.screenshot(QStringLiteral("skills-browse"));
    QTest::mouseClick(button(f, "hireSkillButton"), Qt::LeftButton);
    QTRY_VERIFY((dialog = f.find<QDialog>(QStringLiteral("hireDialog"))) && dialog->isVisible());
    submit = dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit"));
    QVERIFY(!submit->isEnabled()); // a brief is required
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("hireBrief")),
                     QStringLiteral("A 3-page lease, by Friday."));
    QTRY_VERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("hireDialog")), 10000);
    QCOMPARE(view->mode(), ui::SkillsView::Mode::HiresAsBuyer);
    auto* hires = f.find<QTableView>(QStringLiteral("hireTable"));
    QVERIFY(waitForRows(hires->model(), 1));
    QCOMPARE(hires->model()->index(0, models::HireListModel::Status).data().toString(),
             QStringLiteral("Waiting for the seller"));
    // Nothing is charged while the hire waits.
    r = f.call("GET", "/api/agent/wallet", buyer.token);
    QCOMPARE(cents(jsonPath(r.json(), "wallet.escrow")), qint64(0));

    // The seller accepts from the view.
    f.signIn(seller);
    showSkills(f, ui::SkillsView::Mode::HiresAsSeller);
    hires = f.find<QTableView>(QStringLiteral("hireTable"));
    QVERIFY(waitForRows(hires->model(), 1));
    QTRY_VERIFY(
        clickRowWithText(hires, models::HireListModel::Status, QStringLiteral("Waiting for the seller")));
    QTRY_VERIFY(button(f, "acceptHireButton")->isEnabled());
    QVERIFY(!button(f, "withdrawHireButton")->isEnabled()); // the buyer's action
    QVERIFY(labelText(f, "skillDetail").contains(QStringLiteral("A 3-page lease, by Friday.")));
    f.screenshot(QStringLiteral("skills-hires-seller"));
    QTest::mouseClick(button(f, "acceptHireButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(hires->model()->index(0, models::HireListModel::Status).data().toString(),
                              QStringLiteral("Accepted"), 10000);
    // The hire's contract opens in Contracts.
    QTRY_VERIFY(clickRowWithText(hires, models::HireListModel::Status, QStringLiteral("Accepted")));
    QTRY_VERIFY(button(f, "openHireContractButton")->isEnabled());
    QTest::mouseClick(button(f, "openHireContractButton"), Qt::LeftButton);
    QCOMPARE(f.window().currentView()->objectName(), QStringLiteral("contractsView"));
    auto* contracts = qobject_cast<ui::ContractsView*>(f.window().currentView());
    QTRY_VERIFY_WITH_TIMEOUT(!contracts->currentContractId().isEmpty(), 10000);

    // The buyer's wallet shows the escrow, and the server agrees.
    f.signIn(buyer);
    f.show(QStringLiteral("walletView"));
    const QString escrow = models::Formatting::cents(4237, QStringLiteral("CREDITS"));
    QTRY_COMPARE_WITH_TIMEOUT(labelText(f, "walletEscrow"), escrow, 10000);
    QCOMPARE(labelText(f, "walletAvailable"),
             models::Formatting::cents(100000 - 4237, QStringLiteral("CREDITS")));
    r = f.call("GET", "/api/agent/wallet", buyer.token);
    QCOMPARE(cents(jsonPath(r.json(), "wallet.escrow")), qint64(4237));
    QCOMPARE(cents(jsonPath(r.json(), "wallet.available")), qint64(100000 - 4237));
    QVERIFY(f.server().ledger().balanced);
    Q_UNUSED(skillId);
}

void TestUiSkills::buyerWithdrawsSellerCannotHireOwn()
{
    ConsoleFixture f;
    const auto seller = f.server().registerMember("ownskill");
    auto r = f.call("POST", "/api/agent/skills", seller.token,
                    json::object{{"title", "Proofreading"},
                                 {"description", "Proofreading of English texts up to 2000 words."},
                                 {"tags", json::array{"english"}},
                                 {"priceAmount", 15},
                                 {"priceCurrency", "CREDITS"},
                                 {"deliveryDays", 2}});
    QVERIFY2(r.status == 201, r.body.c_str());

    // The seller cannot hire their own skill, but can edit and retire it.
    f.signIn(seller);
    showSkills(f, ui::SkillsView::Mode::Catalogue);
    auto* skills = f.find<QTableView>(QStringLiteral("skillTable"));
    QTRY_VERIFY_WITH_TIMEOUT(
        clickRowWithText(skills, models::SkillListModel::Title, QStringLiteral("Proofreading")), 10000);
    QTRY_VERIFY(button(f, "editSkillButton")->isEnabled());
    QVERIFY(!button(f, "hireSkillButton")->isEnabled());

    // A buyer hires, then withdraws while it is pending; accept is never theirs.
    const auto buyer = f.signInAsNew("changemind");
    showSkills(f, ui::SkillsView::Mode::Catalogue);
    skills = f.find<QTableView>(QStringLiteral("skillTable"));
    QTRY_VERIFY_WITH_TIMEOUT(
        clickRowWithText(skills, models::SkillListModel::Title, QStringLiteral("Proofreading")), 10000);
    QTRY_VERIFY(button(f, "hireSkillButton")->isEnabled());
    QTest::mouseClick(button(f, "hireSkillButton"), Qt::LeftButton);
    QDialog* dialog = nullptr;
    QTRY_VERIFY((dialog = f.find<QDialog>(QStringLiteral("hireDialog"))) && dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("hireBrief")),
                     QStringLiteral("My essay."));
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("dialogSubmit")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!f.find<QDialog>(QStringLiteral("hireDialog")), 10000);
    auto* hires = f.find<QTableView>(QStringLiteral("hireTable"));
    QVERIFY(waitForRows(hires->model(), 1));
    QTRY_VERIFY(
        clickRowWithText(hires, models::HireListModel::Status, QStringLiteral("Waiting for the seller")));
    QTRY_VERIFY(button(f, "withdrawHireButton")->isEnabled());
    QVERIFY(!button(f, "acceptHireButton")->isEnabled());
    QVERIFY(!button(f, "declineHireButton")->isEnabled());
    QTest::mouseClick(button(f, "withdrawHireButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(hires->model()->index(0, models::HireListModel::Status).data().toString(),
                              QStringLiteral("Withdrawn"), 10000);
    // The server agrees, and no credits moved.
    r = f.call("GET", "/api/agent/hires?role=buyer", buyer.token);
    QCOMPARE(jsonText(jsonPath(r.json(), "hires.0.status")), std::string("withdrawn"));
    r = f.call("GET", "/api/agent/wallet", buyer.token);
    QCOMPARE(cents(jsonPath(r.json(), "wallet.available")), qint64(100000));
}

TASKDESK_UI_TEST_MAIN(TestUiSkills)
#include "tst_ui_skills.moc"
