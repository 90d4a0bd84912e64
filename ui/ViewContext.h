#pragma once

class QSettings;

namespace taskdesk::models {
class ApiClient;
class KeyVault;
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
    // The local keystore (payload keys, the console's own keys); made by the
    // composition root, locked until the user unlocks it.
    models::KeyVault* keys = nullptr;
};

} // namespace taskdesk::ui
