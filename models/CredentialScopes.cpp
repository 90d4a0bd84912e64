#include "CredentialScopes.h"

#include "Formatting.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSet>

namespace taskdesk::models {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("CredentialScopes", text);
}

QStringList sorted(QStringList list)
{
    list.removeDuplicates();
    list.sort();
    return list;
}

} // namespace

QStringList CredentialScopes::all()
{
    return {QStringLiteral("profile:read"),        QStringLiteral("profile:write"),
            QStringLiteral("tasks:read"),          QStringLiteral("tasks:write"),
            QStringLiteral("bids:read"),           QStringLiteral("bids:write"),
            QStringLiteral("contracts:read"),      QStringLiteral("contracts:write"),
            QStringLiteral("submissions:read"),    QStringLiteral("submissions:write"),
            QStringLiteral("decision:write"),      QStringLiteral("reviews:read"),
            QStringLiteral("reviews:write"),       QStringLiteral("tokens:read"),
            QStringLiteral("tokens:write"),        QStringLiteral("keys:read"),
            QStringLiteral("keys:write"),          QStringLiteral("comments:read"),
            QStringLiteral("comments:write"),      QStringLiteral("messages:read"),
            QStringLiteral("messages:write"),      QStringLiteral("notifications:read"),
            QStringLiteral("notifications:write"), QStringLiteral("wallet:read"),
            QStringLiteral("wallet:write"),        QStringLiteral("skills:read"),
            QStringLiteral("skills:write"),        QStringLiteral("disputes:read"),
            QStringLiteral("disputes:write"),      QStringLiteral("delegations:read"),
            QStringLiteral("delegations:write"),   QStringLiteral("protected:read"),
            QStringLiteral("protected:write"),     QStringLiteral("webhooks:read"),
            QStringLiteral("webhooks:write")};
}

QStringList CredentialScopes::preset(Preset preset)
{
    // What an agent needs day to day, and nothing that mints credentials,
    // moves money out or changes the profile.
    const QStringList reading{QStringLiteral("profile:read"),       QStringLiteral("tasks:read"),
                              QStringLiteral("bids:read"),          QStringLiteral("contracts:read"),
                              QStringLiteral("submissions:read"),   QStringLiteral("reviews:read"),
                              QStringLiteral("comments:read"),      QStringLiteral("messages:read"),
                              QStringLiteral("notifications:read"), QStringLiteral("wallet:read"),
                              QStringLiteral("skills:read"),        QStringLiteral("disputes:read")};
    switch (preset) {
    case Preset::Worker:
        // A worker also posts subtasks of its own (within the spend limit) and
        // opens protected task data with its keys.
        return sorted(reading +
                      QStringList{QStringLiteral("tasks:write"), QStringLiteral("bids:write"),
                                  QStringLiteral("contracts:write"), QStringLiteral("submissions:write"),
                                  QStringLiteral("comments:write"), QStringLiteral("messages:write"),
                                  QStringLiteral("notifications:write"), QStringLiteral("keys:read"),
                                  QStringLiteral("keys:write"), QStringLiteral("protected:read"),
                                  QStringLiteral("protected:write"), QStringLiteral("disputes:write")});
    case Preset::Publisher:
        return sorted(reading +
                      QStringList{QStringLiteral("tasks:write"), QStringLiteral("bids:write"),
                                  QStringLiteral("contracts:write"), QStringLiteral("decision:write"),
                                  QStringLiteral("reviews:write"), QStringLiteral("comments:write"),
                                  QStringLiteral("messages:write"), QStringLiteral("notifications:write"),
                                  QStringLiteral("protected:read"), QStringLiteral("protected:write")});
    case Preset::ReadOnly:
        return sorted(reading);
    case Preset::Custom:
        return {};
    }
    return {};
}

QString CredentialScopes::presetName(Preset preset)
{
    switch (preset) {
    case Preset::Worker:
        return tr("Worker");
    case Preset::Publisher:
        return tr("Publisher");
    case Preset::ReadOnly:
        return tr("Read-only");
    case Preset::Custom:
        return tr("Custom");
    }
    return {};
}

CredentialScopes::Preset CredentialScopes::presetOf(const QStringList& scopes)
{
    const QStringList s = sorted(scopes);
    for (Preset p : {Preset::Worker, Preset::Publisher, Preset::ReadOnly})
        if (preset(p) == s)
            return p;
    return Preset::Custom;
}

const QList<CredentialScopes::Capability>& CredentialScopes::capabilities()
{
    static const QList<Capability> list{
        {tr("browse tasks"), {QStringLiteral("tasks:read")}},
        {tr("post and edit tasks"), {QStringLiteral("tasks:write")}},
        {tr("bid and claim"), {QStringLiteral("bids:write")}},
        {tr("see bids and applications"), {QStringLiteral("bids:read")}},
        {tr("follow its contracts"), {QStringLiteral("contracts:read")}},
        {tr("hire, cancel and manage contracts"), {QStringLiteral("contracts:write")}},
        {tr("deliver work"), {QStringLiteral("submissions:write")}},
        {tr("read deliveries"), {QStringLiteral("submissions:read")}},
        {tr("accept or reject deliveries"), {QStringLiteral("decision:write")}},
        {tr("read reviews"), {QStringLiteral("reviews:read")}},
        {tr("write reviews"), {QStringLiteral("reviews:write")}},
        {tr("read its profile"), {QStringLiteral("profile:read")}},
        {tr("change its profile"), {QStringLiteral("profile:write")}},
        {tr("see its tokens"), {QStringLiteral("tokens:read")}},
        {tr("make and revoke tokens and API keys"), {QStringLiteral("tokens:write")}},
        {tr("see its public keys"), {QStringLiteral("keys:read")}},
        {tr("register public keys"), {QStringLiteral("keys:write")}},
        {tr("read comments"), {QStringLiteral("comments:read")}},
        {tr("comment on tasks"), {QStringLiteral("comments:write")}},
        {tr("read messages"), {QStringLiteral("messages:read")}},
        {tr("send messages"), {QStringLiteral("messages:write")}},
        {tr("read notifications"), {QStringLiteral("notifications:read")}},
        {tr("mark notifications read"), {QStringLiteral("notifications:write")}},
        {tr("see its wallet"), {QStringLiteral("wallet:read")}},
        {tr("transfer credits"), {QStringLiteral("wallet:write")}},
        {tr("browse skills"), {QStringLiteral("skills:read")}},
        {tr("sell skills and hire"), {QStringLiteral("skills:write")}},
        {tr("follow disputes"), {QStringLiteral("disputes:read")}},
        {tr("open disputes"), {QStringLiteral("disputes:write")}},
        {tr("see delegations"), {QStringLiteral("delegations:read")}},
        {tr("delegate to other agents"), {QStringLiteral("delegations:write")}},
        {tr("see protected-access requests"), {QStringLiteral("protected:read")}},
        {tr("request and grant protected data"), {QStringLiteral("protected:write")}},
        {tr("see webhooks"), {QStringLiteral("webhooks:read")}},
        {tr("manage webhooks"), {QStringLiteral("webhooks:write")}},
    };
    return list;
}

QString CredentialScopes::describe(const QString& scope)
{
    for (const Capability& c : capabilities())
        if (c.scopes.contains(scope))
            return c.phrase;
    return scope;
}

QString CredentialScopes::preview(const QStringList& scopes, qint64 spendLimitCents,
                                  const QDateTime& expiresAt)
{
    const QSet<QString> have(scopes.begin(), scopes.end());
    QStringList can, cannot;
    for (const Capability& c : capabilities()) {
        bool all = true;
        for (const QString& s : c.scopes)
            all = all && have.contains(s);
        (all ? can : cannot) << c.phrase;
    }
    QString text;
    if (can.isEmpty())
        text = tr("This credential will not be able to do anything.");
    else
        text = tr("This credential will be able to: %1.").arg(can.join(QStringLiteral(", ")));
    if (!cannot.isEmpty())
        text += QLatin1Char(' ') + tr("It will not be able to: %1.").arg(cannot.join(QStringLiteral(", ")));
    if (spendLimitCents >= 0)
        text += QLatin1Char(' ') + tr("It can commit at most %1 in escrow.")
                                       .arg(Formatting::cents(spendLimitCents, QStringLiteral("CREDITS")));
    else if (have.contains(QStringLiteral("tasks:write")) ||
             have.contains(QStringLiteral("contracts:write")) ||
             have.contains(QStringLiteral("skills:write")))
        text +=
            QLatin1Char(' ') + tr("It has no spend limit: it can commit everything in the agent's wallet.");
    if (expiresAt.isValid())
        text += QLatin1Char(' ') +
                tr("It expires on %1.").arg(QLocale().toString(expiresAt.toLocalTime(), QLocale::LongFormat));
    else
        text += QLatin1Char(' ') + tr("It does not expire; revoke it when it is no longer needed.");
    return text;
}

QString CredentialScopes::summary(const QStringList& scopes)
{
    const Preset p = presetOf(scopes);
    if (p != Preset::Custom)
        return presetName(p);
    return QCoreApplication::translate("CredentialScopes", "%n scope(s)", nullptr, int(scopes.size()));
}

} // namespace taskdesk::models
