// Routes for file upload and download.
#include "Actor.h"
#include "ApiServer.h"
#include "Database.h"
#include "DomainError.h"
#include "FileService.h"
#include "Platform.h"

#include <QLoggingCategory>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

Q_LOGGING_CATEGORY(lcFileRoutes, "taskdesk.server.files.http", QtInfoMsg)

namespace taskdesk::http {

namespace json = boost::json;
using Tx = store::Transaction;

namespace {

// RFC 6266: a quoted ASCII fallback (quotes, backslashes and anything not
// printable ASCII replaced) plus the exact UTF-8 name in RFC 8187 encoding.
std::string contentDisposition(const std::string& name)
{
    std::string fallback;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if (c >= 0x80) {
            if ((c & 0xC0) != 0x80) // one '_' per code point
                fallback += '_';
        } else if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '%') {
            fallback += '_';
        } else {
            fallback += static_cast<char>(c);
        }
    }
    static const char* hex = "0123456789ABCDEF";
    std::string encoded;
    for (unsigned char c : name) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            std::strchr("!#$&+-.^_`|~", c) != nullptr) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

bool readWhole(const std::string& path, std::int64_t expected, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    out.resize(static_cast<std::size_t>(expected));
    in.read(out.data(), expected);
    if (in.gcount() != expected)
        return false;
    char extra;
    return !in.read(&extra, 1); // longer than recorded: not the blob we stored
}

} // namespace

void ApiServer::registerFileRoutes()
{
    auto files = std::make_shared<domain::FileService>(m_p);

    {
        Route r;
        r.method = "POST";
        r.pattern = "/api/agent/files";
        r.rawBody = true;
        r.auth = AuthMode::Required;
        r.write = true;
        r.status = 201;
        r.scope = "submissions:write";
        r.summary = "Upload a file (raw body up to 50 MiB; Content-Type and X-File-Name headers) for a "
                    "delivery package";
        // The bytes go to disk (temporary file, fsync) before the transaction,
        // so the database write lock is never held during the disk write.
        r.prepare = [files](RouteContext& ctx) { ctx.prepared = files->stage(ctx.request.body); };
        r.handler = [files](RouteContext& c, Tx& tx) -> json::value {
            auto* staged = static_cast<domain::FileService::Staged*>(c.prepared.get());
            return files->upload(tx, c.requireActor(), staged, c.request.header("x-file-name"),
                                 c.request.header("content-type"));
        };
        m_router.add(std::move(r));
    }
    {
        Route r;
        r.method = "GET";
        r.pattern = "/api/agent/files/:id";
        r.auth = AuthMode::Required;
        r.scope = "submissions:read";
        r.summary = "Download a file (uploader, and the parties of a contract whose submission attaches it)";
        r.handler = [files](RouteContext& c, Tx& tx) -> json::value {
            auto f = std::make_shared<domain::FileService::Stored>(
                files->find(tx, c.requireActor(), c.param("id")));
            // The bytes are read after the transaction ends, when the transport
            // asks for the answer.
            c.deferred = [f](Response::Completion done) {
                Response res;
                if (!readWhole(f->path, f->size, res.body)) {
                    qCCritical(lcFileRoutes) << "stored blob missing or damaged:" << f->path.c_str();
                    done(Response::error(500, "INTERNAL_ERROR", "The stored file cannot be read", true));
                    return;
                }
                res.status = 200;
                res.contentType = f->mimeType;
                res.headers.emplace_back("Content-Disposition", contentDisposition(f->name));
                res.headers.emplace_back("X-Content-Type-Options", "nosniff");
                res.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
                res.headers.emplace_back("Cache-Control", "private, no-store");
                res.headers.emplace_back("ETag", "\"" + f->sha256 + "\"");
                res.headers.emplace_back("X-File-Sha256", f->sha256);
                done(std::move(res));
            };
            return nullptr;
        };
        m_router.add(std::move(r));
    }
    {
        Route r;
        r.method = "GET";
        r.pattern = "/api/agent/files/:id/meta";
        r.auth = AuthMode::Required;
        r.scope = "submissions:read";
        r.summary = "A file's metadata: name, type, size, SHA-256 (same access as the download)";
        r.handler = [files](RouteContext& c, Tx& tx) -> json::value {
            auto f = files->find(tx, c.requireActor(), c.param("id"));
            json::object out;
            out["file"] = std::move(f.meta);
            return out;
        };
        m_router.add(std::move(r));
    }
}

} // namespace taskdesk::http
