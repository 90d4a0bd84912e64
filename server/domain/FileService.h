#pragma once

#include "Actor.h"
#include "Database.h"
#include "Platform.h"

#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace taskdesk::domain {

// Uploaded files (delivery-package attachments). The bytes are stored
// content-addressed under <dataDir>/files/ab/cd/<sha256>, written to a
// temporary file, fsync'd and renamed into place, so a reader never sees a
// partial blob and the same content is stored once. Each upload is its own row
// (uploader, name, type). A file is visible to its uploader and to both
// parties of any contract (or the owner of the open task) having a submission,
// made by the uploader, whose attachments name the file; to everyone else it
// does not exist.
class FileService
{
public:
    static constexpr std::int64_t MaxBytes = std::int64_t(50) << 20;

    explicit FileService(Platform& platform);

    // The body on disk in a temporary file (with its digest), before any
    // transaction. The file is removed when the object dies unless an upload
    // moved it into the store.
    class Staged
    {
    public:
        Staged(std::string tempPath, std::string sha256, std::int64_t size);
        ~Staged();
        Staged(const Staged&) = delete;
        Staged& operator=(const Staged&) = delete;
        const std::string& sha256() const { return m_sha256; }
        std::int64_t size() const { return m_size; }

    private:
        friend class FileService;
        std::string m_tempPath;
        std::string m_sha256;
        std::int64_t m_size;
        bool m_moved = false;
    };

    // Writes body to a temporary file and fsyncs it. Null for an empty body
    // (reported by upload(), after authentication). Runs outside the database.
    std::shared_ptr<Staged> stage(const std::string& body) const;

    // Records an upload by the actor: checks the scope, the name (X-File-Name)
    // and the type (Content-Type), moves the staged blob into the store and
    // inserts the row. Returns {file: {...}, fileId, size, sha256}.
    boost::json::object upload(store::Transaction& tx, const Actor& a, Staged* staged,
                               const std::optional<std::string>& nameHeader,
                               const std::optional<std::string>& contentType);

    struct Stored
    {
        boost::json::object meta; // {fileId, name, mimeType, size, sha256, createdAt}
        std::string name;
        std::string mimeType;
        std::string sha256;
        std::int64_t size = 0;
        std::string path; // the blob on disk
    };
    // The file if the actor may see it (404 otherwise; 403 without submissions:read).
    Stored find(store::Transaction& tx, const Actor& a, const std::string& id) const;

    // <dataDir>/files/ab/cd/<sha256>
    std::string blobPath(const std::string& sha256) const;

    // The name rules, exposed for tests of the sanitiser: the last path
    // component of the (percent-decoded) header, control and reserved
    // characters replaced, trimmed; empty when nothing usable remains.
    static std::string sanitizeName(const std::string& header, std::string& reason);
    static bool validMimeType(const std::string& type);

private:
    void commitBlob(Staged& staged) const;
    std::string m_root; // <dataDir>/files
    Platform& m_p;
};

} // namespace taskdesk::domain
