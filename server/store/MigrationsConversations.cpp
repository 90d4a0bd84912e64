// Schema for conversations (migration version 2): bid, contract and direct
// messages, the per-profile thread index the inbox pages over, and read marks.
#include "Migrations.h"

namespace taskdesk::store {

namespace {

// The body of an id (its last 28 characters: creation time in milliseconds, then
// randomness) sorts by creation whatever the prefix, so comments ("cmt_") and
// messages ("msg_") share one activity order. substr(x, n) means the same on
// SQLite and PostgreSQL.
#define TD_ACTIVITY_KEY(col) "substr(" col ", length(" col ") - 27)"

std::vector<std::string> v2(Backend backend)
{
    std::vector<std::string> s = {
        // Bid, contract and direct messages. thread_id is the stable thread id
        // ("thr_bid_<bid>", "thr_contract_<contract>", "thr_dm_<profile>_<profile>");
        // ref_id the bid or contract (the sorted profile pair for direct messages).
        R"(CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            thread_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            author_id TEXT NOT NULL REFERENCES profiles(id),
            recipient_id TEXT NOT NULL REFERENCES profiles(id),
            body TEXT NOT NULL,
            created_at TEXT NOT NULL))",
        "CREATE INDEX messages_thread ON messages(thread_id, id)",
        // A profile's direct messages, sent and received, newest first.
        "CREATE INDEX messages_author ON messages(author_id, kind, id)",
        "CREATE INDEX messages_recipient ON messages(recipient_id, kind, id)",
        // One row per thread a profile is in (a thread exists once it has a message),
        // carrying the thread's latest message so the inbox is one index range.
        // kind: task | bid | contract | direct; ref_id: the task, bid or contract,
        // or the other profile of a direct conversation.
        R"(CREATE TABLE thread_members (
            profile_id TEXT NOT NULL REFERENCES profiles(id),
            thread_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            last_message_id TEXT NOT NULL,
            activity_key TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (profile_id, thread_id)))",
        "CREATE INDEX thread_members_activity ON thread_members(profile_id, activity_key)",
        "CREATE INDEX thread_members_thread ON thread_members(thread_id)",
        // Read marks: the last message a profile has read in a thread.
        R"(CREATE TABLE thread_reads (
            profile_id TEXT NOT NULL REFERENCES profiles(id),
            thread_id TEXT NOT NULL,
            last_read_id TEXT NOT NULL,
            read_at TEXT NOT NULL,
            PRIMARY KEY (profile_id, thread_id)))",
        // Task comment threads that already have comments: their owners and commenters.
        "INSERT INTO thread_members(profile_id, thread_id, kind, ref_id, last_message_id, activity_key, "
        "created_at)"
        " SELECT x.profile_id, 'thr_task_' || x.task_id, 'task', x.task_id, l.last_id, " TD_ACTIVITY_KEY(
            "l.last_id") ", l.first_at"
                         " FROM (SELECT author_id AS profile_id, task_id FROM comments"
                         "       UNION SELECT t.owner_id, t.id FROM tasks t WHERE t.id IN (SELECT task_id "
                         "FROM comments)) x"
                         " JOIN (SELECT task_id, MAX(id) AS last_id, MIN(created_at) AS first_at FROM "
                         "comments GROUP BY task_id) l"
                         " ON l.task_id = x.task_id",
    };
    // Comments are written by the task service; a trigger keeps their threads in
    // the index (the commenter and the task's owner join; every member's latest
    // message moves on), in the same transaction as the comment.
    if (backend == Backend::Postgres) {
        s.push_back(R"(CREATE FUNCTION taskdesk_comment_thread() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tid TEXT := 'thr_task_' || NEW.task_id;
    akey TEXT := )" TD_ACTIVITY_KEY("NEW.id") R"(;
BEGIN
    INSERT INTO thread_members(profile_id, thread_id, kind, ref_id, last_message_id, activity_key, created_at)
        SELECT p, tid, 'task', NEW.task_id, NEW.id, akey, NEW.created_at
        FROM (SELECT NEW.author_id AS p UNION SELECT owner_id FROM tasks WHERE id = NEW.task_id) who
        ORDER BY p
        ON CONFLICT (profile_id, thread_id) DO NOTHING;
    UPDATE thread_members SET last_message_id = NEW.id, activity_key = akey
        WHERE thread_id = tid AND activity_key < akey;
    RETURN NULL;
END
$$)");
        s.push_back("CREATE TRIGGER comments_thread AFTER INSERT ON comments"
                    " FOR EACH ROW EXECUTE FUNCTION taskdesk_comment_thread()");
    } else {
        s.push_back(R"(CREATE TRIGGER comments_thread AFTER INSERT ON comments
BEGIN
    INSERT OR IGNORE INTO thread_members(profile_id, thread_id, kind, ref_id, last_message_id, activity_key, created_at)
        SELECT p, 'thr_task_' || NEW.task_id, 'task', NEW.task_id, NEW.id, )" TD_ACTIVITY_KEY(
            "NEW.id") R"(, NEW.created_at
        FROM (SELECT NEW.author_id AS p UNION SELECT owner_id FROM tasks WHERE id = NEW.task_id);
    UPDATE thread_members SET last_message_id = NEW.id, activity_key = )" TD_ACTIVITY_KEY("NEW.id") R"(
        WHERE thread_id = 'thr_task_' || NEW.task_id AND activity_key < )" TD_ACTIVITY_KEY("NEW.id") R"(;
END)");
    }
    return s;
}

#undef TD_ACTIVITY_KEY

} // namespace

std::vector<Migration> Migrations::conversations()
{
    return {{2, "conversations", &v2}};
}

} // namespace taskdesk::store
