#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace taskdesk::models {

// What a delegated credential may do, in words an operator reads before the
// credential exists: the scopes the contract names, grouped into capabilities
// ("browse tasks", "bid and claim"), the presets the mint wizard offers, and
// the plain-language preview of a choice.
class CredentialScopes
{
public:
    enum class Preset
    {
        Worker,
        Publisher,
        ReadOnly,
        Custom
    };

    struct Capability
    {
        QString phrase;     // "bid and claim tasks"
        QStringList scopes; // every one of them is needed for the phrase to hold
    };

    // Every non-staff scope of the contract, in a stable order.
    static QStringList all();
    static QStringList preset(Preset preset);
    static QString presetName(Preset preset);
    // The preset a scope set equals, or Custom.
    static Preset presetOf(const QStringList& scopes);
    // One short description per scope, for the custom list's tooltips.
    static QString describe(const QString& scope);
    static const QList<Capability>& capabilities();

    // "This credential will be able to: ... It will not be able to: ... It can
    // commit at most 50.00 CREDITS in escrow. It expires on ...". spendLimitCents
    // < 0 = no limit; an invalid expiry = never.
    static QString preview(const QStringList& scopes, qint64 spendLimitCents, const QDateTime& expiresAt);
    // What the list's Scopes column shows: the preset's name or "n scopes".
    static QString summary(const QStringList& scopes);
};

} // namespace taskdesk::models
