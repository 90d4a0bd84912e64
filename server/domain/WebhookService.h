#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace taskdesk::domain {

// Where a webhook URL points, after parsing and name resolution. A target is
// usable only when every address the host resolves to is public (or private
// targets are allowed); deliveries connect to these very addresses, so a name
// that resolves differently a moment later (DNS rebinding) changes nothing.
struct WebhookTarget
{
    bool ok = false;
    std::string reason; // why not (400 text at creation, the error in the delivery log)
    std::string scheme; // "http" | "https"
    std::string host;   // as written, without IPv6 brackets
    std::uint16_t port = 0;
    std::string target;                 // path and query, "/" when the URL has none
    std::vector<std::string> addresses; // numeric, in resolver order
};

// Webhook subscriptions and their outbox.
//
// A profile has at most 5 webhooks {url, events[], secret}. Every notification
// written for the profile (Notifier::notify, inside the writer's transaction)
// adds one outbox row per active webhook whose events match, in that same
// transaction: the delivery exists exactly when the change it reports does.
// jobs::WebhookDispatcher claims due rows, POSTs them and logs each attempt.
class WebhookService
{
public:
    explicit WebhookService(Platform& p) : m_p(p) {}

    static constexpr int kMaxPerProfile = 5;

    // Parses url (http or https, no user info, no fragment) and resolves its host. Refuses
    // loopback, private, link-local, unspecified, multicast and other non-public addresses
    // unless allowPrivate. Blocking (name resolution): call outside any transaction.
    static WebhookTarget checkTarget(const std::string& url, bool allowPrivate);
    // True for a numeric address a webhook may not reach without --allow-private-webhooks:
    // 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.168/16, 198.18/15,
    // 224/4 and above; ::, ::1, fc00::/7, fe80::/10, fec0::/10, ff00::/8, and IPv4-mapped,
    // -compatible or NAT64 forms of the IPv4 ranges. Unparsable text counts as private.
    static bool isPrivateAddress(const std::string& ip);
    // The notification types a webhook may subscribe to (besides "*").
    static const std::set<std::string>& eventTypes();
    static bool matches(const std::string& eventsJson, const std::string& type);

    // checked: the URL check made before the transaction (nullptr: none was made, a
    // body without url). Create answers {webhook, secret}; the secret is never shown again.
    boost::json::object create(store::Transaction& tx, const Actor& a, const boost::json::object& body,
                               const WebhookTarget* checked);
    boost::json::object list(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    boost::json::object get(store::Transaction& tx, const Actor& a, const std::string& id);
    // {url?, events?, secret?, rotateSecret?, active?}; a new or rotated secret is returned once.
    boost::json::object update(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body, const WebhookTarget* checked);
    boost::json::object remove(store::Transaction& tx, const Actor& a, const std::string& id);
    // Every attempt for the webhook, newest first.
    boost::json::object deliveries(store::Transaction& tx, const Actor& a, const std::string& id,
                                   const boost::json::object& query);

    // Adds the outbox rows for a notification just written in tx (Notifier calls this);
    // returns how many. Wakes this process's dispatchers once tx commits.
    static int enqueue(store::Transaction& tx, const std::string& profileId, const std::string& type,
                       const boost::json::object& notification, const std::string& now);

    // Secrets at rest: sealed under the server key (ServerSecrets) with the webhook id
    // as context. openSecret returns a value stored in clear by an older version as it is.
    static std::string sealSecret(const Platform& p, const std::string& webhookId, const std::string& secret);
    static std::optional<std::string> openSecret(const Platform& p, const std::string& webhookId,
                                                 const std::string& stored);
    // Seals every secret an older version stored in clear (at start, after migrating);
    // returns how many.
    static int sealStoredSecrets(Platform& p);

    // Dispatchers register here to be woken after a commit that enqueued deliveries on db.
    static std::uint64_t addWaker(store::Database& db, std::function<void()> fn);
    static void removeWaker(std::uint64_t id);
    static void wake(store::Database& db);

private:
    struct Row;
    Row load(store::Transaction& tx, const Actor& a, const std::string& id);
    static boost::json::object toJson(const Row& r);
    Platform& m_p;
};

} // namespace taskdesk::domain
