#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace taskdesk::models {

// A contract's history in time order, pieced together from what the API gives:
// the server keeps no event log for a contract, so the entries come from the
// contract's own timestamps and state, its submissions (created, decided,
// reason, rating, verification), the reviews, the private message thread and
// the caller's notifications about it (the only record of a cancellation
// request's time or of a withdrawn request). Where the API has no time for a
// step (a cancellation the caller asked for itself, a dispute), the entry
// carries the nearest time the contract has and is marked approximate.
class ContractTimeline
{
public:
    enum class Kind
    {
        Hired,
        Delivered,
        Accepted,
        AutoAccepted,
        Rejected,
        Closed, // a pending submission closed by a cancellation
        Review,
        CancellationRequested,
        CancellationWithdrawn,
        Cancelled,
        Disputed,
        Resolved,
        Message,
    };

    struct Entry
    {
        QDateTime when;  // UTC; invalid when the API has no time at all
        QString whenIso; // as the API sent it
        Kind kind = Kind::Hired;
        QString title;  // one line for people ("Delivery 2 rejected")
        QString detail; // reason, summary, review text, ...
        QString actor;  // handle of who did it, when known
        bool approximate = false;
    };

    // contract: the contract object; the arrays as the API lists them (any order).
    // me: the caller's profile id (to tell "you" from the other party).
    static QList<Entry> build(const QJsonObject& contract, const QJsonArray& submissions,
                              const QJsonArray& reviews = {}, const QJsonArray& messages = {},
                              const QJsonArray& notifications = {}, const QString& me = {});

    // A short English name for a kind ("delivered"), for tests and accessibility.
    static QString kindName(Kind kind);
};

} // namespace taskdesk::models
