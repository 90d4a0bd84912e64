#include "WebhookService.h"

#include "Access.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Random.h"
#include "ServerSecrets.h"

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cctype>
#include <map>
#include <mutex>

namespace taskdesk::domain {

namespace json = boost::json;
namespace net = boost::asio;
using store::sqlInt;
using store::sqlText;

namespace {

constexpr std::size_t kMaxUrlLength = 2048;
constexpr std::size_t kMaxEvents = 40;

bool privateV4(std::uint32_t a)
{
    auto in = [a](std::uint32_t net, int bits) {
        const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t(0) << (32 - bits);
        return (a & mask) == (net & mask);
    };
    auto v4 = [](unsigned b0, unsigned b1, unsigned b2, unsigned b3) {
        return std::uint32_t(b0 << 24 | b1 << 16 | b2 << 8 | b3);
    };
    return in(v4(0, 0, 0, 0), 8)          // "this network", 0.0.0.0
           || in(v4(10, 0, 0, 0), 8)      // private
           || in(v4(100, 64, 0, 0), 10)   // carrier-grade NAT
           || in(v4(127, 0, 0, 0), 8)     // loopback
           || in(v4(169, 254, 0, 0), 16)  // link-local (cloud metadata lives here)
           || in(v4(172, 16, 0, 0), 12)   // private
           || in(v4(192, 0, 0, 0), 24)    // IETF protocol assignments
           || in(v4(192, 0, 2, 0), 24)    // documentation
           || in(v4(192, 168, 0, 0), 16)  // private
           || in(v4(198, 18, 0, 0), 15)   // benchmarking
           || in(v4(198, 51, 100, 0), 24) // documentation
           || in(v4(203, 0, 113, 0), 24)  // documentation
           || in(v4(224, 0, 0, 0), 4)     // multicast
           || in(v4(240, 0, 0, 0), 4);    // reserved, broadcast
}

std::uint32_t v4At(const std::array<unsigned char, 16>& b, std::size_t i)
{
    return std::uint32_t(b[i]) << 24 | std::uint32_t(b[i + 1]) << 16 | std::uint32_t(b[i + 2]) << 8 |
           b[i + 3];
}

std::string lower(std::string s)
{
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

WebhookTarget refuse(WebhookTarget t, std::string why)
{
    t.ok = false;
    t.reason = std::move(why);
    return t;
}

// Registered wakers: dispatchers of this process, per database.
struct Wakers
{
    std::mutex mutex;
    std::uint64_t next = 1;
    std::map<std::uint64_t, std::pair<store::Database*, std::function<void()>>> list;
};
Wakers& wakers()
{
    static Wakers w;
    return w;
}

std::vector<std::string> normaliseEvents(Input& in, bool required)
{
    const auto* raw = in.raw("events");
    if (!raw || raw->is_null()) {
        if (required)
            in.fail("events", "is required (notification types, or [\"*\"] for all)");
        return {};
    }
    auto list = in.strList("events", kMaxEvents, 64, required);
    if (!in.ok())
        return {};
    if (list.empty()) {
        in.fail("events", "must name at least one notification type, or \"*\"");
        return {};
    }
    std::vector<std::string> out;
    for (const auto& e : list) {
        if (e != "*" && !WebhookService::eventTypes().count(e)) {
            in.fail("events", "unknown notification type " + e);
            return {};
        }
        if (std::find(out.begin(), out.end(), e) == out.end())
            out.push_back(e);
    }
    if (std::find(out.begin(), out.end(), "*") != out.end())
        out = {"*"};
    return out;
}

std::string eventsJson(const std::vector<std::string>& events)
{
    json::array a;
    for (const auto& e : events)
        a.emplace_back(e);
    return json::serialize(a);
}

std::optional<std::string> checkSecret(Input& in)
{
    auto s = in.optStr("secret", 16, 256);
    if (s && s->find_first_of(" \t\r\n") != std::string::npos) {
        in.fail("secret", "must not contain white space");
        return std::nullopt;
    }
    return s;
}

} // namespace

struct WebhookService::Row
{
    std::string id, url, events, createdAt, updatedAt;
    bool active = true;
};

const std::set<std::string>& WebhookService::eventTypes()
{
    // Every type Notifier::notify is called with (grep for it), and the ones the contract
    // names for features that are still to come.
    static const std::set<std::string> types = {
        "application.rejected",
        "bid.accepted",
        "bid.amended",
        "bid.counter_offer",
        "bid.counter_offer_accepted",
        "bid.counter_offer_rejected",
        "bid.received",
        "bid.rejected",
        "bid.withdrawn",
        "comment.created",
        "contract.cancellation_requested",
        "contract.cancellation_withdrawn",
        "contract.cancelled",
        "delegation.revoked",
        "delivery.accepted",
        "delivery.rejected",
        "delivery.submitted",
        "dispute.opened",
        "dispute.resolved",
        "hire.accepted",
        "hire.declined",
        "hire.requested",
        "hire.withdrawn",
        "message.received",
        "protected_access.denied",
        "protected_access.granted",
        "protected_access.requested",
        "protected_access.revoked",
        "review.received",
        "task.application",
        "task.cancelled",
        "task.claimed",
        "task.completed",
        "wallet.credit",
        "wallet.debit",
    };
    return types;
}

bool WebhookService::matches(const std::string& eventsText, const std::string& type)
{
    const json::value v = parseStoredJson(eventsText);
    if (!v.is_array())
        return false;
    for (const auto& e : v.as_array())
        if (e.is_string() && (e.as_string() == "*" || e.as_string() == type))
            return true;
    return false;
}

bool WebhookService::isPrivateAddress(const std::string& ip)
{
    boost::system::error_code ec;
    const auto addr = net::ip::make_address(ip, ec);
    if (ec)
        return true;
    if (addr.is_v4())
        return privateV4(addr.to_v4().to_uint());
    const auto v6 = addr.to_v6();
    if (v6.scope_id() != 0)
        return true; // a zone only makes sense for link-local addresses
    const auto b = v6.to_bytes();
    const bool first12Zero = std::all_of(b.begin(), b.begin() + 12, [](unsigned char c) { return c == 0; });
    if (v6.is_unspecified() || v6.is_loopback())
        return true;
    if (v6.is_v4_mapped()) // ::ffff:a.b.c.d
        return privateV4(v4At(b, 12));
    if (first12Zero) // ::a.b.c.d (deprecated IPv4-compatible)
        return true;
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
        std::all_of(b.begin() + 4, b.begin() + 12,
                    [](unsigned char c) { return c == 0; })) // 64:ff9b::/96 NAT64
        return privateV4(v4At(b, 12));
    if (b[0] == 0x20 && b[1] == 0x02) // 2002::/16 6to4
        return privateV4(v4At(b, 2));
    if ((b[0] & 0xfe) == 0xfc) // fc00::/7 unique local
        return true;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // fe80::/10 link-local
        return true;
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // fec0::/10 site-local (deprecated)
        return true;
    if (b[0] == 0xff) // multicast
        return true;
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) // 2001:db8::/32 documentation
        return true;
    return false;
}

WebhookTarget WebhookService::checkTarget(const std::string& url, bool allowPrivate)
{
    WebhookTarget t;
    if (url.empty() || url.size() > kMaxUrlLength)
        return refuse(t, "must be an http or https URL of at most 2048 characters");
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7f)
            return refuse(t,
                          "must not contain spaces, control or non-ASCII characters (percent-encode them)");
    const auto sep = url.find("://");
    if (sep == std::string::npos)
        return refuse(t, "must be an absolute http or https URL");
    t.scheme = lower(url.substr(0, sep));
    if (t.scheme != "http" && t.scheme != "https")
        return refuse(t, "must use http or https");
    const std::string rest = url.substr(sep + 3);
    const auto authorityEnd = rest.find_first_of("/?#");
    const std::string authority = rest.substr(0, authorityEnd);
    std::string pathQuery = authorityEnd == std::string::npos ? std::string() : rest.substr(authorityEnd);
    if (pathQuery.find('#') != std::string::npos)
        return refuse(t, "must not have a fragment");
    if (authority.find('@') != std::string::npos)
        return refuse(t, "must not carry user credentials; authenticate with the signature");
    std::string portText;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string::npos)
            return refuse(t, "has a malformed IPv6 host");
        t.host = authority.substr(1, close - 1);
        const std::string after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return refuse(t, "has a malformed host");
            portText = after.substr(1);
        }
        boost::system::error_code ec;
        const auto a = net::ip::make_address_v6(t.host, ec);
        if (ec || t.host.find('%') != std::string::npos)
            return refuse(t, "has a malformed IPv6 host");
        (void)a;
    } else {
        const auto colon = authority.rfind(':');
        t.host = authority.substr(0, colon);
        if (colon != std::string::npos)
            portText = authority.substr(colon + 1);
        for (char c : t.host)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'))
                return refuse(t, "has a malformed host");
    }
    t.host = lower(t.host);
    if (t.host.empty() || t.host.size() > 253)
        return refuse(t, "must name a host");
    t.port = t.scheme == "https" ? 443 : 80;
    if (authority.size() && authority.back() == ':')
        return refuse(t, "has an empty port");
    if (!portText.empty()) {
        if (portText.size() > 5 ||
            !std::all_of(portText.begin(), portText.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return refuse(t, "has a malformed port");
        const int p = std::stoi(portText);
        if (p < 1 || p > 65535)
            return refuse(t, "has a port outside 1-65535");
        t.port = static_cast<std::uint16_t>(p);
    }
    if (pathQuery.empty() || pathQuery.front() == '?')
        pathQuery = "/" + pathQuery;
    t.target = pathQuery;

    // Resolve now; the delivery connects to these addresses only.
    boost::system::error_code ec;
    const auto literal = net::ip::make_address(t.host, ec);
    if (!ec) {
        t.addresses.push_back(literal.to_string());
    } else {
        net::io_context ioc;
        net::ip::tcp::resolver resolver(ioc);
        const auto results = resolver.resolve(t.host, std::to_string(t.port), ec);
        if (ec)
            return refuse(t, "host " + t.host + " does not resolve (" + ec.message() + ")");
        for (const auto& r : results) {
            auto addr = r.endpoint().address();
            if (addr.is_v6() && addr.to_v6().is_v4_mapped())
                addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
            const std::string text = addr.to_string();
            if (std::find(t.addresses.begin(), t.addresses.end(), text) == t.addresses.end())
                t.addresses.push_back(text);
        }
        if (t.addresses.empty())
            return refuse(t, "host " + t.host + " has no address");
    }
    if (!allowPrivate) {
        for (const auto& a : t.addresses)
            if (isPrivateAddress(a))
                return refuse(
                    t,
                    "resolves to " + a +
                        ", a private, loopback or link-local address; webhooks must reach a public address");
    }
    t.ok = true;
    return t;
}

// ---------------------------------------------------------------------------------------------
// The API

json::object WebhookService::toJson(const Row& r)
{
    json::object o;
    o["id"] = r.id;
    o["url"] = r.url;
    json::value events = parseStoredJson(r.events);
    o["events"] = events.is_array() ? events : json::array();
    o["active"] = r.active;
    o["createdAt"] = r.createdAt;
    o["updatedAt"] = r.updatedAt;
    return o;
}

WebhookService::Row WebhookService::load(store::Transaction& tx, const Actor& a, const std::string& id)
{
    if (!looksLikeId(id, "whk_"))
        throw DomainError::notFound("Webhook");
    auto r = tx.query("SELECT id, url, events, active, created_at, updated_at FROM webhooks WHERE id = ? AND "
                      "profile_id = ?",
                      {sqlText(id), sqlText(a.profileId)});
    if (!r.next())
        throw DomainError::notFound("Webhook");
    Row row;
    row.id = r.str(0);
    row.url = r.str(1);
    row.events = r.str(2);
    row.active = r.i64(3) != 0;
    row.createdAt = r.str(4);
    row.updatedAt = r.str(5);
    return row;
}

json::object WebhookService::create(store::Transaction& tx, const Actor& a, const json::object& body,
                                    const WebhookTarget* checked)
{
    requireScope(a, "webhooks:write");
    Input in(body);
    const std::string url = in.str("url", 1, kMaxUrlLength);
    const auto events = normaliseEvents(in, true);
    auto secret = checkSecret(in);
    const auto active = in.optBool("active");
    if (in.ok() && (!checked || !checked->ok))
        in.fail("url", checked ? checked->reason : "could not be checked");
    in.finish();

    // Serialise this profile's creations so two at once cannot both be the fifth.
    if (tx.backend() == store::Backend::Postgres)
        tx.query("SELECT id FROM profiles WHERE id = ? FOR UPDATE", {sqlText(a.profileId)});
    const auto count =
        tx.scalarInt("SELECT COUNT(*) FROM webhooks WHERE profile_id = ?", {sqlText(a.profileId)})
            .value_or(0);
    if (count >= kMaxPerProfile)
        throw DomainError::conflict("LIMIT_REACHED", "A profile may have at most " +
                                                         std::to_string(kMaxPerProfile) +
                                                         " webhooks; delete one first");
    if (!secret)
        secret = crypto::Random::hex(32);
    const std::string id = newId("whk_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO webhooks(id, profile_id, url, events, secret, active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {sqlText(id), sqlText(a.profileId), sqlText(url), sqlText(eventsJson(events)),
             sqlText(sealSecret(m_p, id, *secret)), sqlInt(active.value_or(true) ? 1 : 0), sqlText(now),
             sqlText(now)});
    json::object out;
    out["webhook"] = toJson(load(tx, a, id));
    out["secret"] = *secret;
    return out;
}

json::object WebhookService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "webhooks:read");
    const auto page = pageFrom(query);
    auto r =
        tx.query("SELECT id, url, events, active, created_at, updated_at FROM webhooks"
                 " WHERE profile_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
                 {sqlText(a.profileId), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next()) {
        Row row{r.str(0), r.str(1), r.str(2), r.str(4), r.str(5), r.i64(3) != 0};
        items.push_back(toJson(row));
    }
    json::object out;
    finishPage(out, "webhooks", std::move(items), page.limit);
    return out;
}

json::object WebhookService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const Row row = load(tx, a, id);
    requireScope(a, "webhooks:read");
    json::object hook = toJson(row);
    json::object counts{{"pending", 0}, {"delivered", 0}, {"failed", 0}};
    auto r = tx.query("SELECT status, COUNT(*) FROM webhook_deliveries WHERE webhook_id = ? GROUP BY status",
                      {sqlText(id)});
    while (r.next()) {
        std::string status = r.str(0);
        if (status == "sending")
            status = "pending";
        if (auto* c = counts.if_contains(status))
            *c = c->as_int64() + r.i64(1);
    }
    hook["deliveryCounts"] = std::move(counts);
    json::object out;
    out["webhook"] = std::move(hook);
    return out;
}

json::object WebhookService::update(store::Transaction& tx, const Actor& a, const std::string& id,
                                    const json::object& body, const WebhookTarget* checked)
{
    Row row = load(tx, a, id);
    requireScope(a, "webhooks:write");
    Input in(body);
    const auto url = in.optStr("url", 1, kMaxUrlLength);
    const auto events = normaliseEvents(in, false);
    auto secret = checkSecret(in);
    const auto rotate = in.optBool("rotateSecret");
    const auto active = in.optBool("active");
    if (secret && rotate.value_or(false))
        in.fail("rotateSecret", "give either a secret or rotateSecret, not both");
    if (in.ok() && url && (!checked || !checked->ok))
        in.fail("url", checked ? checked->reason : "could not be checked");
    in.finish();
    if (rotate.value_or(false))
        secret = crypto::Random::hex(32);
    const std::string now = m_p.clock.nowIso();
    tx.exec("UPDATE webhooks SET url = ?, events = ?, active = ?, updated_at = ? WHERE id = ?",
            {sqlText(url.value_or(row.url)), sqlText(events.empty() ? row.events : eventsJson(events)),
             sqlInt(active.value_or(row.active) ? 1 : 0), sqlText(now), sqlText(id)});
    if (secret)
        tx.exec("UPDATE webhooks SET secret = ? WHERE id = ?",
                {sqlText(sealSecret(m_p, id, *secret)), sqlText(id)});
    json::object out;
    out["webhook"] = toJson(load(tx, a, id));
    if (rotate.value_or(false))
        out["secret"] = *secret;
    return out;
}

json::object WebhookService::remove(store::Transaction& tx, const Actor& a, const std::string& id)
{
    load(tx, a, id);
    requireScope(a, "webhooks:write");
    // The log and the outbox go with it; a delivery in flight finds its row gone and records nothing.
    tx.exec("DELETE FROM webhook_attempts WHERE webhook_id = ?", {sqlText(id)});
    tx.exec("DELETE FROM webhook_deliveries WHERE webhook_id = ?", {sqlText(id)});
    tx.exec("DELETE FROM webhooks WHERE id = ?", {sqlText(id)});
    json::object out;
    out["deleted"] = true;
    out["id"] = id;
    return out;
}

json::object WebhookService::deliveries(store::Transaction& tx, const Actor& a, const std::string& id,
                                        const json::object& query)
{
    load(tx, a, id);
    requireScope(a, "webhooks:read");
    const auto page = pageFrom(query);
    auto r =
        tx.query("SELECT a.id, a.delivery_id, d.notification_id, d.event, a.attempt, a.status_code, a.error,"
                 " a.duration_ms, a.succeeded, a.created_at, d.status, d.due_at"
                 " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                 " WHERE a.webhook_id = ? AND (? = '' OR a.id < ?) ORDER BY a.id DESC LIMIT ?",
                 {sqlText(id), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items;
    while (r.next()) {
        json::object o;
        o["id"] = r.str(0);
        o["deliveryId"] = r.str(1);
        o["notificationId"] = r.str(2);
        o["event"] = r.str(3);
        o["attempt"] = r.i64(4);
        if (auto code = r.optI64(5))
            o["statusCode"] = *code;
        else
            o["statusCode"] = nullptr;
        o["error"] = r.textOrNull(6);
        o["durationMs"] = r.i64(7);
        o["succeeded"] = r.i64(8) != 0;
        o["createdAt"] = r.str(9);
        const std::string status = r.str(10);
        o["deliveryStatus"] = status == "sending" ? std::string("pending") : status;
        if (status == "pending")
            o["nextAttemptAt"] = r.str(11);
        items.push_back(std::move(o));
    }
    json::object out;
    finishPage(out, "deliveries", std::move(items), page.limit);
    return out;
}

// ---------------------------------------------------------------------------------------------
// The outbox

int WebhookService::enqueue(store::Transaction& tx, const std::string& profileId, const std::string& type,
                            const json::object& notification, const std::string& now)
{
    std::vector<std::pair<std::string, std::string>> hooks; // id, events (collected before writing)
    {
        auto r = tx.query("SELECT id, events FROM webhooks WHERE profile_id = ? AND active = 1",
                          {sqlText(profileId)});
        while (r.next())
            hooks.emplace_back(r.str(0), r.str(1));
    }
    if (hooks.empty())
        return 0;
    const std::string payload = json::serialize(notification);
    const auto* nid = notification.if_contains("id");
    const std::string notificationId =
        nid && nid->is_string() ? std::string(nid->as_string()) : std::string();
    int n = 0;
    for (const auto& [hookId, events] : hooks) {
        if (!matches(events, type))
            continue;
        tx.exec("INSERT INTO webhook_deliveries(id, webhook_id, notification_id, event, payload, status, "
                "attempts, due_at,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
                {sqlText(newId("whd_")), sqlText(hookId), sqlText(notificationId), sqlText(type),
                 sqlText(payload), sqlText(now), sqlText(now), sqlText(now)});
        ++n;
    }
    if (n > 0) {
        store::Database* db = &tx.database();
        tx.afterCommit([db] { wake(*db); });
    }
    return n;
}

std::uint64_t WebhookService::addWaker(store::Database& db, std::function<void()> fn)
{
    auto& w = wakers();
    std::lock_guard lock(w.mutex);
    const auto id = w.next++;
    w.list.emplace(id, std::make_pair(&db, std::move(fn)));
    return id;
}

void WebhookService::removeWaker(std::uint64_t id)
{
    auto& w = wakers();
    std::lock_guard lock(w.mutex);
    w.list.erase(id);
}

void WebhookService::wake(store::Database& db)
{
    auto& w = wakers();
    std::lock_guard lock(w.mutex);
    for (auto& [id, entry] : w.list)
        if (entry.first == &db)
            entry.second();
}

std::string WebhookService::sealSecret(const Platform& p, const std::string& webhookId,
                                       const std::string& secret)
{
    if (!p.secrets)
        throw std::runtime_error("no server key loaded");
    return p.secrets->seal(secret, "webhooks.secret:" + webhookId);
}

std::optional<std::string> WebhookService::openSecret(const Platform& p, const std::string& webhookId,
                                                      const std::string& stored)
{
    if (!ServerSecrets::isSealed(stored))
        return stored;
    if (!p.secrets)
        return std::nullopt;
    auto plain = p.secrets->open(stored, "webhooks.secret:" + webhookId);
    if (!plain)
        return std::nullopt;
    return std::string(plain->constChar(), plain->size());
}

int WebhookService::sealStoredSecrets(Platform& p)
{
    // A one-off step, done at start rather than in the SQL migration because the
    // migrations never see the server key. Rows already sealed are left alone, so
    // it is cheap and safe to run on every start, by several processes at once.
    store::Transaction tx(p.db, store::Transaction::Mode::Write);
    std::vector<std::pair<std::string, std::string>> clear;
    auto r = tx.query("SELECT id, secret FROM webhooks WHERE secret NOT LIKE 'sb1:%'");
    while (r.next())
        clear.emplace_back(r.str(0), r.str(1));
    for (auto& [id, secret] : clear) {
        tx.exec("UPDATE webhooks SET secret = ? WHERE id = ? AND secret = ?",
                {sqlText(sealSecret(p, id, secret)), sqlText(id), sqlText(secret)});
        crypto::SecureBuffer::wipe(secret);
    }
    tx.commit();
    return static_cast<int>(clear.size());
}

} // namespace taskdesk::domain
