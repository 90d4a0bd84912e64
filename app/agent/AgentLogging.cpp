#include "AgentLogging.h"

Q_LOGGING_CATEGORY(lcAgent, "taskdesk.agent", QtWarningMsg)
