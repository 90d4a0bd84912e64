#pragma once

#include "CaseFile.h"
#include "ViewContext.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QTreeWidget;

namespace taskdesk::models {
class JsonJob;
}

namespace taskdesk::ui {

class Command;

// Everything about one dispute on one screen, for support staff: who and
// what (parties, price, escrow, reason, assignee), the acceptance criteria
// beside every submission with its rejection reason, the dispute's and the
// contract's threads with internal notes, the ledger entries and the audit
// trail; and the actions: assign to me, add an internal note, message both
// parties, resolve. Every action is a Command through the console's runner.
class CaseFilePane : public QWidget
{
    Q_OBJECT
public:
    explicit CaseFilePane(const ViewContext& context, QWidget* parent = nullptr);

    // Loads (or reloads) the case; empty clears the pane.
    void load(const QString& disputeId);
    void reload();
    const QString& disputeId() const { return m_id; }
    const models::CaseFile& caseFile() const { return m_case; }
    bool isLoading() const { return !m_job.isNull(); }

signals:
    // The case changed on the server (assigned, noted, resolved): the queue re-reads it.
    void caseChanged(const QString& disputeId);
    void loaded();

private:
    void show(const models::CaseFile& c);
    void updateActions();
    void runAction(Command* command, bool clearComposer);
    void assignToMe();
    void addNote();
    void sendMessage();
    void resolve();

    ViewContext m_context;
    QString m_id;
    models::CaseFile m_case;
    QPointer<models::JsonJob> m_job;
    QPointer<Command> m_action;

    QLabel* m_title;
    QLabel* m_summary;
    QLabel* m_state;
    QPushButton* m_assign;
    QPushButton* m_resolve;
    QTreeWidget* m_criteria;
    QTreeWidget* m_submissions;
    QTextBrowser* m_threads;
    QTreeWidget* m_ledger;
    QTreeWidget* m_audit;
    QPlainTextEdit* m_composer;
    QPushButton* m_addNote;
    QPushButton* m_sendMessage;
};

} // namespace taskdesk::ui
