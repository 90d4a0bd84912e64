#include "HireService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "ContractService.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"
#include "SkillService.h"
#include "SpendLimit.h"

#include <cstdlib>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

struct HireRow
{
    std::string id, skillId, buyer, seller, brief, priceAmount, currency, priceText, status;
    std::optional<std::int64_t> priceCents;
    std::optional<std::string> contractId, delegationId;
};

constexpr const char* kCols = "id, skill_id, buyer_id, seller_id, brief, price_amount, price_cents, "
                              "price_currency, price_text, status, reason, contract_id, delegation_id, "
                              "created_at, updated_at, decided_at";

std::optional<HireRow> loadHire(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query((std::string("SELECT ") + kCols + " FROM hires WHERE id = ?").c_str(), {sqlText(id)});
    if (!r.next())
        return std::nullopt;
    HireRow h;
    h.id = r.str(0);
    h.skillId = r.str(1);
    h.buyer = r.str(2);
    h.seller = r.str(3);
    h.brief = r.str(4);
    h.priceAmount = r.str(5);
    h.priceCents = r.optI64(6);
    h.currency = r.str(7);
    h.priceText = r.str(8);
    h.status = r.str(9);
    h.contractId = r.optStr(11);
    h.delegationId = r.optStr(12);
    return h;
}

// Parties only; anyone else gets 404 so hires cannot be probed.
HireRow loadForParty(store::Transaction& tx, const std::string& id, const Actor& a)
{
    auto h = loadHire(tx, id);
    if (!h || (h->buyer != a.profileId && h->seller != a.profileId))
        throw DomainError::notFound("Hire");
    return *h;
}

json::object audited(store::Transaction& tx, const std::string& id)
{
    return HireService::hireJson(tx, id);
}

} // namespace

json::object HireService::hireJson(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query((std::string("SELECT ") + kCols + " FROM hires WHERE id = ?").c_str(), {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Hire");
    json::object o;
    o["id"] = r.str(0);
    const std::string skillId = r.str(1), buyer = r.str(2), seller = r.str(3);
    o["brief"] = r.str(4);
    o["priceAmount"] =
        r.optI64(6) ? money(*r.optI64(6)) : json::value(std::strtod(r.str(5).c_str(), nullptr));
    o["priceCurrency"] = r.str(7);
    o["priceText"] = r.str(8);
    o["status"] = r.str(9);
    o["reason"] = r.textOrNull(10);
    o["contractId"] = r.textOrNull(11);
    o["createdAt"] = r.str(13);
    o["updatedAt"] = r.str(14);
    o["decidedAt"] = r.textOrNull(15);
    const auto contractId = r.optStr(11);
    json::object skill;
    skill["id"] = skillId;
    if (const auto s = SkillRecord::load(tx, skillId)) {
        skill["title"] = s->title;
        skill["deliveryDays"] = s->deliveryDays;
        skill["active"] = s->active;
    }
    o["skill"] = std::move(skill);
    o["buyer"] = AccountService::profileSummary(tx, buyer);
    o["seller"] = AccountService::profileSummary(tx, seller);
    o["contractStatus"] =
        contractId
            ? json::value(tx.scalarText("SELECT status FROM contracts WHERE id = ?", {sqlText(*contractId)})
                              .value_or(""))
            : json::value(nullptr);
    return o;
}

TaskRecord HireService::asTask(store::Transaction& tx, const std::string& hireId)
{
    const auto h = loadHire(tx, hireId);
    if (!h)
        throw DomainError::notFound("Hire");
    TaskRecord t;
    const auto s = SkillRecord::load(tx, h->skillId);
    t.ownerId = h->buyer;
    t.title = s ? s->title : std::string("a skill hire");
    t.description = h->brief;
    t.criteria = "[]";
    t.skills = s ? s->tags : std::string("[]");
    t.currency = h->currency;
    t.budgetCents = h->priceCents;
    t.budgetText = h->priceText;
    t.visibility = "unlisted";
    t.mode = "hire";
    t.status = "assigned";
    return t;
}

json::object HireService::create(store::Transaction& tx, const Actor& a, const std::string& skillId,
                                 const json::object& body)
{
    const auto s = SkillRecord::load(tx, skillId);
    if (!s)
        throw DomainError::notFound("Skill");
    requireScope(a, "skills:write");
    if (s->sellerId == a.profileId)
        throw DomainError(ErrorKind::Forbidden, "SELF_HIRE", "You cannot hire your own skill");
    Input in(body);
    const std::string brief = in.str("brief", 1, 5000);
    in.finish();
    if (!s->active)
        throw DomainError::conflict("SKILL_INACTIVE", "This skill was retired and takes no new hires");
    if (tx.scalarInt("SELECT 1 FROM hires WHERE skill_id = ? AND buyer_id = ? AND status = 'pending'",
                     {sqlText(skillId), sqlText(a.profileId)}))
        throw DomainError::conflict("DUPLICATE_HIRE", "You already have a pending hire for this skill");
    const std::string id = newId("hir_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO hires(id, skill_id, buyer_id, seller_id, brief, price_amount, price_cents, "
            "price_currency, price_text, status, delegation_id, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,'pending',?,?,?)",
            {sqlText(id), sqlText(skillId), sqlText(a.profileId), sqlText(s->sellerId), sqlText(brief),
             sqlText(s->priceAmount), s->priceCents ? sqlInt(*s->priceCents) : sqlNull(),
             sqlText(s->priceCurrency), sqlText(s->priceText()),
             a.delegationId.empty() ? sqlNull() : sqlText(a.delegationId), sqlText(now), sqlText(now)});
    Notifier::notify(tx, m_p.clock, s->sellerId, "hire.requested", "hire", id,
                     "Someone wants to hire your skill " + s->title);
    const auto hire = hireJson(tx, id);
    AuditLog::record(tx, &a, "hire", id, "hire.requested", nullptr, hire, now);
    json::object out;
    out["hire"] = hire;
    return out;
}

json::object HireService::list(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "skills:read");
    const std::string role = queryText(query, "role");
    if (!role.empty() && role != "buyer" && role != "seller")
        throw DomainError::invalid("role", "must be buyer or seller");
    const std::string status = queryText(query, "status");
    if (!status.empty() && status != "pending" && status != "accepted" && status != "declined" &&
        status != "withdrawn")
        throw DomainError::invalid("status", "must be one of: pending, accepted, declined, withdrawn");
    const auto page = pageFrom(query);
    auto r =
        tx.query("SELECT id FROM hires WHERE ((? IN ('', 'buyer') AND buyer_id = ?) OR (? IN ('', "
                 "'seller') AND seller_id = ?)) AND (? = '' OR status = ?) AND (? = '' OR id < ?)"
                 " ORDER BY id DESC LIMIT ?",
                 {sqlText(role), sqlText(a.profileId), sqlText(role), sqlText(a.profileId), sqlText(status),
                  sqlText(status), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items = mapIds(r, [&](const std::string& id) { return hireJson(tx, id); });
    json::object out;
    finishPage(out, "hires", std::move(items), page.limit);
    return out;
}

json::object HireService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    loadForParty(tx, id, a);
    requireScope(a, "skills:read");
    json::object out;
    out["hire"] = hireJson(tx, id);
    return out;
}

json::object HireService::accept(store::Transaction& tx, const Actor& a, const std::string& id,
                                 const json::object& body)
{
    const auto h = loadForParty(tx, id, a);
    if (h.seller != a.profileId)
        throw DomainError::forbidden("Only the skill's seller accepts a hire");
    requireScope(a, "skills:write");
    Input in(body);
    const auto payoutMethodId = in.optStr("payoutMethodId", 1, 64);
    json::object payment;
    if (payoutMethodId) {
        auto pm = tx.query("SELECT denomination, network, address, memo FROM payout_methods WHERE id = ? AND "
                           "profile_id = ? AND deleted_at IS NULL",
                           {sqlText(*payoutMethodId), sqlText(h.seller)});
        if (!pm.next()) {
            in.fail("payoutMethodId", "is not one of your payout methods");
        } else {
            payment["payoutMethodId"] = *payoutMethodId;
            payment["preferredToken"] = pm.str(0);
            payment["paymentNetwork"] = pm.textOrNull(1);
            payment["paymentWallet"] = pm.str(2);
            payment["paymentMemo"] = pm.textOrNull(3);
        }
    }
    in.finish();
    if (h.status != "pending")
        throw DomainError::conflict("STATE_CONFLICT",
                                    "This hire is no longer pending (status " + h.status + ")");
    const auto skill = SkillRecord::load(tx, h.skillId);
    const std::string now = m_p.clock.nowIso();
    const auto before = hireJson(tx, id);
    // Claim the hire first: a concurrent withdraw or second accept finds it taken.
    if (tx.exec(
            "UPDATE hires SET status = 'accepted', decided_at = ?, updated_at = ? WHERE id = ? AND status = "
            "'pending'",
            {sqlText(now), sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT", "This hire is no longer pending");
    const bool escrowed = h.currency == "CREDITS" && h.priceCents.has_value();
    if (escrowed) {
        // The buyer's credits, committed now; a refusal rolls everything back and the
        // hire stays pending. A delegated buyer's commitment counts against its limit.
        Actor buyer;
        buyer.profileId = h.buyer;
        buyer.delegationId = h.delegationId.value_or("");
        SpendLimit::commit(tx, buyer, *h.priceCents, now);
        Ledger::ensureAccount(tx, m_p.clock, Ledger::available(h.buyer), "available", h.buyer);
        Ledger::ensureAccount(tx, m_p.clock, Ledger::escrow(id), "escrow", h.buyer);
        Ledger::transfer(tx, m_p.clock, Ledger::available(h.buyer), Ledger::escrow(id), *h.priceCents,
                         "escrow", "hire", id, "Skill hire escrowed");
    } else if (!payoutMethodId) {
        // Off-platform price: the seller's payout method in that currency, if it has one.
        auto pm = tx.query("SELECT id, denomination, network, address, memo FROM payout_methods WHERE "
                           "profile_id = ? AND denomination = ? AND deleted_at IS NULL ORDER BY id LIMIT 1",
                           {sqlText(h.seller), sqlText(h.currency)});
        if (pm.next()) {
            payment["payoutMethodId"] = pm.str(0);
            payment["preferredToken"] = pm.str(1);
            payment["paymentNetwork"] = pm.textOrNull(2);
            payment["paymentWallet"] = pm.str(3);
            payment["paymentMemo"] = pm.textOrNull(4);
        }
    }
    const std::int64_t days = skill ? skill->deliveryDays : 7;
    json::object terms;
    terms["hireId"] = id;
    terms["skillId"] = h.skillId;
    terms["taskTitle"] = skill ? skill->title : std::string();
    terms["taskDescription"] = skill ? skill->description : std::string();
    terms["brief"] = h.brief;
    terms["acceptanceCriteria"] = json::array{};
    terms["priceText"] = h.priceText;
    terms["priceAmount"] = h.priceCents ? money(*h.priceCents) : json::value(nullptr);
    terms["currency"] = h.currency;
    terms["reviewWindowHours"] = 72;
    terms["deliveryDays"] = days;
    terms["deadline"] = Clock::toIso(m_p.clock.now() + std::chrono::hours(24 * days));
    const std::string cid = newId("ctr_");
    tx.exec("INSERT INTO contracts(id, task_id, bid_id, hire_id, kind, buyer_id, seller_id, price_cents, "
            "price_text, currency, escrowed, status, terms, payment, created_at, updated_at)"
            " VALUES (?,NULL,NULL,?,'hire',?,?,?,?,?,?,'in_progress',?,?,?,?)",
            {sqlText(cid), sqlText(id), sqlText(h.buyer), sqlText(h.seller),
             h.priceCents ? sqlInt(*h.priceCents) : sqlNull(), sqlText(h.priceText), sqlText(h.currency),
             sqlInt(escrowed ? 1 : 0), sqlText(storeJson(terms)), sqlText(storeJson(payment)), sqlText(now),
             sqlText(now)});
    tx.exec("UPDATE hires SET contract_id = ? WHERE id = ?", {sqlText(cid), sqlText(id)});
    Notifier::notify(
        tx, m_p.clock, h.buyer, "hire.accepted", "contract", cid,
        "Your hire of " + (skill ? skill->title : std::string("a skill")) + " was accepted" +
            (escrowed ? "; " + moneyText(*h.priceCents) + " CREDITS are in escrow" : std::string()));
    const auto after = hireJson(tx, id);
    AuditLog::record(tx, &a, "hire", id, "hire.accepted", before, after, now);
    AuditLog::record(tx, &a, "contract", cid, "contract.created", nullptr,
                     json::object{{"kind", "hire"},
                                  {"hireId", id},
                                  {"status", "in_progress"},
                                  {"escrowed", escrowed},
                                  {"priceText", h.priceText}},
                     now);
    json::object out;
    out["hire"] = after;
    out["contract"] = ContractService::contractJson(tx, cid);
    return out;
}

json::object HireService::decline(store::Transaction& tx, const Actor& a, const std::string& id,
                                  const json::object& body)
{
    const auto h = loadForParty(tx, id, a);
    if (h.seller != a.profileId)
        throw DomainError::forbidden("Only the skill's seller declines a hire");
    requireScope(a, "skills:write");
    Input in(body);
    const auto reason = in.optStr("reason", 0, 2000);
    in.finish();
    const std::string now = m_p.clock.nowIso();
    const auto before = audited(tx, id);
    if (tx.exec(
            "UPDATE hires SET status = 'declined', reason = ?, decided_at = ?, updated_at = ? WHERE id = ? "
            "AND status = 'pending'",
            {sqlOptText(reason), sqlText(now), sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT",
                                    "This hire is no longer pending (status " + h.status + ")");
    Notifier::notify(tx, m_p.clock, h.buyer, "hire.declined", "hire", id,
                     "Your hire was declined" +
                         (reason && !reason->empty() ? ": " + *reason : std::string()));
    const auto after = audited(tx, id);
    AuditLog::record(tx, &a, "hire", id, "hire.declined", before, after, now);
    json::object out;
    out["hire"] = after;
    return out;
}

json::object HireService::withdraw(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const auto h = loadForParty(tx, id, a);
    if (h.buyer != a.profileId)
        throw DomainError::forbidden("Only the buyer withdraws a hire");
    requireScope(a, "skills:write");
    const std::string now = m_p.clock.nowIso();
    const auto before = audited(tx, id);
    if (tx.exec(
            "UPDATE hires SET status = 'withdrawn', decided_at = ?, updated_at = ? WHERE id = ? AND status = "
            "'pending'",
            {sqlText(now), sqlText(now), sqlText(id)}) != 1)
        throw DomainError::conflict("STATE_CONFLICT",
                                    "Only a pending hire can be withdrawn (status " + h.status + ")");
    Notifier::notify(tx, m_p.clock, h.seller, "hire.withdrawn", "hire", id, "A hire request was withdrawn");
    const auto after = audited(tx, id);
    AuditLog::record(tx, &a, "hire", id, "hire.withdrawn", before, after, now);
    json::object out;
    out["hire"] = after;
    return out;
}

} // namespace taskdesk::domain
