#include "ContractTimeline.h"

#include "Formatting.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <algorithm>

namespace taskdesk::models {

namespace {

QString s(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QString tr(const char* text)
{
    return QCoreApplication::translate("ContractTimeline", text);
}

QString sortKey(const QJsonObject& o)
{
    // Ids sort by creation, which breaks ties between equal timestamps.
    return s(o, "createdAt") + QLatin1Char(' ') + s(o, "id");
}

QList<QJsonObject> sortedByCreation(const QJsonArray& items)
{
    QList<QJsonObject> list;
    for (const QJsonValue& v : items)
        list << v.toObject();
    std::sort(list.begin(), list.end(),
              [](const QJsonObject& a, const QJsonObject& b) { return sortKey(a) < sortKey(b); });
    return list;
}

QString outputText(const QJsonValue& output)
{
    if (output.isString())
        return output.toString();
    if (output.isObject() || output.isArray())
        return QString::fromUtf8(output.isObject()
                                     ? QJsonDocument(output.toObject()).toJson(QJsonDocument::Compact)
                                     : QJsonDocument(output.toArray()).toJson(QJsonDocument::Compact));
    if (output.isDouble())
        return QString::number(output.toDouble());
    if (output.isBool())
        return output.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

} // namespace

QString ContractTimeline::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Hired:
        return QStringLiteral("hired");
    case Kind::Delivered:
        return QStringLiteral("delivered");
    case Kind::Accepted:
        return QStringLiteral("accepted");
    case Kind::AutoAccepted:
        return QStringLiteral("auto-accepted");
    case Kind::Rejected:
        return QStringLiteral("rejected");
    case Kind::Closed:
        return QStringLiteral("closed");
    case Kind::Review:
        return QStringLiteral("review");
    case Kind::CancellationRequested:
        return QStringLiteral("cancellation-requested");
    case Kind::CancellationWithdrawn:
        return QStringLiteral("cancellation-withdrawn");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::Disputed:
        return QStringLiteral("disputed");
    case Kind::Resolved:
        return QStringLiteral("resolved");
    case Kind::Message:
        return QStringLiteral("message");
    }
    return {};
}

QList<ContractTimeline::Entry> ContractTimeline::build(const QJsonObject& contract,
                                                       const QJsonArray& submissions,
                                                       const QJsonArray& reviews, const QJsonArray& messages,
                                                       const QJsonArray& notifications, const QString& me)
{
    const QJsonObject buyer = contract.value(QLatin1String("buyer")).toObject();
    const QJsonObject seller = contract.value(QLatin1String("seller")).toObject();
    const QString buyerId = s(buyer, "id");
    const QString sellerId = s(seller, "id");
    const QString contractId = s(contract, "id");
    auto handleOf = [&](const QString& profileId) -> QString {
        if (!me.isEmpty() && profileId == me)
            return tr("you");
        if (profileId == buyerId)
            return QLatin1Char('@') + s(buyer, "handle");
        if (profileId == sellerId)
            return QLatin1Char('@') + s(seller, "handle");
        return profileId;
    };
    auto at = [](const QString& iso) { return Formatting::parseTime(iso); };

    QList<Entry> out;
    auto add = [&out, &at](const QString& iso, Kind kind, QString title, QString detail = {},
                           QString actor = {}, bool approximate = false) {
        Entry e;
        e.whenIso = iso;
        e.when = at(iso);
        e.kind = kind;
        e.title = std::move(title);
        e.detail = std::move(detail);
        e.actor = std::move(actor);
        e.approximate = approximate;
        out << e;
    };

    const QString kind = s(contract, "kind");
    const QString hiredTitle = kind == QLatin1String("claim")  ? tr("Task claimed by %1")
                               : kind == QLatin1String("hire") ? tr("Skill hire accepted by %1")
                               : kind == QLatin1String("open") ? tr("Open submission by %1 won")
                                                               : tr("%1 hired");
    add(s(contract, "createdAt"), Kind::Hired, hiredTitle.arg(handleOf(sellerId)),
        tr("Price %1")
            .arg(contract.value(QLatin1String("priceAmount")).isDouble()
                     ? Formatting::amount(contract.value(QLatin1String("priceAmount")),
                                          s(contract, "currency"))
                     : s(contract, "priceText")),
        handleOf(buyerId));

    int n = 0;
    for (const QJsonObject& sub : sortedByCreation(submissions)) {
        ++n;
        QString detail = s(sub, "summaryText");
        if (detail.isEmpty())
            detail = s(sub, "deliverableUrl");
        if (detail.isEmpty())
            detail = outputText(sub.value(QLatin1String("output"))).left(200);
        const QJsonObject verification = sub.value(QLatin1String("verification")).toObject();
        if (!verification.isEmpty())
            detail += (detail.isEmpty() ? QString() : QStringLiteral(" - ")) +
                      (verification.value(QLatin1String("passed")).toBool() ? tr("verification passed")
                                                                            : tr("verification failed"));
        add(s(sub, "createdAt"), Kind::Delivered, tr("Delivery %1 submitted").arg(n), detail,
            handleOf(s(sub, "submitterId")));

        const QString status = s(sub, "status");
        const QString decided = s(sub, "decidedAt");
        if (decided.isEmpty())
            continue;
        if (status == QLatin1String("accepted")) {
            const QDateTime due = at(s(sub, "reviewDueAt"));
            const QJsonValue rating = sub.value(QLatin1String("rating"));
            // Past the review window nobody decided: the server's job accepted it.
            const bool automatic = rating.isNull() && due.isValid() && at(decided) >= due;
            if (automatic)
                add(decided, Kind::AutoAccepted, tr("Delivery %1 accepted automatically").arg(n),
                    tr("The review window ended without a decision"));
            else
                add(decided, Kind::Accepted, tr("Delivery %1 accepted").arg(n),
                    rating.isDouble() ? tr("Rated %1/5").arg(rating.toInt()) : QString(), handleOf(buyerId));
        } else if (status == QLatin1String("rejected")) {
            const QString reason = s(sub, "reason");
            if (reason == QLatin1String("contract cancelled"))
                add(decided, Kind::Closed, tr("Delivery %1 closed by the cancellation").arg(n));
            else
                add(decided, Kind::Rejected, tr("Delivery %1 rejected").arg(n), tr("Reason: %1").arg(reason),
                    handleOf(buyerId));
        }
    }

    for (const QJsonObject& r : sortedByCreation(reviews)) {
        const QString text = s(r, "text");
        add(s(r, "createdAt"), Kind::Review,
            tr("Review by %1: %2/5")
                .arg(handleOf(s(r, "authorId")))
                .arg(r.value(QLatin1String("rating")).toInt()),
            text, handleOf(s(r, "authorId")));
    }

    // Cancellation: the contract knows only the pending (or confirmed) request;
    // the caller's notifications add when the other party asked or withdrew.
    QString lastRequestIso;
    for (const QJsonObject& ntf : sortedByCreation(notifications)) {
        if (s(ntf, "entityId") != contractId)
            continue;
        const QString type = s(ntf, "type");
        if (type == QLatin1String("contract.cancellation_requested")) {
            const QString other = me == buyerId ? sellerId : buyerId;
            QString reason = s(ntf, "message").section(QStringLiteral(": "), 1);
            add(s(ntf, "createdAt"), Kind::CancellationRequested,
                tr("Cancellation requested by %1").arg(handleOf(other)),
                reason.isEmpty() ? QString() : tr("Reason: %1").arg(reason), handleOf(other));
            lastRequestIso = s(ntf, "createdAt");
        } else if (type == QLatin1String("contract.cancellation_withdrawn")) {
            const QString other = me == buyerId ? sellerId : buyerId;
            add(s(ntf, "createdAt"), Kind::CancellationWithdrawn,
                tr("Cancellation request withdrawn by %1").arg(handleOf(other)), {}, handleOf(other));
            lastRequestIso.clear();
        }
    }
    const QString status = s(contract, "status");
    const QJsonObject cancel = contract.value(QLatin1String("cancellation")).toObject();
    if (!cancel.isEmpty()) {
        const QString by = s(cancel, "appliedBy");
        // The other party's request already came with its time from the notifications.
        const bool known = by != me && !lastRequestIso.isEmpty();
        if (!known) {
            const bool closed = status == QLatin1String("cancelled");
            add(closed ? s(contract, "closedAt") : s(contract, "updatedAt"), Kind::CancellationRequested,
                tr("Cancellation requested by %1").arg(handleOf(by)),
                s(cancel, "reason").isEmpty() ? QString() : tr("Reason: %1").arg(s(cancel, "reason")),
                handleOf(by), true);
        }
    }
    if (status == QLatin1String("cancelled")) {
        const QString by = s(cancel, "appliedBy");
        add(s(contract, "closedAt"), Kind::Cancelled, tr("Cancelled by agreement"),
            by.isEmpty() ? QString()
                         : tr("Confirmed by %1").arg(handleOf(by == buyerId ? sellerId : buyerId)));
    } else if (status == QLatin1String("disputed")) {
        add(s(contract, "updatedAt"), Kind::Disputed, tr("Dispute opened"), {}, {}, true);
    } else if (status == QLatin1String("resolved")) {
        add(s(contract, "closedAt"), Kind::Resolved, tr("Dispute resolved"), {}, {}, true);
    }

    for (const QJsonObject& m : sortedByCreation(messages)) {
        add(s(m, "createdAt"), Kind::Message, tr("Message from %1").arg(handleOf(s(m, "authorId"))),
            s(m, "body").section(QLatin1Char('\n'), 0, 0).left(200), handleOf(s(m, "authorId")));
    }

    // Stable: entries with the same time keep the order they were added in,
    // which is the order the steps must have happened in.
    std::stable_sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) {
        if (!a.when.isValid() || !b.when.isValid())
            return a.when.isValid() && !b.when.isValid();
        return a.when < b.when;
    });
    return out;
}

} // namespace taskdesk::models
