// Files: upload a delivery attachment, download it byte for byte, and who may.
// Content-addressed storage (one blob per content, no partial files), the 50 MiB
// cap at the transport, names and types as sent but made safe.
#include "TestServer.h"

#include <QCryptographicHash>
#include <QTest>
#include <filesystem>
#include <random>

using namespace taskdesk::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

std::string sha256Hex(const std::string& data)
{
    return QCryptographicHash::hash(QByteArray::fromRawData(data.data(), static_cast<qsizetype>(data.size())),
                                    QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

// Binary with plenty of NULs and every byte value, deterministic.
std::string binaryBlob(std::size_t size, unsigned seed)
{
    std::mt19937 rng(seed);
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i)
        s[i] = (i % 7 == 0) ? '\0' : static_cast<char>(rng() & 0xff);
    return s;
}

std::string str(const json::value& v)
{
    return std::string(v.as_string());
}

} // namespace

class ApiFilesTest : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<TestServer> m_srv;

    Reply upload(const std::string& token, const std::string& body, const std::string& name,
                 const std::string& type = "application/octet-stream")
    {
        std::vector<std::pair<std::string, std::string>> h;
        if (!token.empty())
            h.emplace_back("Authorization", "Bearer " + token);
        if (!type.empty())
            h.emplace_back("Content-Type", type);
        if (!name.empty())
            h.emplace_back("X-File-Name", name);
        return m_srv->client().request("POST", "/api/agent/files", body, h);
    }

    std::string uploadOk(const std::string& token, const std::string& body, const std::string& name,
                         const std::string& type = "application/octet-stream")
    {
        const auto r = upload(token, body, name, type);
        if (r.status != 201)
            qWarning("upload failed: %d %s", r.status, r.body.c_str());
        return r.status == 201 ? str(r.obj().at("fileId")) : std::string();
    }

    Reply download(const std::string& token, const std::string& id, const std::string& suffix = "")
    {
        std::vector<std::pair<std::string, std::string>> h;
        if (!token.empty())
            h.emplace_back("Authorization", "Bearer " + token);
        return m_srv->client().request("GET", "/api/agent/files/" + id + suffix, "", h);
    }

    // Every regular file under <dataDir>/files, except the temporary folder.
    std::vector<fs::path> blobs()
    {
        std::vector<fs::path> out;
        const fs::path root = fs::path(m_srv->dataDir()) / "files";
        for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
             ++it) {
            if (it->is_directory() && it->path().filename() == "tmp") {
                it.disable_recursion_pending();
                continue;
            }
            if (it->is_regular_file())
                out.push_back(it->path());
        }
        return out;
    }

    std::size_t tempFiles()
    {
        std::size_t n = 0;
        const fs::path tmp = fs::path(m_srv->dataDir()) / "files" / "tmp";
        if (fs::exists(tmp))
            for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp))
                ++n;
        return n;
    }

    // A CREDITS bid task, a bid, a hire: returns the contract id.
    std::string contractBetween(const TestServer::Member& owner, const TestServer::Member& worker)
    {
        auto c = m_srv->client();
        auto r = c.call("POST", "/api/agent/tasks", owner.token,
                        json::object{{"title", "Summarise the dataset"},
                                     {"description", "Produce a PDF report with the main figures."},
                                     {"budgetAmount", 100},
                                     {"budgetCurrency", "CREDITS"}});
        if (r.status != 201)
            return {};
        const std::string taskId = str(r.obj().at("task").at("id"));
        r = c.call(
            "POST", "/api/agent/tasks/" + taskId + "/bids", worker.token,
            json::object{{"proposedAmount", 80}, {"etaDays", 1}, {"approach", "Read, compute, write."}});
        if (r.status != 201)
            return {};
        const std::string bidId = str(r.obj().at("bid").at("id"));
        r = c.call("POST", "/api/agent/contracts", owner.token,
                   json::object{{"taskId", taskId}, {"bidId", bidId}});
        return r.status == 201 ? str(r.obj().at("contract").at("id")) : std::string();
    }

private slots:
    void init()
    {
        m_srv = std::make_unique<TestServer>();
        m_srv->start();
    }
    void cleanup()
    {
        const auto l = m_srv->ledger();
        QVERIFY2(l.balanced, "ledger must sum to zero with no negative account but the mint");
        QCOMPARE(l.sum, 0LL);
        m_srv.reset();
    }

    void roundTripBinary()
    {
        const auto me = m_srv->registerMember("uploader_a");
        const std::string data = binaryBlob(5 * 1024 * 1024 + 123, 7);
        QVERIFY(data.find('\0') != std::string::npos);
        const auto r =
            upload(me.token, data, "reports/2024/data\"set.bin", "Application/X-Test; charset=binary");
        QCOMPARE(r.status, 201);
        const auto o = r.obj();
        const auto& file = o.at("file").as_object();
        const std::string id = str(file.at("fileId"));
        QVERIFY(id.rfind("fil_", 0) == 0);
        QCOMPARE(str(o.at("fileId")), id);
        QCOMPARE(o.at("size").as_int64(), static_cast<std::int64_t>(data.size()));
        QCOMPARE(file.at("size").as_int64(), static_cast<std::int64_t>(data.size()));
        QCOMPARE(str(file.at("sha256")), sha256Hex(data));
        QCOMPARE(str(o.at("sha256")), sha256Hex(data));
        // Folders stripped, the quote made harmless; the type's name lower-cased.
        QCOMPARE(str(file.at("name")), std::string("data_set.bin"));
        QCOMPARE(str(file.at("mimeType")), std::string("application/x-test; charset=binary"));
        QVERIFY(!str(file.at("createdAt")).empty());

        const auto d = download(me.token, id);
        QCOMPARE(d.status, 200);
        QCOMPARE(d.body.size(), data.size());
        QVERIFY(d.body == data);
        QCOMPARE(sha256Hex(d.body), sha256Hex(data));
        QCOMPARE(d.headers.at("content-type"), std::string("application/x-test; charset=binary"));
        QCOMPARE(d.headers.at("x-content-type-options"), std::string("nosniff"));
        const std::string disp = d.headers.at("content-disposition");
        QVERIFY2(disp.rfind("attachment;", 0) == 0, disp.c_str());
        QVERIFY2(disp.find("filename=\"data_set.bin\"") != std::string::npos, disp.c_str());

        const auto m = download(me.token, id, "/meta");
        QCOMPARE(m.status, 200);
        const auto meta = m.obj().at("file").as_object();
        QCOMPARE(str(meta.at("fileId")), id);
        QCOMPARE(str(meta.at("sha256")), sha256Hex(data));
        QCOMPARE(meta.at("size").as_int64(), static_cast<std::int64_t>(data.size()));
        QCOMPARE(str(meta.at("name")), std::string("data_set.bin"));

        // The blob sits at files/ab/cd/<sha256>, complete, with no temporary left over.
        const std::string sha = sha256Hex(data);
        const fs::path blob =
            fs::path(m_srv->dataDir()) / "files" / sha.substr(0, 2) / sha.substr(2, 2) / sha;
        QVERIFY(fs::exists(blob));
        QCOMPARE(static_cast<std::size_t>(fs::file_size(blob)), data.size());
        QCOMPARE(tempFiles(), std::size_t(0));
    }

    void namesAndDispositionAreSafe()
    {
        const auto me = m_srv->registerMember("uploader_b");
        // A percent-encoded UTF-8 name: exact in filename*, an ASCII fallback in filename.
        auto r = upload(me.token, "hello", "r%C3%A9sum%C3%A9 final.txt", "text/plain");
        QCOMPARE(r.status, 201);
        QCOMPARE(str(r.obj().at("file").at("name")), std::string("r\xC3\xA9sum\xC3\xA9 final.txt"));
        auto d = download(me.token, str(r.obj().at("fileId")));
        QCOMPARE(d.status, 200);
        QCOMPARE(d.body, std::string("hello"));
        const std::string disp = d.headers.at("content-disposition");
        QVERIFY2(disp.find("filename=\"r_sum_ final.txt\"") != std::string::npos, disp.c_str());
        QVERIFY2(disp.find("filename*=UTF-8''r%C3%A9sum%C3%A9%20final.txt") != std::string::npos,
                 disp.c_str());
        QCOMPARE(d.headers.at("x-content-type-options"), std::string("nosniff"));

        // Backslash paths, reserved characters, a literal percent sign.
        r = upload(me.token, "x", "C:\\Users\\me\\100% <done>.txt");
        QCOMPARE(r.status, 201);
        QCOMPARE(str(r.obj().at("file").at("name")), std::string("100% _done_.txt"));
        d = download(me.token, str(r.obj().at("fileId")));
        QVERIFY2(d.headers.at("content-disposition").find("filename=\"100_ _done_.txt\"") !=
                     std::string::npos,
                 d.headers.at("content-disposition").c_str());

        // No type given: application/octet-stream.
        r = upload(me.token, "y", "plain.bin", "");
        QCOMPARE(r.status, 201);
        QCOMPARE(str(r.obj().at("file").at("mimeType")), std::string("application/octet-stream"));

        // Names that are empty, only dots or folders, too long; bad types; no body.
        for (const std::string& bad :
             {std::string(""), std::string("../.."), std::string("dir/"), std::string("  . "),
              std::string(256, 'a'), std::string("%FF%FE.txt")}) {
            r = upload(me.token, "z", bad);
            QCOMPARE(r.status, 400);
            QCOMPARE(str(r.obj().at("code")), std::string("VALIDATION"));
            QVERIFY2(r.obj().at("fields").as_object().contains("X-File-Name"), r.body.c_str());
        }
        r = upload(me.token, "z", std::string(255, 'a'));
        QCOMPARE(r.status, 201);
        r = upload(me.token, "z", "ok.txt", "not a type");
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("Content-Type"));
        r = upload(me.token, "", "empty.txt");
        QCOMPARE(r.status, 400);
        QVERIFY(r.obj().at("fields").as_object().contains("body"));
        QCOMPARE(tempFiles(), std::size_t(0));
    }

    void authAndScopes()
    {
        const auto me = m_srv->registerMember("uploader_c");
        auto r = upload("", "data", "a.txt");
        QCOMPARE(r.status, 401);
        r = upload("td_not_a_real_token", "data", "a.txt");
        QCOMPARE(r.status, 401);
        QCOMPARE(tempFiles(), std::size_t(0)); // the staged bytes of a refused upload are gone

        auto c = m_srv->client();
        auto t = c.call("POST", "/api/agent/me/tokens", me.token,
                        json::object{{"name", "reader"}, {"scopes", json::array{"submissions:read"}}});
        QCOMPARE(t.status, 201);
        const std::string reader = str(t.obj().at("tokenValue"));
        r = upload(reader, "data", "a.txt");
        QCOMPARE(r.status, 403);
        QCOMPARE(str(r.obj().at("code")), std::string("MISSING_SCOPE"));

        const std::string id = uploadOk(me.token, "secret", "s.txt");
        QVERIFY(!id.empty());
        t = c.call("POST", "/api/agent/me/tokens", me.token,
                   json::object{{"name", "writer"}, {"scopes", json::array{"tasks:read"}}});
        QCOMPARE(t.status, 201);
        const std::string noRead = str(t.obj().at("tokenValue"));
        QCOMPARE(download(noRead, id).status, 403);
        QCOMPARE(download(reader, id).status, 200);
        QCOMPARE(download("", id).status, 401);
        QCOMPARE(download(me.token, "fil_000000000000ffffffffffffffff").status, 404);
        QCOMPARE(download(me.token, "nonsense").status, 404);
        QCOMPARE(download(me.token, "nonsense", "/meta").status, 404);
    }

    void strangersSeeNothing()
    {
        const auto me = m_srv->registerMember("uploader_d");
        const auto stranger = m_srv->registerMember("stranger_d");
        const std::string id = uploadOk(me.token, "private bytes", "p.txt");
        QVERIFY(!id.empty());
        auto d = download(stranger.token, id);
        QCOMPARE(d.status, 404);
        QCOMPARE(str(d.obj().at("code")), std::string("NOT_FOUND"));
        QCOMPARE(download(stranger.token, id, "/meta").status, 404);
    }

    void contractPartiesMayDownload()
    {
        const auto owner = m_srv->registerMember("buyer_e");
        const auto worker = m_srv->registerMember("worker_e");
        const auto stranger = m_srv->registerMember("stranger_e");
        const std::string contractId = contractBetween(owner, worker);
        QVERIFY(!contractId.empty());

        const std::string data = binaryBlob(300000, 11);
        auto up = upload(worker.token, data, "report.pdf", "application/pdf");
        QCOMPARE(up.status, 201);
        const auto file = up.obj().at("file").as_object();
        const std::string fileId = str(file.at("fileId"));
        const std::string unattached = uploadOk(worker.token, "draft notes", "draft.txt");
        // Before any submission names it, the buyer cannot see it.
        QCOMPARE(download(owner.token, fileId).status, 404);

        auto c = m_srv->client();
        json::object att{{"fileId", fileId},
                         {"name", "report.pdf"},
                         {"mimeType", "application/pdf"},
                         {"size", file.at("size")},
                         {"sha256", file.at("sha256")}};
        auto r = c.call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                        json::object{{"summaryText", "Report attached"}, {"attachments", json::array{att}}});
        QCOMPARE(r.status, 201);

        auto d = download(owner.token, fileId);
        QCOMPARE(d.status, 200);
        QVERIFY(d.body == data);
        QCOMPARE(d.headers.at("content-type"), std::string("application/pdf"));
        auto m = download(owner.token, fileId, "/meta");
        QCOMPARE(m.status, 200);
        QCOMPARE(str(m.obj().at("file").at("sha256")), sha256Hex(data));
        QCOMPARE(download(worker.token, fileId).status, 200);
        // Outsiders still see nothing, and the buyer sees only what was delivered.
        QCOMPARE(download(stranger.token, fileId).status, 404);
        QCOMPARE(download(stranger.token, fileId, "/meta").status, 404);
        QCOMPARE(download(owner.token, unattached).status, 404);

        // Naming someone else's file in one's own delivery opens it to no one.
        const std::string strangersFile = uploadOk(stranger.token, "stranger's secret", "mine.txt");
        r = c.call("POST", "/api/agent/contracts/" + contractId + "/decision", owner.token,
                   json::object{{"action", "reject"}, {"reason", "Please add the appendix"}});
        QCOMPARE(r.status, 200);
        r = c.call("POST", "/api/agent/contracts/" + contractId + "/submissions", worker.token,
                   json::object{{"summaryText", "With appendix"},
                                {"attachments",
                                 json::array{json::object{{"fileId", strangersFile}, {"name", "x.txt"}}}}});
        QCOMPARE(r.status, 201);
        QCOMPARE(download(owner.token, strangersFile).status, 404);
        QCOMPARE(download(worker.token, strangersFile).status, 404);
        QCOMPARE(download(stranger.token, strangersFile).status, 200);
    }

    void openTaskOwnerMayDownload()
    {
        const auto owner = m_srv->registerMember("poster_f", {"docs"});
        const auto worker = m_srv->registerMember("worker_f", {"docs"});
        auto c = m_srv->client();
        auto r = c.call("POST", "/api/agent/tasks", owner.token,
                        json::object{{"title", "Translate the README"},
                                     {"description", "Any agent may submit a translation."},
                                     {"skillsTags", json::array{"docs"}},
                                     {"mode", "open"},
                                     {"budgetAmount", 50},
                                     {"budgetCurrency", "CREDITS"}});
        QCOMPARE(r.status, 201);
        const std::string taskId = str(r.obj().at("task").at("id"));
        const std::string fileId = uploadOk(worker.token, "Hallo Welt", "README.de.md", "text/markdown");
        QCOMPARE(download(owner.token, fileId).status, 404);
        r = c.call("POST", "/api/agent/tasks/" + taskId + "/submissions", worker.token,
                   json::object{{"summaryText", "German translation"},
                                {"attachments",
                                 json::array{json::object{{"fileId", fileId}, {"name", "README.de.md"}}}}});
        QCOMPARE(r.status, 201);
        const auto d = download(owner.token, fileId);
        QCOMPARE(d.status, 200);
        QCOMPARE(d.body, std::string("Hallo Welt"));
    }

    void sameContentStoredOnce()
    {
        const auto a = m_srv->registerMember("dedup_a");
        const auto b = m_srv->registerMember("dedup_b");
        const std::string data = binaryBlob(200000, 3);
        const auto r1 = upload(a.token, data, "one.bin");
        const auto r2 = upload(b.token, data, "two.bin", "image/png");
        const auto r3 = upload(a.token, data, "one.bin");
        QCOMPARE(r1.status, 201);
        QCOMPARE(r2.status, 201);
        QCOMPARE(r3.status, 201);
        // Three uploads, three records with their own names and owners ...
        const std::string id1 = str(r1.obj().at("fileId")), id2 = str(r2.obj().at("fileId")),
                          id3 = str(r3.obj().at("fileId"));
        QVERIFY(id1 != id2 && id1 != id3 && id2 != id3);
        QCOMPARE(str(r1.obj().at("sha256")), str(r2.obj().at("sha256")));
        QCOMPARE(str(r2.obj().at("file").at("name")), std::string("two.bin"));
        QCOMPARE(download(b.token, id2).headers.at("content-type"), std::string("image/png"));
        QCOMPARE(download(a.token, id2).status, 404); // same bytes, but not a's upload
        // ... and one blob on disk.
        const auto stored = blobs();
        QCOMPARE(stored.size(), std::size_t(1));
        QCOMPARE(stored[0].filename().string(), sha256Hex(data));
        QCOMPARE(tempFiles(), std::size_t(0));
        const std::string other = uploadOk(a.token, data + "!", "three.bin");
        QVERIFY(!other.empty());
        QCOMPARE(blobs().size(), std::size_t(2));
        QVERIFY(download(a.token, id1).body == data);
        QVERIFY(download(b.token, id2).body == data);
    }

    void idempotentUpload()
    {
        const auto me = m_srv->registerMember("uploader_g");
        std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + me.token},
                                                           {"Content-Type", "text/plain"},
                                                           {"X-File-Name", "once.txt"},
                                                           {"Idempotency-Key", "upload-once-1"}};
        auto c = m_srv->client();
        const auto r1 = c.request("POST", "/api/agent/files", "only once", h);
        const auto r2 = c.request("POST", "/api/agent/files", "only once", h);
        QCOMPARE(r1.status, 201);
        QCOMPARE(r2.status, 201);
        QCOMPARE(str(r1.obj().at("fileId")), str(r2.obj().at("fileId")));
        QCOMPARE(r2.headers.at("idempotent-replayed"), std::string("true"));
        const auto r3 = c.request("POST", "/api/agent/files", "something else", h);
        QCOMPARE(r3.status, 422);
        QCOMPARE(tempFiles(), std::size_t(0));
    }

    void sizeLimit()
    {
        const auto me = m_srv->registerMember("uploader_h");
        const std::size_t cap = 50u << 20;
        // Exactly 50 MiB is accepted ...
        std::string body(cap, 'a');
        body[12345] = '\0';
        auto r = upload(me.token, body, "big.bin");
        QCOMPARE(r.status, 201);
        QCOMPARE(r.obj().at("size").as_int64(), static_cast<std::int64_t>(cap));
        const std::string sha = sha256Hex(body);
        QCOMPARE(str(r.obj().at("sha256")), sha);
        // ... one byte more is refused by the transport before the body is read.
        body.push_back('b');
        r = upload(me.token, body, "bigger.bin");
        QCOMPARE(r.status, 413);
        QCOMPARE(str(r.obj().at("code")), std::string("TOO_LARGE"));
        body.clear();
        body.shrink_to_fit();
        QCOMPARE(blobs().size(), std::size_t(1));
        QCOMPARE(tempFiles(), std::size_t(0));
        // Other routes keep the 1 MiB limit.
        r = m_srv->client().request(
            "POST", "/api/agent/tasks", std::string((1u << 20) + 1, ' '),
            {{"Authorization", "Bearer " + me.token}, {"Content-Type", "application/json"}});
        QCOMPARE(r.status, 413);
    }
};

TASKDESK_API_TEST_MAIN(ApiFilesTest)
#include "tst_api_files.moc"
