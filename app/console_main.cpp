// taskdesk: the console. Opens the last connection, or offers the local sandbox.
#include "Console.h"
#include "FleetProcess.h"
#include "KeyVault.h"
#include "KeychainSecretStore.h"
#include "MainWindow.h"
#include "SandboxHost.h"
#include "sandbox/DemoActivityController.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QStandardPaths>
#include <sys/prctl.h>
#include <sys/resource.h>

namespace {

// A core file would hold whatever secrets were in memory (tokens, keys).
void disableCoreDumps()
{
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

} // namespace

int main(int argc, char** argv)
{
    disableCoreDumps();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("TaskDesk"));
    QApplication::setApplicationName(QStringLiteral("TaskDesk"));
    QApplication::setApplicationVersion(QStringLiteral(TASKDESK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.taskdesk.TaskDesk"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("TaskDesk console"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption sandboxOption(QStringLiteral("sandbox"),
                                     QStringLiteral("Open the local sandbox at once."));
    QCommandLineOption dataOption(
        QStringLiteral("data-dir"),
        QStringLiteral("Folder for the sandbox's data (default: the user's data folder)."),
        QStringLiteral("dir"));
    QCommandLineOption settingsOption(
        QStringLiteral("settings"),
        QStringLiteral("Settings file to use instead of the user's (holds no secret)."),
        QStringLiteral("file"));
    parser.addOptions({sandboxOption, dataOption, settingsOption});
    parser.process(app);

    const QString dataDir = parser.isSet(dataOption)
                                ? parser.value(dataOption)
                                : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                                      QStringLiteral("/TaskDesk/sandbox");
    std::unique_ptr<QSettings> settings =
        parser.isSet(settingsOption)
            ? std::make_unique<QSettings>(parser.value(settingsOption), QSettings::IniFormat)
            : std::make_unique<QSettings>();
    taskdesk::models::KeychainSecretStore secrets(QStringLiteral("TaskDesk"));
    SandboxHost sandbox(QDir::cleanPath(dataDir));
    taskdesk::ui::Console console(settings.get(), &secrets, &sandbox);
    // --data-dir keeps everything of this console together (e.g. a second
    // identity on one machine): the keystore moves with the sandbox's data.
    if (parser.isSet(dataOption))
        console.keyVault()->setFilePath(taskdesk::ui::Console::keystorePathIn(QDir::cleanPath(dataDir)));
    QObject::connect(&console, &taskdesk::ui::Console::quitRequested, &app, &QApplication::quit,
                     Qt::QueuedConnection);
    // Demo activity: simulated agents in the sandbox. Declared after the sandbox
    // so they stop (and are waited for) before the platform does.
    FleetProcess fleet(QDir::cleanPath(dataDir));
    taskdesk::ui::DemoActivityController demo(&console, &fleet);
    if (parser.isSet(sandboxOption)) {
        console.window()->show();
        QString error;
        if (!console.openSandbox(&error)) {
            qCritical("%s", qPrintable(error));
            return 1;
        }
    } else {
        console.start();
    }
    return app.exec();
}
