// taskdesk-agent: the command-line agent. Each command is a class in agent/; this
// file only picks one. Core dumps are off for the whole process, since it holds
// secret keys and decrypted payloads in memory.
#include "BundleOpenCommand.h"
#include "Console.h"
#include "ExitCode.h"
#include "FleetCommand.h"
#include "ProtectedOpenCommand.h"

#include <QCoreApplication>
#include <sys/resource.h>

namespace {

QString usage()
{
    return QStringLiteral(
        "Usage: taskdesk-agent COMMAND [options]\n"
        "\n"
        "Commands:\n"
        "  protected-open   request, await and decrypt a task's protected payload\n"
        "  bundle-open      open a delegation handoff bundle and show what it grants\n"
        "  run              run a fleet of simulated publishers and workers against a server\n"
        "\n"
        "taskdesk-agent COMMAND --help shows a command's options.\n"
        "\n"
        "Exit codes: 0 ok, 1 usage, 2 server or network error, 3 access denied or revoked,\n"
        "4 the publisher's signature does not verify, 5 no grant in time, 6 key directory or\n"
        "passphrase problem, 7 something does not decrypt or is not what it claims to be.\n"
        "\n"
        "Secrets are read from files or the environment (TASKDESK_AGENT_TOKEN,\n"
        "TASKDESK_AGENT_PASSPHRASE, TASKDESK_BUNDLE_PASSPHRASE) and printed only on request.\n");
}

} // namespace

int main(int argc, char** argv)
{
    const rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("taskdesk-agent"));
    using namespace taskdesk::agent;

    QStringList args = QCoreApplication::arguments();
    if (args.size() < 2 || args.at(1) == QLatin1String("--help") || args.at(1) == QLatin1String("-h") ||
        args.at(1) == QLatin1String("help")) {
        Console::out(usage().toUtf8());
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    const QString command = args.takeAt(1);
    // The parser of each command sees "taskdesk-agent <its options>".
    if (command == QLatin1String("protected-open"))
        return ProtectedOpenCommand().run(args);
    if (command == QLatin1String("bundle-open"))
        return BundleOpenCommand().run(args);
    if (command == QLatin1String("run"))
        return FleetCommand().run(args);
    Console::message(QStringLiteral("Unknown command %1 (taskdesk-agent --help lists them)").arg(command));
    return ExitUsage;
}
