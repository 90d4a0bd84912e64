#pragma once

#include <QString>
#include <QStringList>

namespace taskdesk::agent {

// `taskdesk-agent bundle-open FILE`: opens a delegation handoff bundle (plain, sealed
// to the agent's key in --keystore DIR, or passphrase-protected) and prints what it
// grants. The token and API secret are printed only when asked (--show-secrets, or
// --export-env for `eval "$(taskdesk-agent bundle-open ... --export-env)"`).
class BundleOpenCommand
{
public:
    int run(const QStringList& arguments);
    static QString help();
};

} // namespace taskdesk::agent
