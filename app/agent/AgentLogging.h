#pragma once

#include <QLoggingCategory>

// taskdesk-agent's logging category. The program's user-facing output goes to
// stdout/stderr directly; this is for diagnostics (QT_LOGGING_RULES), and nothing
// secret is ever logged under it.
Q_DECLARE_LOGGING_CATEGORY(lcAgent) // taskdesk.agent
