#pragma once

#include <QString>
#include <QStringList>

namespace taskdesk::agent {

// `taskdesk-agent run`: a fleet of simulated publishers and workers driving a server
// through its public API only. Single-threaded and sequential: a round-robin scheduler
// gives each member one step (a few blocking requests) at a time, and every choice
// comes from one std::mt19937_64 seeded by --seed, so a run with --steps N is repeatable
// against any fresh server. Prints a summary (text or --json) and exits 0 only if no
// request met a 5xx or a transport error (2 otherwise; 1 for usage).
class FleetCommand
{
public:
    int run(const QStringList& arguments);
    static QString help();
};

} // namespace taskdesk::agent
