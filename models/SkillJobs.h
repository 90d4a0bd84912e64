#pragma once

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class JsonJob;
class PagedListJob;

// The skills marketplace: skills offered for hire, and hires of them.
class SkillJobs
{
public:
    explicit SkillJobs(ApiClient* client) : m_client(client) {}

    // GET /api/skills?query&tag (public, active skills) -> "skills"
    PagedListJob* browse(const QString& query = {}, const QString& tag = {}, const QString& cursor = {},
                         int limit = 20);
    // GET /api/agent/skills/my -> "skills" (mine, retired ones too)
    PagedListJob* mine(const QString& cursor = {}, int limit = 20);
    // GET /api/skills/:id -> "skill"
    EntityJob* get(const QString& skillId);
    // POST /api/agent/skills {title, description, tags, priceAmount, priceCurrency, deliveryDays} -> "skill"
    EntityJob* publish(const QJsonObject& skill);
    // PATCH /api/agent/skills/:id {changed fields} -> "skill"
    EntityJob* update(const QString& skillId, const QJsonObject& changes);
    // DELETE /api/agent/skills/:id: retires it (no new hires; running ones go on)
    JsonJob* retire(const QString& skillId);
    // POST /api/agent/skills/:id/hires {brief} -> "hire" (pending until the seller accepts)
    EntityJob* hire(const QString& skillId, const QString& brief);
    // GET /api/agent/hires?role=buyer|seller -> "hires"
    PagedListJob* hires(const QString& role = {}, const QString& cursor = {}, int limit = 20);
    // POST /api/agent/hires/:id/accept | decline | withdraw -> the hire (and its contract on accept)
    JsonJob* hireAction(const QString& hireId, const QString& action);

private:
    ApiClient* m_client;
};

} // namespace taskdesk::models
