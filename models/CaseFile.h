#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace taskdesk::models {

// One dispute as support staff read it (GET /api/support/disputes/:id),
// parsed once so the case pane shows plain values: the task and its
// acceptance criteria, every submission with its decision and reason, the
// dispute's and the contract's threads, internal notes, the ledger entries
// and the audit trail, and what the escrow holds now with the platform's fee
// percent (for SplitPreview).
class CaseFile
{
public:
    struct Submission
    {
        int number = 0;
        QString id, createdAt, summary, output, deliverableUrl, status, reason;
    };
    struct Message
    {
        QString createdAt, author, body, kind; // kind: "dispute", "contract", "note", "support"
    };
    struct LedgerEntry
    {
        QString createdAt, from, to, kind, reference;
        qint64 cents = 0;
    };
    struct AuditEntry
    {
        QString createdAt, actor, action, credential, detail;
    };

    CaseFile() = default;
    static CaseFile fromJson(const QJsonObject& answer);

    bool isValid() const { return !m_id.isEmpty(); }
    const QString& id() const { return m_id; }
    const QString& status() const { return m_status; }
    bool isResolved() const { return m_status == QLatin1String("resolved"); }
    const QString& reason() const { return m_reason; }
    const QString& evidence() const { return m_evidence; }
    const QString& createdAt() const { return m_createdAt; }
    const QString& openedByHandle() const { return m_openedBy; }
    const QString& assigneeId() const { return m_assigneeId; }
    const QString& assigneeHandle() const { return m_assigneeHandle; }

    const QString& contractId() const { return m_contractId; }
    const QString& taskTitle() const { return m_taskTitle; }
    const QString& taskDescription() const { return m_taskDescription; }
    const QStringList& criteria() const { return m_criteria; }
    const QString& buyerHandle() const { return m_buyerHandle; }
    const QString& sellerHandle() const { return m_sellerHandle; }
    const QString& currency() const { return m_currency; }
    qint64 priceCents() const { return m_priceCents; }
    // What the contract's escrow holds now (the sum a resolution divides).
    qint64 escrowCents() const { return m_escrowCents; }
    // The platform's fee percent, or -1 when the server did not say.
    int feePercent() const { return m_feePercent; }

    const QList<Submission>& submissions() const { return m_submissions; }
    const QList<Message>& disputeMessages() const { return m_disputeMessages; }
    const QList<Message>& contractMessages() const { return m_contractMessages; }
    const QList<Message>& notes() const { return m_notes; }
    const QList<LedgerEntry>& ledger() const { return m_ledger; }
    const QList<AuditEntry>& audit() const { return m_audit; }

    // The outcome once resolved: "release" | "refund" | "split", the worker's percent, the note.
    const QString& outcome() const { return m_outcome; }
    int workerSharePercent() const { return m_workerSharePercent; }
    const QString& resolutionNote() const { return m_resolutionNote; }

private:
    QString m_id, m_status, m_reason, m_evidence, m_createdAt, m_openedBy, m_assigneeId, m_assigneeHandle;
    QString m_contractId, m_taskTitle, m_taskDescription, m_buyerHandle, m_sellerHandle, m_currency;
    QStringList m_criteria;
    qint64 m_priceCents = 0;
    qint64 m_escrowCents = 0;
    int m_feePercent = -1;
    QList<Submission> m_submissions;
    QList<Message> m_disputeMessages, m_contractMessages, m_notes;
    QList<LedgerEntry> m_ledger;
    QList<AuditEntry> m_audit;
    QString m_outcome, m_resolutionNote;
    int m_workerSharePercent = -1;
};

} // namespace taskdesk::models
