#include "CaseFile.h"

#include "Formatting.h"

#include <QHash>
#include <QJsonDocument>

namespace taskdesk::models {

namespace {

QString str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

// The first of several names the value may go by (the case file grew with
// the server; older and newer answers both read).
QJsonValue firstOf(const QJsonObject& o, std::initializer_list<const char*> keys)
{
    for (const char* k : keys) {
        const QJsonValue v = o.value(QLatin1String(k));
        if (!v.isUndefined() && !v.isNull())
            return v;
    }
    return {};
}

QString textOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented));
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented));
    if (v.isDouble())
        return QString::number(v.toDouble());
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

// A profile given as {id, handle} or as a bare id/handle string.
QString handleOf(const QJsonValue& v)
{
    if (v.isObject()) {
        const QString h = str(v.toObject(), "handle");
        return h.isEmpty() ? str(v.toObject(), "id") : h;
    }
    return v.toString();
}

QString idOf(const QJsonValue& v)
{
    return v.isObject() ? str(v.toObject(), "id") : v.toString();
}

QList<CaseFile::Message> messagesOf(const QJsonValue& list, const QString& kind)
{
    QList<CaseFile::Message> out;
    for (const QJsonValue& v : list.toArray()) {
        const QJsonObject m = v.toObject();
        CaseFile::Message msg;
        msg.createdAt = str(m, "createdAt");
        msg.author = handleOf(firstOf(m, {"author", "sender", "from", "authorHandle", "authorId"}));
        msg.body = textOf(firstOf(m, {"body", "text", "message"}));
        msg.kind = str(m, "kind").isEmpty() ? kind : str(m, "kind");
        out << msg;
    }
    std::sort(out.begin(), out.end(), [](const CaseFile::Message& a, const CaseFile::Message& b) {
        return Formatting::parseTime(a.createdAt) < Formatting::parseTime(b.createdAt);
    });
    return out;
}

} // namespace

CaseFile CaseFile::fromJson(const QJsonObject& answer)
{
    // {dispute: {...}, caseFile: {subject, acceptanceCriteria, contract, submissions, threads, notes,
    // ledger: {account, balance, entries}, audit: {dispute, contract, task, hire}}}
    CaseFile c;
    const QJsonObject d = answer.value(QLatin1String("dispute")).toObject();
    const QJsonObject file = answer.value(QLatin1String("caseFile")).toObject();
    const QJsonObject subject = file.value(QLatin1String("subject")).toObject();
    const QJsonObject task = subject.value(QLatin1String("task")).toObject();
    const QJsonObject skill = subject.value(QLatin1String("skill")).toObject();
    const QJsonObject contract = file.value(QLatin1String("contract")).toObject();

    c.m_id = str(d, "id");
    c.m_status = str(d, "status");
    c.m_reason = str(d, "reason");
    c.m_evidence = textOf(d.value(QLatin1String("evidence")));
    c.m_createdAt = str(d, "createdAt");
    c.m_openedBy = handleOf(d.value(QLatin1String("openedBy")));
    const QJsonValue assignee = d.value(QLatin1String("assignee"));
    c.m_assigneeId = idOf(assignee);
    c.m_assigneeHandle = assignee.isObject() ? handleOf(assignee) : QString();

    c.m_contractId = str(d, "contractId").isEmpty() ? str(contract, "id") : str(d, "contractId");
    c.m_taskTitle = str(d, "title");
    if (c.m_taskTitle.isEmpty())
        c.m_taskTitle = str(task, "title").isEmpty() ? str(skill, "title") : str(task, "title");
    c.m_taskDescription = str(task, "description");
    if (c.m_taskDescription.isEmpty())
        c.m_taskDescription = textOf(subject.value(QLatin1String("brief")));
    QJsonArray criteria = file.value(QLatin1String("acceptanceCriteria")).toArray();
    if (criteria.isEmpty())
        criteria = task.value(QLatin1String("acceptanceCriteria")).toArray();
    for (const QJsonValue& v : criteria)
        c.m_criteria << (v.isObject() ? textOf(firstOf(v.toObject(), {"text", "title", "criterion"}))
                                      : textOf(v));
    // A skill hire has no criteria list: the brief is what was asked for.
    if (c.m_criteria.isEmpty() && subject.value(QLatin1String("kind")).toString() == QLatin1String("hire") &&
        !c.m_taskDescription.isEmpty())
        c.m_criteria << c.m_taskDescription;
    c.m_buyerHandle = handleOf(d.value(QLatin1String("buyer")));
    if (c.m_buyerHandle.isEmpty())
        c.m_buyerHandle = handleOf(contract.value(QLatin1String("buyer")));
    c.m_sellerHandle = handleOf(d.value(QLatin1String("seller")));
    if (c.m_sellerHandle.isEmpty())
        c.m_sellerHandle = handleOf(contract.value(QLatin1String("seller")));
    c.m_currency = str(contract, "currency");
    if (c.m_currency.isEmpty())
        c.m_currency = QStringLiteral("CREDITS");
    const QJsonValue price = contract.value(QLatin1String("priceAmount"));
    c.m_priceCents = price.isDouble() ? Formatting::toCents(price) : 0;

    // What the escrow holds now is the sum a resolution divides; off-platform prices hold nothing.
    const QJsonObject ledger = file.value(QLatin1String("ledger")).toObject();
    const QJsonValue balance = ledger.value(QLatin1String("balance"));
    c.m_escrowCents = balance.isDouble()                                   ? Formatting::toCents(balance)
                      : contract.value(QLatin1String("escrowed")).toBool() ? c.m_priceCents
                                                                           : 0;

    QJsonValue fee = firstOf(file, {"feePercent"});
    if (!fee.isDouble())
        fee = firstOf(answer, {"feePercent"});
    if (!fee.isDouble())
        fee = d.value(QLatin1String("resolution")).toObject().value(QLatin1String("feePercent"));
    if (fee.isDouble())
        c.m_feePercent = fee.toInt();

    for (const QJsonValue& v : file.value(QLatin1String("submissions")).toArray()) {
        const QJsonObject s = v.toObject();
        Submission sub;
        sub.id = str(s, "id");
        sub.createdAt = str(s, "createdAt");
        sub.summary = str(s, "summaryText");
        sub.output = textOf(s.value(QLatin1String("output")));
        sub.deliverableUrl = str(s, "deliverableUrl");
        sub.status = str(s, "status");
        sub.reason = textOf(firstOf(s, {"reason", "decisionReason"}));
        c.m_submissions << sub;
    }
    // Submissions oldest first, whatever order the server lists them in.
    std::stable_sort(c.m_submissions.begin(), c.m_submissions.end(),
                     [](const Submission& a, const Submission& b) {
                         return Formatting::parseTime(a.createdAt) < Formatting::parseTime(b.createdAt);
                     });
    for (int i = 0; i < c.m_submissions.size(); ++i)
        c.m_submissions[i].number = i + 1;

    const QJsonObject threads = file.value(QLatin1String("threads")).toObject();
    c.m_disputeMessages =
        messagesOf(threads.value(QLatin1String("disputeMessages")), QStringLiteral("dispute"));
    c.m_contractMessages = messagesOf(threads.value(QLatin1String("contract")), QStringLiteral("contract"));
    c.m_notes = messagesOf(file.value(QLatin1String("notes")), QStringLiteral("note"));

    for (const QJsonValue& v : ledger.value(QLatin1String("entries")).toArray()) {
        const QJsonObject t = v.toObject();
        LedgerEntry e;
        e.createdAt = str(t, "createdAt");
        e.from = str(t, "from");
        e.to = str(t, "to");
        e.kind = str(t, "kind");
        e.reference = (str(t, "refType") + QLatin1Char(' ') + str(t, "refId")).trimmed();
        e.cents = Formatting::toCents(t.value(QLatin1String("amount")));
        c.m_ledger << e;
    }

    // The audit trail names actors by id; the people in the case are known by handle.
    QHash<QString, QString> handles;
    for (const char* who : {"buyer", "seller", "openedBy", "assignee"}) {
        const QJsonObject p = d.value(QLatin1String(who)).toObject();
        if (!str(p, "id").isEmpty())
            handles.insert(str(p, "id"), QStringLiteral("@") + str(p, "handle"));
    }
    const QJsonObject audit = file.value(QLatin1String("audit")).toObject();
    for (const char* entity : {"task", "hire", "contract", "dispute"}) {
        for (const QJsonValue& v : audit.value(QLatin1String(entity)).toArray()) {
            const QJsonObject a = v.toObject();
            AuditEntry e;
            e.createdAt = str(a, "createdAt");
            const QString actor = str(a, "actorId");
            e.actor = actor.isEmpty() ? QStringLiteral("system") : handles.value(actor, actor);
            e.action = str(a, "action");
            e.credential = str(a, "credential");
            if (!str(a, "delegationId").isEmpty())
                e.credential += QStringLiteral(" (") + str(a, "delegationId") + QLatin1Char(')');
            const QJsonObject after = a.value(QLatin1String("after")).toObject();
            QString detail = str(a, "entityType") + QLatin1Char(' ') + str(a, "entityId");
            if (!str(after, "status").isEmpty())
                detail += QStringLiteral(" -> ") + str(after, "status");
            e.detail = detail.trimmed();
            c.m_audit << e;
        }
    }
    std::stable_sort(c.m_audit.begin(), c.m_audit.end(), [](const AuditEntry& a, const AuditEntry& b) {
        return Formatting::parseTime(a.createdAt) < Formatting::parseTime(b.createdAt);
    });

    const QJsonObject resolution = d.value(QLatin1String("resolution")).toObject();
    c.m_outcome = str(d, "outcome").isEmpty() ? str(resolution, "outcome") : str(d, "outcome");
    const QJsonValue pct = resolution.value(QLatin1String("workerSharePercent"));
    c.m_workerSharePercent = pct.isDouble() ? pct.toInt() : -1;
    c.m_resolutionNote = textOf(resolution.value(QLatin1String("note")));
    return c;
}

} // namespace taskdesk::models
