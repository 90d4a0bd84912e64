#include "FleetLogging.h"

Q_LOGGING_CATEGORY(lcFleet, "taskdesk.agent.fleet", QtWarningMsg)
