#include "FileService.h"

#include "Access.h"
#include "Digest.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Random.h"

#include <QLoggingCategory>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

Q_LOGGING_CATEGORY(lcFiles, "taskdesk.server.files", QtInfoMsg)

namespace taskdesk::domain {

namespace fs = std::filesystem;
namespace json = boost::json;
using store::sqlInt;
using store::sqlText;

namespace {

std::runtime_error ioError(const std::string& what, const std::string& path)
{
    return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

void fsyncPath(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY);
    if (fd < 0)
        return; // best effort: the data itself was synced before the rename
    ::fsync(fd);
    ::close(fd);
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decodes when every '%' starts a valid escape (so "100% done.txt"
// stays as sent); clients use it to send names that are not ASCII.
std::string percentDecode(const std::string& s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size() || hexValue(s[i + 1]) < 0 || hexValue(s[i + 2]) < 0)
            return s;
        out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
        i += 2;
    }
    return out;
}

// Splits UTF-8 into code points; false when the text is not valid UTF-8.
bool decodeUtf8(const std::string& s, std::vector<char32_t>& out)
{
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int n;
        char32_t cp;
        if (c < 0x80) {
            n = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            n = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + static_cast<std::size_t>(n) > s.size())
            return false;
        for (int k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const char32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < minimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        out.push_back(cp);
        i += static_cast<std::size_t>(n);
    }
    return true;
}

void encodeUtf8(char32_t cp, std::string& out)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr("!#$&-^_.+", c) != nullptr;
}

json::object metaJson(const std::string& id, const std::string& name, const std::string& mime,
                      std::int64_t size, const std::string& sha, const std::string& createdAt)
{
    json::object o;
    o["fileId"] = id;
    o["name"] = name;
    o["mimeType"] = mime;
    o["size"] = size;
    o["sha256"] = sha;
    o["createdAt"] = createdAt;
    return o;
}

} // namespace

FileService::Staged::Staged(std::string tempPath, std::string sha256, std::int64_t size)
    : m_tempPath(std::move(tempPath)), m_sha256(std::move(sha256)), m_size(size)
{}

FileService::Staged::~Staged()
{
    if (!m_moved)
        ::unlink(m_tempPath.c_str());
}

FileService::FileService(Platform& platform) : m_root(platform.settings.dataDir + "/files"), m_p(platform)
{
    if (platform.settings.dataDir.empty())
        m_root = "taskdesk-data/files";
    std::error_code ec;
    fs::create_directories(m_root + "/tmp", ec);
    if (ec)
        qCWarning(lcFiles) << "cannot create" << (m_root + "/tmp").c_str() << ec.message().c_str();
    // Temporary files of uploads a crash interrupted. An hour is far longer
    // than any upload takes, so other processes sharing the folder lose nothing.
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
    for (fs::directory_iterator it(m_root + "/tmp", ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code ec2;
        if (it->is_regular_file(ec2) && it->last_write_time(ec2) < cutoff)
            fs::remove(it->path(), ec2);
    }
}

std::string FileService::blobPath(const std::string& sha256) const
{
    return m_root + "/" + sha256.substr(0, 2) + "/" + sha256.substr(2, 2) + "/" + sha256;
}

std::shared_ptr<FileService::Staged> FileService::stage(const std::string& body) const
{
    if (body.empty())
        return nullptr;
    if (static_cast<std::int64_t>(body.size()) > MaxBytes)
        throw DomainError(ErrorKind::TooLarge, "TOO_LARGE", "A file may be at most 50 MiB");
    const std::string sha = crypto::Digest::sha256Hex(body);
    std::error_code ec;
    fs::create_directories(m_root + "/tmp", ec);
    const std::string temp = m_root + "/tmp/" + crypto::Random::hex(16) + ".part";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        throw ioError("cannot create", temp);
    auto staged = std::make_shared<Staged>(temp, sha, static_cast<std::int64_t>(body.size()));
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::write(fd, body.data() + done, body.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const auto err = ioError("cannot write", temp);
            ::close(fd);
            throw err;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const auto err = ioError("cannot sync", temp);
        ::close(fd);
        throw err;
    }
    if (::close(fd) != 0)
        throw ioError("cannot close", temp);
    return staged;
}

void FileService::commitBlob(Staged& staged) const
{
    const std::string finalPath = blobPath(staged.m_sha256);
    struct stat st
    {
    };
    if (::stat(finalPath.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == staged.m_size) {
        // Already stored (the same content uploaded before, or an earlier attempt of this one).
        if (!staged.m_moved)
            ::unlink(staged.m_tempPath.c_str());
        staged.m_moved = true;
        return;
    }
    if (staged.m_moved)
        throw std::runtime_error("stored blob " + finalPath + " vanished");
    const std::string dir2 = m_root + "/" + staged.m_sha256.substr(0, 2);
    const std::string dir4 = dir2 + "/" + staged.m_sha256.substr(2, 2);
    std::error_code ec;
    const bool created = fs::create_directories(dir4, ec);
    if (ec)
        throw std::runtime_error("cannot create " + dir4 + ": " + ec.message());
    // rename() replaces atomically: a concurrent twin or a damaged blob of
    // the wrong size is swapped for complete, synced content.
    if (::rename(staged.m_tempPath.c_str(), finalPath.c_str()) != 0)
        throw ioError("cannot move blob to", finalPath);
    staged.m_moved = true;
    fsyncPath(dir4);
    if (created) {
        fsyncPath(dir2);
        fsyncPath(m_root);
    }
}

std::string FileService::sanitizeName(const std::string& header, std::string& reason)
{
    const std::string decoded = percentDecode(header);
    std::vector<char32_t> cps;
    if (!decodeUtf8(decoded, cps)) {
        reason = "must be UTF-8 (percent-encode names that are not ASCII)";
        return {};
    }
    // Only the last path component: a name never names a folder.
    std::size_t start = 0;
    for (std::size_t i = 0; i < cps.size(); ++i)
        if (cps[i] == U'/' || cps[i] == U'\\')
            start = i + 1;
    std::vector<char32_t> name(cps.begin() + static_cast<std::ptrdiff_t>(start), cps.end());
    for (auto& c : name) {
        const bool control = c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029;
        const bool bidi =
            (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
        if (control || bidi || c == U'<' || c == U'>' || c == U':' || c == U'"' || c == U'|' || c == U'?' ||
            c == U'*')
            c = U'_';
    }
    auto isSpace = [](char32_t c) { return c == U' ' || c == 0xA0 || c == 0x3000; };
    while (!name.empty() && isSpace(name.front()))
        name.erase(name.begin());
    while (!name.empty() && (isSpace(name.back()) || name.back() == U'.'))
        name.pop_back(); // trailing dots and spaces vanish on some systems; "." and ".." become empty
    if (name.empty()) {
        reason = "must name a file";
        return {};
    }
    if (name.size() > 255) {
        reason = "must be at most 255 characters";
        return {};
    }
    std::string out;
    for (char32_t c : name)
        encodeUtf8(c, out);
    return out;
}

bool FileService::validMimeType(const std::string& type)
{
    // type "/" subtype, then optional ";" parameters of token=token or quoted text.
    if (type.empty() || type.size() > 255)
        return false;
    std::size_t i = 0;
    auto token = [&] {
        const std::size_t s = i;
        while (i < type.size() && isTokenChar(type[i]))
            ++i;
        return i > s;
    };
    if (!token() || i >= type.size() || type[i] != '/')
        return false;
    ++i;
    if (!token())
        return false;
    while (i < type.size()) {
        while (i < type.size() && type[i] == ' ')
            ++i;
        if (i >= type.size() || type[i] != ';')
            return false;
        ++i;
        while (i < type.size() && type[i] == ' ')
            ++i;
        if (!token() || i >= type.size() || type[i] != '=')
            return false;
        ++i;
        if (i < type.size() && type[i] == '"') {
            ++i;
            while (i < type.size() && type[i] != '"') {
                const auto c = static_cast<unsigned char>(type[i]);
                if (c < 0x20 || c == 0x7f || c == '\\')
                    return false;
                ++i;
            }
            if (i >= type.size())
                return false;
            ++i;
        } else if (!token()) {
            return false;
        }
    }
    return true;
}

json::object FileService::upload(store::Transaction& tx, const Actor& a, Staged* staged,
                                 const std::optional<std::string>& nameHeader,
                                 const std::optional<std::string>& contentType)
{
    requireScope(a, "submissions:write");
    std::map<std::string, std::string> fields;
    std::string name;
    if (!nameHeader || nameHeader->empty()) {
        fields["X-File-Name"] = "is required (the file's name, percent-encoded UTF-8)";
    } else {
        std::string reason;
        name = sanitizeName(*nameHeader, reason);
        if (name.empty())
            fields["X-File-Name"] = reason;
    }
    std::string mime = "application/octet-stream";
    if (contentType && !contentType->empty()) {
        std::string t = *contentType;
        while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
            t.pop_back();
        // Type and subtype are case-insensitive; parameters keep their case.
        for (std::size_t i = 0; i < t.size() && t[i] != ';'; ++i)
            if (t[i] >= 'A' && t[i] <= 'Z')
                t[i] = static_cast<char>(t[i] - 'A' + 'a');
        if (validMimeType(t))
            mime = t;
        else
            fields["Content-Type"] = "must be a media type such as application/pdf";
    }
    if (!staged)
        fields["body"] = "must not be empty: send the file's bytes as the request body";
    if (!fields.empty()) {
        std::string msg = "Invalid upload";
        for (const auto& [k, v] : fields)
            msg += "; " + k + ": " + v;
        throw DomainError(ErrorKind::Validation, "VALIDATION", msg, fields);
    }

    commitBlob(*staged);
    const std::string id = newId("fil_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO files(id, uploader_id, name, mime_type, size, sha256, created_at) VALUES "
            "(?,?,?,?,?,?,?)",
            {sqlText(id), sqlText(a.profileId), sqlText(name), sqlText(mime), sqlInt(staged->size()),
             sqlText(staged->sha256()), sqlText(now)});
    json::object out;
    out["file"] = metaJson(id, name, mime, staged->size(), staged->sha256(), now);
    out["fileId"] = id;
    out["size"] = staged->size();
    out["sha256"] = staged->sha256();
    return out;
}

FileService::Stored FileService::find(store::Transaction& tx, const Actor& a, const std::string& id) const
{
    if (!looksLikeId(id, "fil_"))
        throw DomainError::notFound("File");
    Stored f;
    std::string uploader, createdAt;
    {
        auto r =
            tx.query("SELECT uploader_id, name, mime_type, size, sha256, created_at FROM files WHERE id = ?",
                     {sqlText(id)});
        if (!r.next())
            throw DomainError::notFound("File");
        uploader = r.str(0);
        f.name = r.str(1);
        f.mimeType = r.str(2);
        f.size = r.i64(3);
        f.sha256 = r.str(4);
        createdAt = r.str(5);
    }
    bool visible = uploader == a.profileId;
    if (!visible) {
        // Only submissions by the uploader count: naming someone else's file in
        // one's own delivery must not open it to anyone.
        struct Candidate
        {
            std::string attachments;
            std::optional<std::string> contractId, buyer, seller, taskOwner;
        };
        std::vector<Candidate> candidates;
        {
            auto r = tx.query("SELECT s.attachments, s.contract_id, c.buyer_id, c.seller_id, t.owner_id"
                              " FROM submissions s LEFT JOIN contracts c ON c.id = s.contract_id"
                              " LEFT JOIN tasks t ON t.id = s.task_id"
                              " WHERE s.submitter_id = ? AND s.attachments LIKE ?",
                              {sqlText(uploader), sqlText("%" + id + "%")});
            while (r.next())
                candidates.push_back({r.str(0), r.optStr(1), r.optStr(2), r.optStr(3), r.optStr(4)});
        }
        for (const auto& c : candidates) {
            const bool party = c.contractId ? (c.buyer == a.profileId || c.seller == a.profileId)
                                            : c.taskOwner == a.profileId;
            if (!party)
                continue;
            const auto att = parseStoredJson(c.attachments);
            if (!att.is_array())
                continue;
            for (const auto& e : att.as_array()) {
                if (!e.is_object())
                    continue;
                const auto* fid = e.as_object().if_contains("fileId");
                if (fid && fid->is_string() && fid->as_string() == id) {
                    visible = true;
                    break;
                }
            }
            if (visible)
                break;
        }
    }
    if (!visible)
        throw DomainError::notFound("File");
    requireScope(a, "submissions:read");
    f.meta = metaJson(id, f.name, f.mimeType, f.size, f.sha256, createdAt);
    f.path = blobPath(f.sha256);
    return f;
}

} // namespace taskdesk::domain
