#pragma once

#include "ViewContext.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace taskdesk::ui {

// The two tasks Demo activity posts from the user's own account, so that a new
// user sees bids arrive on their task and a delivery wait for their review
// within a minute: one bid-mode, one open-mode, small budgets, skill tags the
// simulated agents have. Posted through the command runner like any post (an
// Idempotency-Key, the banner on failure) and only when the user has no open
// task; each sample is remembered per sandbox and profile in the settings
// (which profile ids already got which sample: no secret), so toggling the
// switch again, or a restart, never posts it twice.
class DemoSampleTasks : public QObject
{
    Q_OBJECT
public:
    enum class Kind
    {
        Bid,
        Open
    };

    explicit DemoSampleTasks(const ViewContext& context, QObject* parent = nullptr);

    // Posts the samples this profile has not had yet, if it has no open task.
    void ensurePosted(const QString& sandboxKey, const QString& profileId);
    bool isBusy() const { return m_busy; }
    // Whether the sample was posted for this profile in this sandbox.
    bool wasPosted(const QString& sandboxKey, const QString& profileId, Kind kind) const;

    static QJsonObject body(Kind kind);
    // "Demo sample:": every sample's title starts with it.
    static QString titlePrefix();

signals:
    // Every missing sample is on the board now (titles of the ones just posted).
    void posted(const QStringList& titles);
    // Nothing was posted, and why (the user has tasks of their own).
    void skipped(const QString& reason);

private:
    void postMissing(const QString& sandboxKey, const QString& profileId);
    void markPosted(const QString& sandboxKey, const QString& profileId, Kind kind);
    static QString settingsKey(const QString& sandboxKey, const QString& profileId);

    ViewContext m_context;
    bool m_busy = false;
};

} // namespace taskdesk::ui
