// Schema for files (migration version 3).
#include "Migrations.h"

namespace taskdesk::store {

namespace {

// One row per upload: who sent it, under which name and type. The bytes live
// once per content on disk (<dataDir>/files/ab/cd/<sha256>), so two uploads of
// the same content share a blob but keep their own names and owners.
std::vector<std::string> v3(Backend)
{
    return {
        R"(CREATE TABLE files (
            id TEXT PRIMARY KEY,
            uploader_id TEXT NOT NULL REFERENCES profiles(id),
            name TEXT NOT NULL,
            mime_type TEXT NOT NULL,
            size BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL))",
        "CREATE INDEX files_uploader ON files(uploader_id, id)",
        "CREATE INDEX files_sha256 ON files(sha256)",
        // Download access looks for the uploader's submissions that attach the file.
        "CREATE INDEX submissions_submitter ON submissions(submitter_id)",
    };
}

} // namespace

std::vector<Migration> Migrations::files()
{
    return {{3, "files", &v3}};
}

} // namespace taskdesk::store
