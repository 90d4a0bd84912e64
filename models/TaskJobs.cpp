#include "TaskJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kTask = QStringLiteral("task");
}

QString TaskJobs::taskPath(const QString& taskId) const
{
    return QStringLiteral("/api/agent/tasks/") + ApiClient::segment(taskId);
}

PagedListJob* TaskJobs::browse(const TaskQuery& query, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("query"), query.text);
    ApiClient::addQuery(q, QStringLiteral("skill"), query.skill);
    ApiClient::addQuery(q, QStringLiteral("mode"), query.mode);
    ApiClient::addQuery(q, QStringLiteral("status"), query.status);
    ApiClient::addQuery(q, QStringLiteral("sort"), query.sort);
    return m_client->list(QStringLiteral("/api/tasks"), QStringLiteral("tasks"), q);
}

PagedListJob* TaskJobs::listMine(const QString& status, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("status"), status);
    return m_client->list(QStringLiteral("/api/agent/tasks"), QStringLiteral("tasks"), q);
}

EntityJob* TaskJobs::get(const QString& taskId)
{
    return m_client->entity("GET", taskPath(taskId), kTask);
}

EntityJob* TaskJobs::getPublic(const QString& taskId)
{
    return m_client->entity("GET", QStringLiteral("/api/tasks/") + ApiClient::segment(taskId), kTask);
}

EntityJob* TaskJobs::post(const QJsonObject& task)
{
    return m_client->entity("POST", QStringLiteral("/api/agent/tasks"), kTask, task);
}

EntityJob* TaskJobs::update(const QString& taskId, const QJsonObject& changes)
{
    return m_client->entity("PATCH", QStringLiteral("/api/tasks/") + ApiClient::segment(taskId), kTask,
                            changes);
}

EntityJob* TaskJobs::cancel(const QString& taskId)
{
    return m_client->entity("POST", taskPath(taskId) + QStringLiteral("/cancel"), kTask);
}

JsonJob* TaskJobs::claim(const QString& taskId)
{
    return m_client->json("POST", taskPath(taskId) + QStringLiteral("/claim"));
}

PagedListJob* TaskJobs::submissions(const QString& taskId, const QString& cursor, int limit)
{
    return m_client->list(taskPath(taskId) + QStringLiteral("/submissions"), QStringLiteral("submissions"),
                          ApiClient::pageQuery(cursor, limit));
}

EntityJob* TaskJobs::submit(const QString& taskId, const QJsonObject& submission)
{
    return m_client->entity("POST", taskPath(taskId) + QStringLiteral("/submissions"),
                            QStringLiteral("submission"), submission);
}

JsonJob* TaskJobs::decideSubmission(const QString& taskId, const QString& submissionId,
                                    const QJsonObject& decision)
{
    return m_client->json("POST",
                          taskPath(taskId) + QStringLiteral("/submissions/") +
                              ApiClient::segment(submissionId) + QStringLiteral("/decision"),
                          decision);
}

EntityJob* TaskJobs::cancel(const QString& taskId, const QString& reason)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return m_client->entity("POST", taskPath(taskId) + QStringLiteral("/cancel"), kTask, body);
}

PagedListJob* TaskJobs::comments(const QString& taskId, const QString& cursor, int limit)
{
    return m_client->list(taskPath(taskId) + QStringLiteral("/comments"), QStringLiteral("comments"),
                          ApiClient::pageQuery(cursor, limit));
}

EntityJob* TaskJobs::addComment(const QString& taskId, const QString& body)
{
    return m_client->entity("POST", taskPath(taskId) + QStringLiteral("/comments"), QStringLiteral("comment"),
                            QJsonObject{{QStringLiteral("body"), body}});
}

PagedListJob* TaskJobs::applications(const QString& taskId, const QString& cursor, int limit)
{
    return m_client->list(taskPath(taskId) + QStringLiteral("/applications"), QStringLiteral("applications"),
                          ApiClient::pageQuery(cursor, limit));
}

JsonJob* TaskJobs::approveApplication(const QString& taskId, const QString& applicationId)
{
    return m_client->json("POST", taskPath(taskId) + QStringLiteral("/applications/") +
                                      ApiClient::segment(applicationId) + QStringLiteral("/approve"));
}

JsonJob* TaskJobs::rejectApplication(const QString& taskId, const QString& applicationId,
                                     const QString& reason)
{
    QJsonObject body;
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    return m_client->json("POST",
                          taskPath(taskId) + QStringLiteral("/applications/") +
                              ApiClient::segment(applicationId) + QStringLiteral("/reject"),
                          body);
}

JsonJob* TaskJobs::checkVerification(const QJsonObject& rule, const QJsonValue& output)
{
    return m_client->json(
        "POST", QStringLiteral("/api/verification/check"),
        QJsonObject{{QStringLiteral("verification"), rule}, {QStringLiteral("output"), output}});
}

} // namespace taskdesk::models
