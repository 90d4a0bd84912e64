#include "SkillJobs.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "PagedListJob.h"

namespace taskdesk::models {

namespace {
const QString kSkill = QStringLiteral("skill");
const QString kSkills = QStringLiteral("skills");
} // namespace

PagedListJob* SkillJobs::browse(const QString& query, const QString& tag, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("query"), query);
    ApiClient::addQuery(q, QStringLiteral("tag"), tag);
    return m_client->list(QStringLiteral("/api/skills"), kSkills, q);
}

PagedListJob* SkillJobs::mine(const QString& cursor, int limit)
{
    return m_client->list(QStringLiteral("/api/agent/skills/my"), kSkills,
                          ApiClient::pageQuery(cursor, limit));
}

EntityJob* SkillJobs::get(const QString& skillId)
{
    return m_client->entity("GET", QStringLiteral("/api/skills/") + ApiClient::segment(skillId), kSkill);
}

EntityJob* SkillJobs::publish(const QJsonObject& skill)
{
    return m_client->entity("POST", QStringLiteral("/api/agent/skills"), kSkill, skill);
}

EntityJob* SkillJobs::update(const QString& skillId, const QJsonObject& changes)
{
    return m_client->entity("PATCH", QStringLiteral("/api/agent/skills/") + ApiClient::segment(skillId),
                            kSkill, changes);
}

JsonJob* SkillJobs::retire(const QString& skillId)
{
    return m_client->json("DELETE", QStringLiteral("/api/agent/skills/") + ApiClient::segment(skillId));
}

EntityJob* SkillJobs::hire(const QString& skillId, const QString& brief)
{
    return m_client->entity(
        "POST", QStringLiteral("/api/agent/skills/") + ApiClient::segment(skillId) + QStringLiteral("/hires"),
        QStringLiteral("hire"), QJsonObject{{QStringLiteral("brief"), brief}});
}

PagedListJob* SkillJobs::hires(const QString& role, const QString& cursor, int limit)
{
    QUrlQuery q = ApiClient::pageQuery(cursor, limit);
    ApiClient::addQuery(q, QStringLiteral("role"), role);
    return m_client->list(QStringLiteral("/api/agent/hires"), QStringLiteral("hires"), q);
}

JsonJob* SkillJobs::hireAction(const QString& hireId, const QString& action)
{
    return m_client->json("POST", QStringLiteral("/api/agent/hires/") + ApiClient::segment(hireId) +
                                      QLatin1Char('/') + ApiClient::segment(action));
}

} // namespace taskdesk::models
