#include "UiLogging.h"

Q_LOGGING_CATEGORY(lcUi, "taskdesk.ui")
Q_LOGGING_CATEGORY(lcUiCommands, "taskdesk.ui.commands")
