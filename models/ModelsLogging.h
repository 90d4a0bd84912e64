#pragma once

#include <QLoggingCategory>

// One category per subsystem of the model layer. Nothing logged under these
// may contain a token, a password or a request or response body.
Q_DECLARE_LOGGING_CATEGORY(lcModelsApi)     // taskdesk.models.api
Q_DECLARE_LOGGING_CATEGORY(lcModelsSession) // taskdesk.models.session
Q_DECLARE_LOGGING_CATEGORY(lcModelsLists)   // taskdesk.models.lists
Q_DECLARE_LOGGING_CATEGORY(lcModelsLive)    // taskdesk.models.live
