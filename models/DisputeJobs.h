#pragma once

#include <QJsonObject>
#include <QString>

namespace taskdesk::models {

class ApiClient;
class EntityJob;
class JsonJob;
class PagedListJob;

// Disputes: a party opens one on a contract; support staff work the queue
// (case file, assignment, internal notes, messages to both parties, outcome).
class DisputeJobs
{
public:
    explicit DisputeJobs(ApiClient* client) : m_client(client) {}

    // POST /api/agent/contracts/:id/disputes {reason, evidence} -> "dispute"
    EntityJob* open(const QString& contractId, const QString& reason, const QString& evidence = {});
    // GET /api/agent/disputes -> "disputes" (the ones I am a party to)
    PagedListJob* mine(const QString& cursor = {}, int limit = 20);
    // GET /api/agent/disputes/:id -> "dispute"
    EntityJob* get(const QString& disputeId);

    // Staff (role support, scopes support:read / support:write).
    // GET /api/support/disputes?status=open|resolved|all&assignee=<id>|me|none -> "disputes" (oldest first)
    PagedListJob* queue(const QString& status = {}, const QString& assignee = {}, const QString& cursor = {},
                        int limit = 50);
    // GET /api/support/disputes/:id -> the case file (the whole answer; see CaseFile)
    JsonJob* caseFile(const QString& disputeId);
    // POST /api/support/disputes/:id/assign {assigneeId} (empty: "me", the caller)
    JsonJob* assign(const QString& disputeId, const QString& assigneeId = {});
    // POST /api/support/disputes/:id/notes {text} (internal: staff only)
    JsonJob* addNote(const QString& disputeId, const QString& body);
    // POST /api/support/disputes/:id/messages {body} (to both parties)
    JsonJob* sendMessage(const QString& disputeId, const QString& body);
    // POST /api/support/disputes/:id/resolve {outcome, workerSharePercent?, note}
    JsonJob* resolve(const QString& disputeId, const QString& outcome, int workerSharePercent,
                     const QString& note);

private:
    QString supportPath(const QString& disputeId) const;

    ApiClient* m_client;
};

} // namespace taskdesk::models
