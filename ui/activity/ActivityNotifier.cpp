#include "ActivityNotifier.h"

#include <QJsonObject>

namespace taskdesk::ui {

namespace {

struct Group
{
    QString type;
    QString view;
    QList<QJsonObject> events;
};

} // namespace

ActivityNotifier::ActivityNotifier(QObject* parent) : QObject(parent)
{
    setObjectName(QStringLiteral("activityNotifier"));
}

void ActivityNotifier::handleEvents(const QJsonArray& events)
{
    if (!m_enabled)
        return;
    // The server's names (server/domain/Notifier.cpp callers) for work waiting on me.
    QList<Group> groups{
        {QStringLiteral("delivery.submitted"), QStringLiteral("reviewView"), {}},
        {QStringLiteral("contract.cancellation_requested"), QStringLiteral("contractsView"), {}}};
    for (const QJsonValue& v : events) {
        const QJsonObject e = v.toObject();
        const QString type = e.value(QLatin1String("type")).toString();
        for (Group& g : groups)
            if (g.type == type)
                g.events << e;
    }
    for (const Group& g : std::as_const(groups)) {
        if (g.events.isEmpty())
            continue;
        const QJsonObject& last = g.events.last();
        const QString id =
            g.events.size() == 1 ? last.value(QLatin1String("entityId")).toString() : QString();
        QString title;
        QString message;
        if (g.type == QLatin1String("delivery.submitted")) {
            title = g.events.size() == 1 ? tr("New submission to review")
                                         : tr("%n new submissions to review", nullptr, int(g.events.size()));
            message = g.events.size() == 1 ? last.value(QLatin1String("message")).toString()
                                           : tr("Open Review to go through them.");
        } else {
            title = tr("Cancellation requested");
            message = g.events.size() == 1
                          ? last.value(QLatin1String("message")).toString()
                          : tr("%n contracts have a cancellation request.", nullptr, int(g.events.size()));
        }
        m_lastView = g.view;
        m_lastId = id;
        emit announce(title, message, g.view, id);
    }
}

} // namespace taskdesk::ui
