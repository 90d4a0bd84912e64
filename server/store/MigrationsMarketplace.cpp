// Schema for the skills marketplace, hires, disputes and the support desk (migration version 9).
#include "Migrations.h"

namespace taskdesk::store {

namespace {

std::vector<std::string> v9(Backend backend)
{
    std::vector<std::string> s = {
        // A seller's offer. Prices follow the task budget rules: CREDITS in cents
        // (price_cents), any other currency as exact decimal text only. tags is the
        // normalised JSON array; skill_tags is its index for ?tag=. A retired skill
        // (active = 0) is kept: hires in progress still point at it.
        R"(CREATE TABLE skills (
            id TEXT PRIMARY KEY,
            seller_id TEXT NOT NULL REFERENCES profiles(id),
            title TEXT NOT NULL,
            description TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '[]',
            price_amount TEXT NOT NULL,
            price_cents BIGINT,
            price_currency TEXT NOT NULL,
            price_currency_custom TEXT,
            delivery_days INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            search_text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            retired_at TEXT))",
        "CREATE INDEX skills_active ON skills(active, id)",
        "CREATE INDEX skills_seller ON skills(seller_id, id)",
        R"(CREATE TABLE skill_tags (
            skill_id TEXT NOT NULL REFERENCES skills(id),
            tag TEXT NOT NULL,
            PRIMARY KEY (skill_id, tag)))",
        "CREATE INDEX skill_tags_tag ON skill_tags(tag)",
        // A buyer's request to hire a skill: pending -> accepted | declined | withdrawn.
        // The price is copied from the skill when the hire is made, so a later edit of
        // the skill does not change what was asked for. delegation_id is the buyer's
        // delegation (if it hired through a delegated credential): the escrow committed
        // at acceptance counts against that delegation's spend limit.
        R"(CREATE TABLE hires (
            id TEXT PRIMARY KEY,
            skill_id TEXT NOT NULL REFERENCES skills(id),
            buyer_id TEXT NOT NULL REFERENCES profiles(id),
            seller_id TEXT NOT NULL REFERENCES profiles(id),
            brief TEXT NOT NULL,
            price_amount TEXT NOT NULL,
            price_cents BIGINT,
            price_currency TEXT NOT NULL,
            price_text TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            contract_id TEXT,
            delegation_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            decided_at TEXT))",
        "CREATE INDEX hires_buyer ON hires(buyer_id, id)",
        "CREATE INDEX hires_seller ON hires(seller_id, id)",
        "CREATE INDEX hires_skill ON hires(skill_id, status)",
        // A hire contract has no task; it names its hire (whose escrow account it pays from).
        "ALTER TABLE contracts ADD COLUMN hire_id TEXT",
        // One dispute per contract: open -> resolved. resolution is the JSON of the
        // outcome and the figures moved, written once with the ledger transfers.
        R"(CREATE TABLE disputes (
            id TEXT PRIMARY KEY,
            contract_id TEXT NOT NULL UNIQUE REFERENCES contracts(id),
            opened_by TEXT NOT NULL REFERENCES profiles(id),
            reason TEXT NOT NULL,
            evidence TEXT,
            status TEXT NOT NULL,
            assignee_id TEXT REFERENCES profiles(id),
            outcome TEXT,
            resolution TEXT,
            resolved_by TEXT REFERENCES profiles(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            resolved_at TEXT))",
        "CREATE INDEX disputes_status ON disputes(status, id)",
        "CREATE INDEX disputes_opener ON disputes(opened_by, id)",
        // Support's case notes (kind 'note': staff only, never shown to the parties) and
        // support's messages to both parties (kind 'message').
        R"(CREATE TABLE dispute_entries (
            id TEXT PRIMARY KEY,
            dispute_id TEXT NOT NULL REFERENCES disputes(id),
            author_id TEXT NOT NULL REFERENCES profiles(id),
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL))",
        "CREATE INDEX dispute_entries_dispute ON dispute_entries(dispute_id, kind, id)",
    };
    // Submissions on a hire contract have no task: task_id becomes nullable. SQLite
    // cannot drop a NOT NULL constraint in place, so the table is rebuilt (nothing
    // references submissions, and its indexes are made again under their old names).
    if (backend == Backend::Postgres) {
        s.push_back("ALTER TABLE submissions ALTER COLUMN task_id DROP NOT NULL");
    } else {
        s.push_back(R"(CREATE TABLE submissions_v9 (
            id TEXT PRIMARY KEY,
            task_id TEXT REFERENCES tasks(id),
            contract_id TEXT REFERENCES contracts(id),
            submitter_id TEXT NOT NULL REFERENCES profiles(id),
            deliverable_url TEXT,
            summary_text TEXT,
            output TEXT,
            attachments TEXT NOT NULL DEFAULT '[]',
            notes TEXT,
            status TEXT NOT NULL,
            verification_passed INTEGER,
            verification_detail TEXT,
            decision_reason TEXT,
            rating INTEGER,
            review_due_at TEXT,
            created_at TEXT NOT NULL,
            decided_at TEXT))");
        const char* cols = "id, task_id, contract_id, submitter_id, deliverable_url, summary_text, output, "
                           "attachments, notes, status, verification_passed, verification_detail, "
                           "decision_reason, rating, review_due_at, created_at, decided_at";
        s.push_back(std::string("INSERT INTO submissions_v9(") + cols + ") SELECT " + cols +
                    " FROM submissions");
        s.push_back("DROP TABLE submissions");
        s.push_back("ALTER TABLE submissions_v9 RENAME TO submissions");
        s.push_back("CREATE INDEX submissions_task ON submissions(task_id, status)");
        s.push_back("CREATE INDEX submissions_contract ON submissions(contract_id)");
        s.push_back("CREATE INDEX submissions_review_due ON submissions(status, review_due_at)");
        s.push_back("CREATE INDEX submissions_submitter ON submissions(submitter_id)");
    }
    return s;
}

} // namespace

std::vector<Migration> Migrations::marketplace()
{
    return {{9, "marketplace", &v9}};
}

} // namespace taskdesk::store
