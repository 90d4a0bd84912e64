#pragma once

#include <QLoggingCategory>

// The fleet's category: one short line per notable event (registration, task posted,
// hire, decision, dispute, rate limit). Off by default; `run --verbose` enables info.
// Handles and ids only: passwords, tokens and API secrets are never logged.
Q_DECLARE_LOGGING_CATEGORY(lcFleet) // taskdesk.agent.fleet
