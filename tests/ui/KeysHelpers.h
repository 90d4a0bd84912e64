#pragma once

// Steps the Keys and protected-payload tests share: the keystore made through
// the Keys view, a protected task posted through the Post Task dialog, an
// agent hired over HTTP, and the database files searched for plaintext.
#include "AccessRequestListModel.h"
#include "ConsoleFixture.h"
#include "JsonPath.h"
#include "KeyPairs.h"
#include "KeyVault.h"
#include "board/PostTaskDialog.h"
#include "keys/KeysView.h"
#include "keys/KeystoreDialog.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTableWidget>

namespace taskdesk::test {

inline ui::KeystoreDialog* waitForKeystoreDialog(ConsoleFixture& f)
{
    ui::KeystoreDialog* dialog = nullptr;
    for (int i = 0; i < 200 && !dialog; ++i) {
        dialog = f.find<ui::KeystoreDialog>(QStringLiteral("keystoreDialog"));
        if (!dialog)
            QTest::qWait(20);
    }
    return dialog;
}

// Types passphrase (twice when asked) and presses the dialog's button.
inline void answerKeystoreDialog(ui::KeystoreDialog* dialog, const QString& passphrase)
{
    auto* edit = dialog->findChild<QLineEdit*>(QStringLiteral("passphraseEdit"));
    QTest::keyClicks(edit, passphrase);
    if (auto* confirm = dialog->findChild<QLineEdit*>(QStringLiteral("passphraseConfirmEdit")))
        QTest::keyClicks(confirm, passphrase);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("keystoreOkButton")), Qt::LeftButton);
}

// Creates the keystore from the Keys view; true once it is unlocked.
inline bool createKeystoreInView(ConsoleFixture& f, const QString& passphrase)
{
    f.show(QStringLiteral("keysView"));
    auto* create = f.find<QPushButton>(QStringLiteral("createKeystoreButton"));
    if (!create || !create->isVisible())
        return false;
    QTest::mouseClick(create, Qt::LeftButton);
    ui::KeystoreDialog* dialog = waitForKeystoreDialog(f);
    if (!dialog)
        return false;
    answerKeystoreDialog(dialog, passphrase);
    models::KeyVault* vault = f.console().keyVault();
    for (int i = 0; i < 1500 && !vault->isUnlocked(); ++i)
        QTest::qWait(20);
    return vault->isUnlocked();
}

// Waits until the console's public keys are on the signed-in profile.
inline bool waitForKeysRegistered(ConsoleFixture& f)
{
    models::KeyVault* vault = f.console().keyVault();
    for (int i = 0; i < 500 && !vault->areKeysRegistered(); ++i)
        QTest::qWait(20);
    return vault->areKeysRegistered();
}

// Posts a bid-mode CREDITS task with protected fields through the Post Task
// dialog; returns the new task's id (empty on failure, with why set).
inline QString postProtectedTask(ConsoleFixture& f, const QString& title,
                                 const QList<QPair<QString, QString>>& fields, QString* why)
{
    f.show(QStringLiteral("boardView"));
    QTest::mouseClick(f.find<QPushButton>(QStringLiteral("postTaskButton")), Qt::LeftButton);
    ui::PostTaskDialog* dialog = nullptr;
    for (int i = 0; i < 100 && !dialog; ++i) {
        dialog = f.find<ui::PostTaskDialog>(QStringLiteral("postTaskDialog"));
        if (!dialog)
            QTest::qWait(20);
    }
    if (!dialog) {
        *why = QStringLiteral("no Post Task dialog");
        return {};
    }
    QString taskId;
    QObject::connect(dialog, &ui::PostTaskDialog::posted, dialog, [&taskId](const QJsonObject& task) {
        taskId = task.value(QLatin1String("id")).toString();
    });
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("taskTitle")), title);
    QTest::keyClicks(dialog->findChild<QPlainTextEdit*>(QStringLiteral("taskDescription")),
                     QStringLiteral("Use the protected credentials to run the nightly export."));
    QTest::mouseClick(dialog->findChild<QRadioButton*>(QStringLiteral("modeBid")), Qt::LeftButton);
    QTest::keyClicks(dialog->findChild<QLineEdit*>(QStringLiteral("budgetAmount")), QStringLiteral("40"));
    auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("protectedFieldsTable"));
    auto* add = dialog->findChild<QPushButton*>(QStringLiteral("addProtectedFieldButton"));
    for (int i = 0; i < fields.size(); ++i) {
        if (i >= table->rowCount())
            QTest::mouseClick(add, Qt::LeftButton);
        table->item(i, 0)->setText(fields.at(i).first);
        table->item(i, 1)->setText(fields.at(i).second);
    }
    auto* post = dialog->findChild<QPushButton*>(QStringLiteral("postButton"));
    if (!post->isEnabled()) {
        *why = QStringLiteral("Post is disabled: ") +
               dialog->findChild<QLabel*>(QStringLiteral("postHint"))->text();
        return {};
    }
    QTest::mouseClick(post, Qt::LeftButton);
    for (int i = 0; i < 500 && taskId.isEmpty(); ++i)
        QTest::qWait(20);
    if (taskId.isEmpty())
        *why = QStringLiteral("the task was not posted");
    return taskId;
}

// An agent registered over HTTP that bids on the task and is hired by the owner.
inline std::string hireAgent(ConsoleFixture& f, const TestServer::Member& owner,
                             const TestServer::Member& agent, const std::string& taskId)
{
    auto r =
        f.call("POST", "/api/agent/tasks/" + taskId + "/bids", agent.token,
               boost::json::object{{"proposedAmount", 40}, {"etaDays", 1}, {"approach", "I will run it."}});
    if (r.status != 201)
        return "bid: " + r.body;
    const std::string bidId = jsonText(jsonPath(r.json(), "bid.id"));
    r = f.call("POST", "/api/agent/contracts", owner.token,
               boost::json::object{{"taskId", taskId}, {"bidId", bidId}});
    if (r.status != 201)
        return "hire: " + r.body;
    return {};
}

// The agent's X25519 key registered on its profile; returns the key id.
inline std::string registerAgentKey(ConsoleFixture& f, const TestServer::Member& agent,
                                    const crypto::BoxKeyPair& pair)
{
    const auto r = f.call("POST", "/api/agent/me/keys", agent.token,
                          boost::json::object{{"label", "agent box key"},
                                              {"purpose", "encryption"},
                                              {"algorithm", "x25519"},
                                              {"publicKey", pair.publicKey.toBase64().toStdString()}});
    return r.status == 201 ? jsonText(jsonPath(r.json(), "key.id")) : std::string();
}

// Selects the access request of agentId in the Keys view's table; false when it is not there.
inline bool selectRequestOf(ConsoleFixture& f, const std::string& agentId)
{
    auto* table = f.find<QTableView>(QStringLiteral("accessRequestsTable"));
    auto* model = qobject_cast<models::AccessRequestListModel*>(table->model());
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->requestAt(r).value(QLatin1String("agentId")).toString() ==
            QString::fromStdString(agentId)) {
            table->setCurrentIndex(model->index(r, 0));
            return true;
        }
    return false;
}

// The status the Keys view shows for agentId's access request; empty when there is none.
inline QString statusOf(ConsoleFixture& f, const std::string& agentId)
{
    auto* table = f.find<QTableView>(QStringLiteral("accessRequestsTable"));
    auto* model = qobject_cast<models::AccessRequestListModel*>(table->model());
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->requestAt(r).value(QLatin1String("agentId")).toString() == QString::fromStdString(agentId))
            return model->requestAt(r).value(QLatin1String("status")).toString();
    return {};
}

// Every byte the server's SQLite database holds on disk (main file and WAL).
inline QByteArray databaseBytes(ConsoleFixture& f)
{
    QByteArray all;
    const QString db = QString::fromStdString(f.server().databaseUrl());
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile file(db + suffix);
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace taskdesk::test
