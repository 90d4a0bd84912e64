#pragma once

class QSettings;

namespace taskdesk::models {
class ApiClient;
class LiveUpdates;
class Session;
} // namespace taskdesk::models

namespace taskdesk::ui {

class CommandRunner;

// What every view is given (never reached through a global): the client to
// make jobs with, who is signed in, the live-update feed, the runner that
// shows command progress and errors, and the settings for view state (column
// widths, filters; never a secret).
struct ViewContext
{
    models::ApiClient* client = nullptr;
    models::Session* session = nullptr;
    models::LiveUpdates* live = nullptr;
    CommandRunner* commands = nullptr;
    QSettings* settings = nullptr;
};

} // namespace taskdesk::ui
