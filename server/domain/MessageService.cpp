#include "MessageService.h"

#include "Access.h"
#include "AccountService.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Notifier.h"
#include "TaskRecord.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <utility>
#include <vector>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

namespace {

constexpr std::size_t kMaxBody = 5000;
constexpr std::size_t kIdBody = 28; // an id's time-ordered body (see Ids.h)
constexpr int kMaxParticipantsShown = 50;

// The part of an id that sorts by creation whatever its prefix: comments and
// messages share one activity order (the migration's trigger uses the same).
std::string activityKey(const std::string& id)
{
    return id.size() >= kIdBody ? id.substr(id.size() - kIdBody) : id;
}

bool isActivityKey(const std::string& s)
{
    return s.size() == kIdBody && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string trimmed(const std::string& s)
{
    const auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    std::size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b]))
        ++b;
    while (e > b && isSpace(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

// A string field of a body as sent (trimmed), "" when absent or not a string;
// used to find the object a body names before the body is validated.
std::string bodyText(const json::object& body, const char* name)
{
    const auto* v = body.if_contains(name);
    if (!v || !v->is_string() || v->as_string().size() > 200)
        return {};
    return trimmed(std::string(v->as_string()));
}

bool profileExists(store::Transaction& tx, const std::string& id)
{
    return !id.empty() && tx.scalarInt("SELECT 1 FROM profiles WHERE id = ?", {sqlText(id)}).has_value();
}

// Profile summaries for one response, each read once.
class Summaries
{
public:
    explicit Summaries(store::Transaction& tx) : m_tx(tx) {}
    const json::object& get(const std::string& id)
    {
        auto it = m_cache.find(id);
        if (it == m_cache.end())
            it = m_cache.emplace(id, AccountService::profileSummary(m_tx, id)).first;
        return it->second;
    }

private:
    store::Transaction& m_tx;
    std::map<std::string, json::object> m_cache;
};

constexpr const char* kMessageColumns =
    "id, thread_id, kind, ref_id, author_id, recipient_id, body, created_at";
using MessageRow = std::array<std::string, 8>;

std::vector<MessageRow> readMessages(store::Rows& r)
{
    std::vector<MessageRow> rows;
    while (r.next())
        rows.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7)});
    return rows;
}

json::object messageJson(Summaries& people, const MessageRow& m)
{
    json::object o;
    o["id"] = m[0];
    o["threadId"] = m[1];
    o["kind"] = m[2];
    if (m[2] == "bid")
        o["bidId"] = m[3];
    else if (m[2] == "contract")
        o["contractId"] = m[3];
    o["authorId"] = m[4];
    o["author"] = people.get(m[4]);
    o["recipientId"] = m[5];
    o["recipient"] = people.get(m[5]);
    o["body"] = m[6];
    o["createdAt"] = m[7];
    return o;
}

json::object messagePage(store::Transaction& tx, std::vector<MessageRow> rows, int limit)
{
    Summaries people(tx);
    json::array items;
    for (const auto& m : rows)
        items.push_back(messageJson(people, m));
    json::object out;
    finishPage(out, "messages", std::move(items), limit);
    return out;
}

// One row of the caller's thread index.
struct Membership
{
    std::string threadId, kind, refId, lastMessageId, activityKey;
    std::optional<std::string> lastReadId;
};

constexpr const char* kMembershipSelect =
    "SELECT m.thread_id, m.kind, m.ref_id, m.last_message_id, m.activity_key, r.last_read_id"
    " FROM thread_members m LEFT JOIN thread_reads r ON r.profile_id = m.profile_id AND r.thread_id = "
    "m.thread_id";

std::vector<Membership> readMemberships(store::Rows& r)
{
    std::vector<Membership> out;
    while (r.next())
        out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.optStr(5)});
    return out;
}

std::optional<Membership> loadMembership(store::Transaction& tx, const std::string& profileId,
                                         const std::string& threadId)
{
    auto r =
        tx.query((std::string(kMembershipSelect) + " WHERE m.profile_id = ? AND m.thread_id = ?").c_str(),
                 {sqlText(profileId), sqlText(threadId)});
    auto rows = readMemberships(r);
    if (rows.empty())
        return std::nullopt;
    return rows.front();
}

// The thread as the inbox shows it to a; nullopt when a may no longer read it
// (a task thread whose task became unlisted to a commenter, say).
std::optional<json::object> threadJson(store::Transaction& tx, const Actor& a, const Membership& m,
                                       Summaries& people)
{
    json::object o;
    o["id"] = m.threadId;
    o["kind"] = m.kind;
    const bool isTask = m.kind == "task";
    if (isTask) {
        const auto t = TaskRecord::load(tx, m.refId);
        if (!t || !t->visibleTo(tx, &a))
            return std::nullopt;
        o["subject"] = t->title;
        o["taskId"] = m.refId;
    } else if (m.kind == "bid") {
        const auto title = tx.scalarText(
            "SELECT t.title FROM bids b JOIN tasks t ON t.id = b.task_id WHERE b.id = ?", {sqlText(m.refId)});
        o["subject"] = "Bid: " + title.value_or(m.refId);
        o["bidId"] = m.refId;
    } else if (m.kind == "contract") {
        const auto terms = parseStoredJson(
            tx.scalarText("SELECT terms FROM contracts WHERE id = ?", {sqlText(m.refId)}).value_or(""));
        std::string title = m.refId;
        if (terms.is_object())
            if (const auto* tt = terms.as_object().if_contains("taskTitle"); tt && tt->is_string())
                title = std::string(tt->as_string());
        o["subject"] = "Contract: " + title;
        o["contractId"] = m.refId;
    } else {
        const auto& other = people.get(m.refId);
        const auto* name = other.if_contains("displayName");
        o["subject"] = name && name->is_string() && !name->as_string().empty() ? json::value(*name)
                                                                               : json::value(m.refId);
    }

    std::vector<std::string> ids;
    {
        auto r = tx.query("SELECT profile_id FROM thread_members WHERE thread_id = ? ORDER BY created_at, "
                          "profile_id LIMIT ?",
                          {sqlText(m.threadId), sqlInt(kMaxParticipantsShown + 1)});
        while (r.next())
            ids.push_back(r.str(0));
    }
    std::int64_t participantCount = static_cast<std::int64_t>(ids.size());
    if (ids.size() > static_cast<std::size_t>(kMaxParticipantsShown)) {
        ids.resize(kMaxParticipantsShown);
        participantCount =
            tx.scalarInt("SELECT COUNT(*) FROM thread_members WHERE thread_id = ?", {sqlText(m.threadId)})
                .value_or(0);
    }
    json::array participants;
    for (const auto& id : ids)
        participants.push_back(people.get(id));
    o["participants"] = std::move(participants);
    o["participantCount"] = participantCount;

    {
        auto r = tx.query(isTask ? "SELECT id, author_id, body, created_at FROM comments WHERE id = ?"
                                 : "SELECT id, author_id, body, created_at FROM messages WHERE id = ?",
                          {sqlText(m.lastMessageId)});
        if (r.next()) {
            json::object last;
            last["id"] = r.str(0);
            last["authorId"] = r.str(1);
            last["body"] = r.str(2);
            last["createdAt"] = r.str(3);
            o["lastActivityAt"] = last["createdAt"];
            o["lastMessage"] = std::move(last);
        } else {
            o["lastActivityAt"] = nullptr;
            o["lastMessage"] = nullptr;
        }
    }
    const std::string readUpTo = m.lastReadId.value_or("");
    o["lastReadMessageId"] = m.lastReadId ? json::value(*m.lastReadId) : json::value(nullptr);
    o["unreadCount"] =
        tx.scalarInt(isTask
                         ? "SELECT COUNT(*) FROM comments WHERE task_id = ? AND id > ? AND author_id <> ?"
                         : "SELECT COUNT(*) FROM messages WHERE thread_id = ? AND id > ? AND author_id <> ?",
                     {sqlText(isTask ? m.refId : m.threadId), sqlText(readUpTo), sqlText(a.profileId)})
            .value_or(0);
    return o;
}

} // namespace

// Who talks in a thread, from the caller's side.
struct MessageService::Conversation
{
    std::string threadId, kind;
    std::string refId;                // messages.ref_id: the bid or contract, or the profile pair
    std::string otherId;              // the other party
    std::string entityType, entityId; // what the other party's notification points at
    std::string notice;               // the notification's text after "@handle "
};

std::string MessageService::directThreadId(const std::string& profileA, const std::string& profileB)
{
    return profileA < profileB ? "thr_dm_" + profileA + "_" + profileB
                               : "thr_dm_" + profileB + "_" + profileA;
}

namespace {

// The bidder and the task's owner; to anyone else the bid does not exist.
std::pair<std::string, std::string> bidParties(store::Transaction& tx, const Actor& a,
                                               const std::string& bidId, std::string& title)
{
    auto r = tx.query(
        "SELECT b.bidder_id, t.owner_id, t.title FROM bids b JOIN tasks t ON t.id = b.task_id WHERE b.id = ?",
        {sqlText(bidId)});
    if (!r.next())
        throw DomainError::notFound("Bid");
    std::pair<std::string, std::string> parties{r.str(0), r.str(1)};
    title = r.str(2);
    if (a.profileId != parties.first && a.profileId != parties.second)
        throw DomainError::notFound("Bid");
    return parties;
}

// The buyer and the seller; to anyone else the contract does not exist.
std::pair<std::string, std::string> contractParties(store::Transaction& tx, const Actor& a,
                                                    const std::string& contractId, std::string& title)
{
    auto r = tx.query("SELECT buyer_id, seller_id, terms FROM contracts WHERE id = ?", {sqlText(contractId)});
    if (!r.next())
        throw DomainError::notFound("Contract");
    std::pair<std::string, std::string> parties{r.str(0), r.str(1)};
    const auto terms = parseStoredJson(r.str(2));
    title.clear();
    if (terms.is_object())
        if (const auto* tt = terms.as_object().if_contains("taskTitle"); tt && tt->is_string())
            title = std::string(tt->as_string());
    if (a.profileId != parties.first && a.profileId != parties.second)
        throw DomainError::notFound("Contract");
    return parties;
}

std::string readBody(const json::object& body)
{
    Input in(body);
    std::string text = in.str("body", 1, kMaxBody);
    in.finish();
    return text;
}

} // namespace

json::object MessageService::threadMessages(store::Transaction& tx, const std::string& threadId,
                                            const json::object& query)
{
    const auto page = pageFrom(query);
    auto r =
        tx.query((std::string("SELECT ") + kMessageColumns +
                  " FROM messages WHERE thread_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?")
                     .c_str(),
                 {sqlText(threadId), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    return messagePage(tx, readMessages(r), page.limit);
}

json::object MessageService::post(store::Transaction& tx, const Actor& a, const Conversation& c,
                                  const std::string& text)
{
    const std::string id = newId("msg_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO messages(id, thread_id, kind, ref_id, author_id, recipient_id, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {sqlText(id), sqlText(c.threadId), sqlText(c.kind), sqlText(c.refId), sqlText(a.profileId),
             sqlText(c.otherId), sqlText(text), sqlText(now)});

    // Both parties are in the thread from its first message; every member's entry
    // moves to this message. Rows are inserted in profile order so that two first
    // messages racing on PostgreSQL take their locks in the same order.
    const std::string key = activityKey(id);
    std::vector<std::pair<std::string, std::string>> members = {
        {a.profileId, c.kind == "direct" ? c.otherId : c.refId},
        {c.otherId, c.kind == "direct" ? a.profileId : c.refId},
    };
    std::sort(members.begin(), members.end());
    for (const auto& [profile, ref] : members)
        tx.exec("INSERT INTO thread_members(profile_id, thread_id, kind, ref_id, last_message_id, "
                "activity_key, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, thread_id) DO NOTHING",
                {sqlText(profile), sqlText(c.threadId), sqlText(c.kind), sqlText(ref), sqlText(id),
                 sqlText(key), sqlText(now)});
    tx.exec("UPDATE thread_members SET last_message_id = ?, activity_key = ? WHERE thread_id = ? AND "
            "activity_key < ?",
            {sqlText(id), sqlText(key), sqlText(c.threadId), sqlText(key)});

    Summaries people(tx);
    const auto& author = people.get(a.profileId);
    std::string handle;
    if (const auto* h = author.if_contains("handle"); h && h->is_string())
        handle = std::string(h->as_string());
    Notifier::notify(tx, m_p.clock, c.otherId, "message.received", c.entityType, c.entityId,
                     "@" + handle + " " + c.notice);

    json::object out;
    out["message"] =
        messageJson(people, {id, c.threadId, c.kind, c.refId, a.profileId, c.otherId, text, now});
    return out;
}

json::object MessageService::listBidMessages(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                             const json::object& query)
{
    std::string title;
    bidParties(tx, a, bidId, title);
    requireScope(a, "messages:read");
    return threadMessages(tx, bidThreadId(bidId), query);
}

json::object MessageService::postBidMessage(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                            const json::object& body)
{
    std::string title;
    const auto [bidder, owner] = bidParties(tx, a, bidId, title);
    requireScope(a, "messages:write");
    const std::string text = readBody(body);
    Conversation c;
    c.threadId = bidThreadId(bidId);
    c.kind = "bid";
    c.refId = bidId;
    c.otherId = a.profileId == bidder ? owner : bidder;
    c.entityType = "bid";
    c.entityId = bidId;
    c.notice = "sent a message about the bid on " + title;
    return post(tx, a, c, text);
}

json::object MessageService::listContractMessages(store::Transaction& tx, const Actor& a,
                                                  const std::string& contractId, const json::object& query)
{
    std::string title;
    contractParties(tx, a, contractId, title);
    requireScope(a, "messages:read");
    return threadMessages(tx, contractThreadId(contractId), query);
}

json::object MessageService::postContractMessage(store::Transaction& tx, const Actor& a,
                                                 const std::string& contractId, const json::object& body)
{
    std::string title;
    const auto [buyer, seller] = contractParties(tx, a, contractId, title);
    requireScope(a, "messages:write");
    const std::string text = readBody(body);
    Conversation c;
    c.threadId = contractThreadId(contractId);
    c.kind = "contract";
    c.refId = contractId;
    c.otherId = a.profileId == buyer ? seller : buyer;
    c.entityType = "contract";
    c.entityId = contractId;
    c.notice =
        title.empty() ? "sent a message on your contract" : "sent a message on the contract for " + title;
    return post(tx, a, c, text);
}

json::object MessageService::listDirect(store::Transaction& tx, const Actor& a, const json::object& query)
{
    const std::string with = trimmed(queryText(query, "with"));
    if (!with.empty() && !profileExists(tx, with))
        throw DomainError::notFound("Profile");
    requireScope(a, "messages:read");
    if (!with.empty())
        return threadMessages(tx, directThreadId(a.profileId, with), query);
    // Sent and received each come off their own index, newest first; the merge keeps the newest.
    const auto page = pageFrom(query);
    const std::string cols = kMessageColumns;
    const std::string sql = "SELECT " + cols + " FROM (SELECT " + cols +
                            " FROM messages WHERE author_id = ? AND kind = 'direct' AND (? = '' OR id < ?) "
                            "ORDER BY id DESC LIMIT ?) sent"
                            " UNION ALL SELECT " +
                            cols + " FROM (SELECT " + cols +
                            " FROM messages WHERE recipient_id = ? AND kind = 'direct' AND (? = '' OR id < "
                            "?) ORDER BY id DESC LIMIT ?) got"
                            " ORDER BY id DESC LIMIT ?";
    const auto me = sqlText(a.profileId);
    const auto cur = sqlText(page.cursor);
    const auto n = sqlInt(page.limit + 1);
    auto r = tx.query(sql.c_str(), {me, cur, cur, n, me, cur, cur, n, n});
    return messagePage(tx, readMessages(r), page.limit);
}

json::object MessageService::sendDirect(store::Transaction& tx, const Actor& a, const json::object& body)
{
    const std::string to = bodyText(body, "toProfileId");
    if (!to.empty() && !profileExists(tx, to))
        throw DomainError::notFound("Profile");
    requireScope(a, "messages:write");
    Input in(body);
    in.str("toProfileId", 1, 200);
    const std::string text = in.str("body", 1, kMaxBody);
    if (in.ok() && to == a.profileId)
        in.fail("toProfileId", "must be another profile (no messages to yourself)");
    in.finish();
    Conversation c;
    c.threadId = directThreadId(a.profileId, to);
    c.kind = "direct";
    c.refId = c.threadId.substr(7); // the sorted profile pair
    c.otherId = to;
    c.entityType = "profile";
    c.entityId = a.profileId; // GET /api/agent/messages?with=<sender>
    c.notice = "sent you a direct message";
    return post(tx, a, c, text);
}

json::object MessageService::listThreads(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "messages:read");
    const auto page = pageFrom(query);
    if (!page.cursor.empty() && !isActivityKey(page.cursor))
        throw DomainError::invalid("cursor", "is not a cursor this server issued");
    auto r = tx.query(
        (std::string(kMembershipSelect) +
         " WHERE m.profile_id = ? AND (? = '' OR m.activity_key < ?) ORDER BY m.activity_key DESC LIMIT ?")
            .c_str(),
        {sqlText(a.profileId), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    auto rows = readMemberships(r);
    const bool more = rows.size() > static_cast<std::size_t>(page.limit);
    if (more)
        rows.resize(static_cast<std::size_t>(page.limit));
    Summaries people(tx);
    json::array items;
    for (const auto& m : rows)
        if (auto t = threadJson(tx, a, m, people))
            items.push_back(std::move(*t));
    json::object out;
    out["threads"] = std::move(items);
    out["nextCursor"] = more ? json::value(rows.back().activityKey) : json::value(nullptr);
    return out;
}

json::object MessageService::markThreadRead(store::Transaction& tx, const Actor& a, const json::object& body)
{
    const std::string threadId = bodyText(body, "threadId");
    std::optional<Membership> m;
    if (!threadId.empty()) {
        m = loadMembership(tx, a.profileId, threadId);
        if (m && m->kind == "task") {
            const auto t = TaskRecord::load(tx, m->refId);
            if (!t || !t->visibleTo(tx, &a))
                m.reset();
        }
        if (!m)
            throw DomainError::notFound("Thread");
    }
    requireScope(a, "messages:write");
    Input in(body);
    in.str("threadId", 1, 200);
    in.finish();
    if (!m) // a valid threadId was looked up above; this is unreachable but keeps the 404 exact
        throw DomainError::notFound("Thread");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO thread_reads(profile_id, thread_id, last_read_id, read_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (profile_id, thread_id) DO UPDATE SET last_read_id = excluded.last_read_id,"
            " read_at = excluded.read_at WHERE thread_reads.last_read_id < excluded.last_read_id",
            {sqlText(a.profileId), sqlText(m->threadId), sqlText(m->lastMessageId), sqlText(now)});
    m->lastReadId = m->lastMessageId;
    Summaries people(tx);
    json::object out;
    out["thread"] = *threadJson(tx, a, *m, people);
    return out;
}

} // namespace taskdesk::domain
