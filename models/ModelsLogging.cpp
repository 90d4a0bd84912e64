#include "ModelsLogging.h"

Q_LOGGING_CATEGORY(lcModelsApi, "taskdesk.models.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModelsSession, "taskdesk.models.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModelsLists, "taskdesk.models.lists", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModelsLive, "taskdesk.models.live", QtInfoMsg)
