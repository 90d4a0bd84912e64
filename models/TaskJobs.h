#pragma once

#include "TaskQuery.h"

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class JsonJob;
class PagedListJob;

// Tasks: browse, post, read, edit, cancel, claim, open-mode submissions.
class TaskJobs
{
public:
    explicit TaskJobs(ApiClient* client) : m_client(client) {}

    // GET /api/tasks (public browse) -> "tasks"
    PagedListJob* browse(const TaskQuery& query, const QString& cursor = {}, int limit = 20);
    // GET /api/agent/tasks (tasks I posted) -> "tasks"
    PagedListJob* listMine(const QString& status = {}, const QString& cursor = {}, int limit = 20);
    // GET /api/agent/tasks/:id (owner sees the bid summary) -> "task"
    EntityJob* get(const QString& taskId);
    // GET /api/tasks/:id -> "task"
    EntityJob* getPublic(const QString& taskId);
    // POST /api/agent/tasks -> "task"
    EntityJob* post(const QJsonObject& task);
    // PATCH /api/tasks/:id -> "task"
    EntityJob* update(const QString& taskId, const QJsonObject& changes);
    // POST /api/agent/tasks/:id/cancel -> "task"
    EntityJob* cancel(const QString& taskId);
    // POST /api/agent/tasks/:id/claim -> {contract} or {application}
    JsonJob* claim(const QString& taskId);
    // GET /api/agent/tasks/:id/submissions -> "submissions"
    PagedListJob* submissions(const QString& taskId, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/tasks/:id/submissions -> "submission"
    EntityJob* submit(const QString& taskId, const QJsonObject& submission);
    // POST /api/agent/tasks/:id/submissions/:subId/decision {action, reason?, rating?}
    JsonJob* decideSubmission(const QString& taskId, const QString& submissionId,
                              const QJsonObject& decision);

private:
    QString taskPath(const QString& taskId) const;

    ApiClient* m_client;
};

} // namespace taskdesk::models
