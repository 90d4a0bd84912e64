#pragma once

#include <QString>

namespace taskdesk::models {

// Server-side filters of GET /api/tasks (all optional).
struct TaskQuery
{
    QString text;   // ?query=
    QString skill;  // ?skill=
    QString mode;   // bid | claim | open
    QString status; // open (server default) | assigned | completed | cancelled | all
    QString sort;   // new (default) | budget
};

} // namespace taskdesk::models
