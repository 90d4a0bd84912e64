// The Credentials view against a real in-process server: the wizard mints a
// Worker credential with a spend limit after a preview that says what it will
// and will not do; the bundle is shown once and its token works over HTTP;
// the list shows the spend against the limit once the agent commits escrow;
// revoking cuts the token off (401).
#include "ConsoleFixture.h"
#include "CredentialScopes.h"
#include "DelegationListModel.h"
#include "JsonPath.h"
#include "credentials/BundleDialog.h"
#include "credentials/CredentialsView.h"
#include "credentials/MintCredentialWizard.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>

using namespace taskdesk::test;
using namespace taskdesk;
namespace json = boost::json;

class TestUiCredentials : public QObject
{
    Q_OBJECT
private slots:
    void previewSaysWhatItWillAndWillNotDo();
    void mintUseAndRevoke();
};

void TestUiCredentials::previewSaysWhatItWillAndWillNotDo()
{
    using models::CredentialScopes;
    const QStringList worker = CredentialScopes::preset(CredentialScopes::Preset::Worker);
    QCOMPARE(CredentialScopes::presetOf(worker), CredentialScopes::Preset::Worker);
    QVERIFY(!worker.contains(QStringLiteral("delegations:write")));
    QVERIFY(!worker.contains(QStringLiteral("wallet:write")));
    QVERIFY(!worker.contains(QStringLiteral("tokens:write")));
    for (const QString& s : worker)
        QVERIFY2(CredentialScopes::all().contains(s), qPrintable(s));
    const QString text = CredentialScopes::preview(worker, 5000, QDateTime());
    QVERIFY2(text.startsWith(QStringLiteral("This credential will be able to: browse tasks")),
             qPrintable(text));
    QVERIFY(text.contains(QStringLiteral("bid and claim")));
    QVERIFY(text.contains(QStringLiteral("It will not be able to: ")));
    QVERIFY(text.section(QStringLiteral("It will not be able to: "), 1)
                .contains(QStringLiteral("transfer credits")));
    QVERIFY(text.section(QStringLiteral("It will not be able to: "), 1).contains(QStringLiteral("delegate")));
    QVERIFY(text.contains(QStringLiteral("It can commit at most 50.00 CREDITS in escrow.")));
    QVERIFY(text.contains(QStringLiteral("It does not expire")));
    QCOMPARE(CredentialScopes::presetOf({QStringLiteral("tasks:read")}), CredentialScopes::Preset::Custom);
}

void TestUiCredentials::mintUseAndRevoke()
{
    ConsoleFixture f;
    const auto op = f.signInAsNew("operator");
    auto* view = qobject_cast<ui::CredentialsView*>(f.show(QStringLiteral("credentialsView")));
    QVERIFY(view);
    QAbstractItemModelTester tester(view->delegations(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);

    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("mintCredentialButton")), Qt::LeftButton);
    ui::MintCredentialWizard* wizard = nullptr;
    QTRY_VERIFY((wizard = f.find<ui::MintCredentialWizard>(QStringLiteral("mintCredentialWizard"))));
    auto* next = wizard->findChild<QPushButton*>(QStringLiteral("wizardNextButton"));
    // Page 1: the agent. Nothing typed: it stays, and says why.
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(wizard->currentPage()->objectName(), QStringLiteral("agentPage"));
    QVERIFY(!wizard->findChild<QLabel*>(QStringLiteral("agentError"))->text().isEmpty());
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("credentialLabel")),
                     QStringLiteral("Night worker"));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("agentHandle")),
                     QStringLiteral("nightbot"));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("agentDisplayName")),
                     QStringLiteral("Night Bot"));
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(wizard->currentPage()->objectName(), QStringLiteral("scopesPage"));
    // Page 2: Worker preset (the default), a 50.00 limit, no expiry.
    QCOMPARE(wizard->findChild<QComboBox*>(QStringLiteral("scopePreset"))->currentText(),
             QStringLiteral("Worker"));
    QTest::keyClicks(wizard->findChild<QLineEdit*>(QStringLiteral("spendLimit")), QStringLiteral("50"));
    QTest::mouseClick(wizard->findChild<QCheckBox*>(QStringLiteral("expiryEnabled")), Qt::LeftButton);
    QTest::mouseClick(next, Qt::LeftButton);
    QCOMPARE(wizard->currentPage()->objectName(), QStringLiteral("previewPage"));
    // Page 3: the preview, before anything exists.
    const QString preview = wizard->findChild<QLabel*>(QStringLiteral("credentialPreview"))->text();
    QVERIFY2(preview.contains(QStringLiteral("will be able to: browse tasks")), qPrintable(preview));
    QVERIFY(preview.contains(QStringLiteral("bid and claim")));
    QVERIFY(preview.contains(QStringLiteral("It will not be able to:")));
    QVERIFY(preview.contains(QStringLiteral("It can commit at most 50.00 CREDITS in escrow.")));
    QCOMPARE(f.call("GET", "/api/agent/delegations", op.token).json().at("delegations").as_array().size(),
             std::size_t(0));
    f.screenshot(QStringLiteral("mint-wizard"), wizard);
    QTest::mouseClick(wizard->findChild<QPushButton*>(QStringLiteral("wizardMintButton")), Qt::LeftButton);

    // The bundle, once.
    QTRY_VERIFY_WITH_TIMEOUT(view->bundleDialog(), 10000);
    ui::BundleDialog* bundleDialog = view->bundleDialog();
    const QString bundleText =
        bundleDialog->findChild<QPlainTextEdit*>(QStringLiteral("bundleText"))->toPlainText();
    const QJsonObject bundle = QJsonDocument::fromJson(bundleText.toUtf8()).object();
    const std::string token = bundle.value(QLatin1String("tokenValue")).toString().toStdString();
    QVERIFY2(token.rfind("td_", 0) == 0, bundleText.toUtf8().constData());
    QVERIFY(!bundle.value(QLatin1String("apiSecret")).toString().isEmpty());
    QCOMPARE(bundle.value(QLatin1String("handle")).toString(), QStringLiteral("nightbot"));
    f.screenshot(QStringLiteral("bundle"), bundleDialog);
    // The token works over HTTP, as the new agent.
    auto me = f.call("GET", "/api/agent/me", token);
    QCOMPARE(me.status, 200);
    QCOMPARE(jsonText(jsonPath(me.json(), "profile.handle")), std::string("nightbot"));
    const std::string agentId = jsonText(jsonPath(me.json(), "profile.id"));
    // Closing asks first; then the bundle is wiped.
    QTest::mouseClick(bundleDialog->findChild<QPushButton*>(QStringLiteral("closeBundleButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(bundleDialog->closeConfirmation());
    QVERIFY(bundleDialog->isVisible());
    QTest::mouseClick(bundleDialog->closeConfirmation()->findChild<QPushButton*>(
                          QStringLiteral("confirmCloseBundleButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!view->bundleDialog());

    // The list: the agent, its label, spend against the limit.
    auto* model = view->delegations();
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, models::DelegationListModel::Agent).data().toString(),
             QStringLiteral("@nightbot"));
    QCOMPARE(model->index(0, models::DelegationListModel::Label).data().toString(),
             QStringLiteral("Night worker"));
    QCOMPARE(model->index(0, models::DelegationListModel::Scopes).data().toString(),
             QStringLiteral("Worker"));
    QCOMPARE(model->index(0, models::DelegationListModel::Spend).data().toString(),
             QStringLiteral("0.00 of 50.00 CREDITS"));

    // Funded by the operator, the agent posts a 12.00 task through its credential.
    auto r = f.call("POST", "/api/agent/wallet/transfers", op.token,
                    json::object{{"toProfileId", agentId}, {"amount", 30}, {"memo", "float"}});
    QVERIFY2(r.status == 201, r.body.c_str());
    r = f.call("POST", "/api/agent/tasks", token,
               json::object{{"title", "Subtask from the bot"},
                            {"description", "Check the nightly numbers twice."},
                            {"budgetAmount", 12},
                            {"budgetCurrency", "CREDITS"}});
    QVERIFY2(r.status == 201, r.body.c_str());
    view->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, models::DelegationListModel::Spend).data().toString(),
                              QStringLiteral("12.00 of 50.00 CREDITS"), 10000);
    QTRY_COMPARE(f.find<QLabel>(QStringLiteral("delegationSpend"))->text(),
                 QStringLiteral("Spent: 12.00 of 50.00 CREDITS"));
    QTRY_VERIFY(f.find<QTableWidget>(QStringLiteral("delegationAudit"))->rowCount() > 0);
    f.screenshot(QStringLiteral("credentials"));

    // Revoke (confirmed): the token stops working.
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("revokeDelegationButton")), Qt::LeftButton);
    QMessageBox* confirm = nullptr;
    QTRY_VERIFY((confirm = f.find<QMessageBox>(QStringLiteral("revokeConfirm"))));
    QTest::mouseClick(confirm->findChild<QPushButton*>(QStringLiteral("confirmRevokeButton")),
                      Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, models::DelegationListModel::Status).data().toString(),
                              QStringLiteral("Revoked"), 10000);
    QCOMPARE(f.call("GET", "/api/agent/me", token).status, 401);
    QVERIFY(!f.find<QPushButton>(QStringLiteral("revokeDelegationButton"))->isEnabled());
}

TASKDESK_UI_TEST_MAIN(TestUiCredentials)
#include "tst_ui_credentials.moc"
