// Schema for webhooks (migration version 4): subscriptions, the durable
// delivery outbox, the attempt log, and the shared rate-limit counters that
// make limits hold across several server processes on one database.
#include "Migrations.h"

namespace taskdesk::store {

namespace {

std::vector<std::string> v4(Backend)
{
    return {
        // A profile's subscriptions (at most 5, enforced by the service). events is a
        // JSON array of notification types or ["*"]. The secret is the HMAC key for the
        // X-TaskDesk-Signature header; it is shown once and never returned again.
        R"(CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            profile_id TEXT NOT NULL REFERENCES profiles(id),
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL))",
        "CREATE INDEX webhooks_profile ON webhooks(profile_id, id)",
        // The outbox: one row per (notification, matching webhook), written in the
        // transaction that wrote the notification. status: pending (waits for due_at),
        // sending (claimed by a dispatcher until due_at, its lease), delivered, failed.
        // A claim is a conditional update that sets lock_token; the outcome is recorded
        // only while the token still matches, so a lease that expired and was claimed
        // again elsewhere is never overwritten. reclaimed is 1 when the claim took over
        // an expired lease (the previous attempt's outcome is unknown).
        R"(CREATE TABLE webhook_deliveries (
            id TEXT PRIMARY KEY,
            webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            notification_id TEXT NOT NULL,
            event TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            due_at TEXT NOT NULL,
            lock_token TEXT,
            reclaimed INTEGER NOT NULL DEFAULT 0,
            last_status_code INTEGER,
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            finished_at TEXT))",
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(due_at) WHERE status IN ('pending', "
        "'sending')",
        "CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id)",
        // One row per attempt: the HTTP status or the transport error, and how long it took.
        R"(CREATE TABLE webhook_attempts (
            id TEXT PRIMARY KEY,
            delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
            webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            attempt INTEGER NOT NULL,
            status_code INTEGER,
            error TEXT,
            duration_ms BIGINT NOT NULL,
            succeeded INTEGER NOT NULL,
            created_at TEXT NOT NULL))",
        "CREATE INDEX webhook_attempts_webhook ON webhook_attempts(webhook_id, id)",
        "CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id)",
        // Rate-limit windows shared by every server process on this database: a fixed
        // window per key that starts at its first hit (epoch milliseconds), counted with
        // one atomic upsert. Old windows are purged by the limiter itself.
        R"(CREATE TABLE rate_limits (
            rate_key TEXT PRIMARY KEY,
            window_start BIGINT NOT NULL,
            window_ms BIGINT NOT NULL,
            hits BIGINT NOT NULL))",
        "CREATE INDEX rate_limits_window ON rate_limits(window_start)",
    };
}

} // namespace

std::vector<Migration> Migrations::webhooks()
{
    return {{4, "webhooks", &v4}};
}

} // namespace taskdesk::store
