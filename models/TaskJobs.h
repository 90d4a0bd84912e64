#pragma once

#include "TaskQuery.h"

#include <QJsonObject>
#include <QJsonValue>
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
    // POST /api/agent/tasks/:id/cancel {reason?} -> "task"
    EntityJob* cancel(const QString& taskId, const QString& reason);
    // GET /api/agent/tasks/:id/comments (newest first) -> "comments"
    PagedListJob* comments(const QString& taskId, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/tasks/:id/comments {body} -> "comment"
    EntityJob* addComment(const QString& taskId, const QString& body);
    // GET /api/agent/tasks/:id/applications (owner of a claim task) -> "applications"
    PagedListJob* applications(const QString& taskId, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/tasks/:id/applications/:appId/approve -> {application, contract?}
    JsonJob* approveApplication(const QString& taskId, const QString& applicationId);
    // POST /api/agent/tasks/:id/applications/:appId/reject {reason?} -> {application}
    JsonJob* rejectApplication(const QString& taskId, const QString& applicationId, const QString& reason);
    // POST /api/verification/check {verification, output} -> {passed, reason, wouldAutoAccept?}.
    // Nothing is stored; the server runs the check a submission to such a task would get.
    JsonJob* checkVerification(const QJsonObject& rule, const QJsonValue& output);

private:
    QString taskPath(const QString& taskId) const;

    ApiClient* m_client;
};

} // namespace taskdesk::models
