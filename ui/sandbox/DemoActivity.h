#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

namespace taskdesk::ui {

// Simulated agents that post, bid and deliver in the local sandbox. ui/ only
// switches them on and off; app/ implements this on a taskdesk-agent process
// (FleetProcess), so ui/ never starts a process nor knows a path.
class DemoActivity : public QObject
{
    Q_OBJECT
public:
    explicit DemoActivity(QObject* parent = nullptr);
    ~DemoActivity() override;

    // Starts the agents against baseUrl; started() or failed() follows. A
    // call while they already run against the same server does nothing.
    virtual void start(const QUrl& baseUrl) = 0;
    // Asks them to stop; stopped() follows once they have.
    virtual void stop() = 0;
    virtual bool isRunning() const = 0;

signals:
    void started();
    // After stop(): what the agents did, in their own words (for the log).
    void stopped(const QString& exitSummary);
    // They could not start or stopped on their own: what happened and what to
    // do, in plain words for the user.
    void failed(const QString& message);
};

} // namespace taskdesk::ui
