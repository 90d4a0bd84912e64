#include "BidService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Notifier.h"
#include "TaskRecord.h"

#include <charconv>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

struct BidRow
{
    std::string id, taskId, bidder, status;
    std::optional<std::int64_t> cents;
};

std::optional<BidRow> loadBid(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query("SELECT id, task_id, bidder_id, status, proposed_cents FROM bids WHERE id = ?",
                      {sqlText(id)});
    if (!r.next())
        return std::nullopt;
    return BidRow{r.str(0), r.str(1), r.str(2), r.str(3), r.optI64(4)};
}

// The bidder and the task's owner may see a bid; to anyone else it does not exist.
std::pair<BidRow, TaskRecord> loadForParty(store::Transaction& tx, const std::string& id, const Actor& a)
{
    auto b = loadBid(tx, id);
    if (!b)
        throw DomainError::notFound("Bid");
    auto t = TaskRecord::loadForAction(tx, b->taskId);
    if (b->bidder != a.profileId && t.ownerId != a.profileId)
        throw DomainError::notFound("Bid");
    return {*b, t};
}

// Writers on a bid lock its task first (see TaskRecord::lockForWrite), then read the bid.
void lockTaskOfBid(store::Transaction& tx, const std::string& bidId)
{
    if (auto b = loadBid(tx, bidId))
        TaskRecord::lockForWrite(tx, b->taskId);
}

struct Price
{
    std::string text;
    std::optional<std::int64_t> cents;
};

// priceText ("450 CREDITS", "450") and/or proposedAmount; for a CREDITS task the
// price must resolve to cents within the escrowed budget.
Price readPrice(Input& in, const TaskRecord& t, bool required, const char* textField = "priceText",
                const char* amountField = "proposedAmount")
{
    Price p;
    const auto text = in.optStr(textField, 1, 100);
    std::optional<Amount> amount;
    if (in.has(amountField))
        amount = in.optAmount(amountField, t.credits());
    if (!text && !in.has(amountField)) {
        if (required)
            in.fail(textField, "priceText or proposedAmount is required");
        return p;
    }
    if (amount) {
        if (t.credits())
            p.cents = amount->cents;
        p.text = text.value_or(amount->text + " " + t.currency.value_or("CREDITS"));
    } else if (text) {
        p.text = *text;
        if (t.credits() && in.ok()) {
            const auto sp = text->find(' ');
            const std::string num = text->substr(0, sp);
            const std::string cur = sp == std::string::npos ? "CREDITS" : text->substr(sp + 1);
            double d = 0;
            auto r = std::from_chars(num.data(), num.data() + num.size(), d);
            std::string reason;
            std::optional<Amount> parsed;
            if (r.ec == std::errc() && r.ptr == num.data() + num.size() && cur == "CREDITS")
                parsed = Input::parseAmount(json::value(d), true, reason);
            if (!parsed)
                in.fail(textField, "for a CREDITS task, give proposedAmount or a price like \"450 CREDITS\"");
            else
                p.cents = parsed->cents;
        }
    }
    if (p.cents && t.budgetCents && *p.cents > *t.budgetCents)
        in.fail(amountField,
                "may not exceed the task's escrowed budget of " + moneyText(*t.budgetCents) + " CREDITS");
    return p;
}

json::object counterOfferJson(store::Rows& r)
{
    json::object o;
    o["id"] = r.str(0);
    o["bidId"] = r.str(1);
    o["priceText"] = r.str(2);
    o["proposedAmount"] = r.optI64(3) ? money(*r.optI64(3)) : json::value(nullptr);
    o["etaDays"] = r.optI64(4) ? json::value(*r.optI64(4)) : json::value(nullptr);
    o["approach"] = r.textOrNull(5);
    o["message"] = r.textOrNull(6);
    o["status"] = r.str(7);
    o["reason"] = r.textOrNull(8);
    o["createdAt"] = r.str(9);
    o["updatedAt"] = r.str(10);
    return o;
}
constexpr const char* kCoCols = "id, bid_id, price_text, proposed_cents, eta_days, approach, message, "
                                "status, reason, created_at, updated_at";

} // namespace

json::object BidService::bidJson(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query(
        "SELECT id, task_id, bidder_id, price_text, proposed_cents, eta_days, approach, status, reason,"
        " created_at, updated_at FROM bids WHERE id = ?",
        {sqlText(id)});
    if (!r.next())
        throw DomainError::notFound("Bid");
    json::object o;
    o["id"] = r.str(0);
    o["taskId"] = r.str(1);
    const std::string bidder = r.str(2);
    o["priceText"] = r.str(3);
    o["proposedAmount"] = r.optI64(4) ? money(*r.optI64(4)) : json::value(nullptr);
    o["etaDays"] = r.optI64(5) ? json::value(*r.optI64(5)) : json::value(nullptr);
    o["approach"] = r.textOrNull(6);
    o["status"] = r.str(7);
    o["reason"] = r.textOrNull(8);
    o["createdAt"] = r.str(9);
    o["updatedAt"] = r.str(10);
    o["bidder"] = AccountService::profileSummary(tx, bidder);
    return o;
}

json::object BidService::create(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                const json::object& body)
{
    TaskRecord::lockForWrite(tx, taskId);
    const auto t = TaskRecord::loadForAction(tx, taskId);
    requireScope(a, "bids:write");
    if (t.ownerId == a.profileId)
        throw DomainError(ErrorKind::Forbidden, "SELF_BID", "You cannot bid on your own task");
    Input in(body);
    const auto price = readPrice(in, t, true);
    const auto eta = in.optInt("etaDays", 0, 3650);
    const auto approach = in.optStr("approach", 0, 20000);
    in.finish();
    if (t.mode != "bid")
        throw DomainError::conflict("WRONG_MODE", "This task takes " + t.mode + "s, not bids");
    if (t.hasSubtasks)
        throw DomainError::conflict("PARENT_TASK", "This task was split; bid on one of its subtasks");
    if (t.status != "open")
        throw DomainError::conflict("TASK_NOT_OPEN", "This task is no longer open");
    if (tx.scalarInt("SELECT 1 FROM bids WHERE task_id = ? AND bidder_id = ? AND status = 'active'",
                     {sqlText(taskId), sqlText(a.profileId)}))
        throw DomainError::conflict("DUPLICATE_BID", "You already have an active bid on this task");
    const std::string id = newId("bid_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO bids(id, task_id, bidder_id, price_text, proposed_cents, eta_days, approach, "
            "status, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,'active',?,?)",
            {sqlText(id), sqlText(taskId), sqlText(a.profileId), sqlText(price.text),
             price.cents ? sqlInt(*price.cents) : sqlNull(), eta ? sqlInt(*eta) : sqlNull(),
             sqlOptText(approach), sqlText(now), sqlText(now)});
    Notifier::notify(tx, m_p.clock, t.ownerId, "bid.received", "bid", id,
                     "New bid on " + t.title + ": " + price.text);
    json::object out;
    out["bid"] = bidJson(tx, id);
    AuditLog::record(tx, &a, "bid", id, "bid.created", nullptr, out["bid"], now);
    return out;
}

json::object BidService::listMine(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "bids:read");
    auto q = [&](const char* k) { return queryText(query, k); };
    const auto page = pageFrom(query);
    auto r = tx.query(
        "SELECT id FROM bids WHERE bidder_id = ? AND (? = '' OR status = ?) AND (? = '' OR task_id = ?)"
        " AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
        {sqlText(a.profileId), sqlText(q("status")), sqlText(q("status")), sqlText(q("taskId")),
         sqlText(q("taskId")), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    std::vector<std::string> ids;
    while (r.next())
        ids.push_back(r.str(0));
    json::array items;
    for (const auto& id : ids) {
        auto b = bidJson(tx, id);
        if (auto t = TaskRecord::load(tx, std::string(b["taskId"].as_string()))) {
            json::object ts;
            ts["id"] = t->id;
            ts["title"] = t->title;
            ts["status"] = t->status;
            b["task"] = std::move(ts);
        }
        items.push_back(std::move(b));
    }
    json::object out;
    finishPage(out, "bids", std::move(items), page.limit);
    return out;
}

json::object BidService::listForTask(store::Transaction& tx, const Actor& a, const std::string& taskId,
                                     const json::object& query)
{
    const auto t = TaskRecord::loadVisible(tx, taskId, &a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner sees its bids");
    requireScope(a, "bids:read");
    const auto page = pageFrom(query);
    std::string status;
    if (const auto* s = query.if_contains("status"); s && s->is_string())
        status = std::string(s->as_string());
    auto r =
        tx.query("SELECT id FROM bids WHERE task_id = ? AND (? = '' OR status = ?) AND (? = '' OR id < ?)"
                 " ORDER BY id DESC LIMIT ?",
                 {sqlText(taskId), sqlText(status), sqlText(status), sqlText(page.cursor),
                  sqlText(page.cursor), sqlInt(page.limit + 1)});
    json::array items = mapIds(r, [&](const std::string& id) { return bidJson(tx, id); });
    json::object out;
    finishPage(out, "bids", std::move(items), page.limit);
    return out;
}

json::object BidService::get(store::Transaction& tx, const Actor& a, const std::string& id)
{
    loadForParty(tx, id, a);
    requireScope(a, "bids:read");
    json::object out;
    out["bid"] = bidJson(tx, id);
    return out;
}

json::object BidService::update(store::Transaction& tx, const Actor& a, const std::string& id,
                                const json::object& body)
{
    lockTaskOfBid(tx, id);
    auto [b, t] = loadForParty(tx, id, a);
    requireScope(a, "bids:write");
    Input in(body);
    const std::string action = in.requiredEnum("action", {"withdraw", "reject", "amend"});
    const bool bidder = b.bidder == a.profileId;
    if (in.ok()) {
        if ((action == "withdraw" || action == "amend") && !bidder)
            throw DomainError::forbidden("Only the bidder may " + action + " a bid");
        if (action == "reject" && bidder)
            throw DomainError::forbidden("Only the task's owner may reject a bid");
    }
    const auto reason = in.optStr("reason", 0, 2000);
    Price price;
    std::optional<std::int64_t> eta;
    std::optional<std::string> approach;
    if (action == "amend") {
        price = readPrice(in, t, false);
        eta = in.optInt("etaDays", 0, 3650);
        approach = in.optStr("approach", 0, 20000);
        if (price.text.empty() && !eta && !approach)
            in.fail("proposedAmount", "amend needs a new price, etaDays or approach");
    }
    in.finish();
    if (b.status != "active")
        throw DomainError::conflict("BID_NOT_ACTIVE", "This bid is no longer active");
    const std::string now = m_p.clock.nowIso();
    if (action == "withdraw") {
        tx.exec("UPDATE bids SET status = 'withdrawn', reason = ?, updated_at = ? WHERE id = ?",
                {sqlOptText(reason), sqlText(now), sqlText(id)});
        tx.exec("UPDATE counter_offers SET status = 'withdrawn', updated_at = ? WHERE bid_id = ? AND status "
                "= 'pending'",
                {sqlText(now), sqlText(id)});
        Notifier::notify(tx, m_p.clock, t.ownerId, "bid.withdrawn", "bid", id,
                         "A bid on " + t.title + " was withdrawn");
    } else if (action == "reject") {
        tx.exec("UPDATE bids SET status = 'rejected', reason = ?, updated_at = ? WHERE id = ?",
                {sqlOptText(reason), sqlText(now), sqlText(id)});
        tx.exec("UPDATE counter_offers SET status = 'withdrawn', updated_at = ? WHERE bid_id = ? AND status "
                "= 'pending'",
                {sqlText(now), sqlText(id)});
        Notifier::notify(tx, m_p.clock, b.bidder, "bid.rejected", "bid", id,
                         "Your bid on " + t.title + " was rejected" + (reason ? ": " + *reason : ""));
    } else {
        if (t.status != "open")
            throw DomainError::conflict("TASK_NOT_OPEN", "Bids can be amended only while the task is open");
        if (!price.text.empty())
            tx.exec("UPDATE bids SET price_text = ?, proposed_cents = ? WHERE id = ?",
                    {sqlText(price.text), price.cents ? sqlInt(*price.cents) : sqlNull(), sqlText(id)});
        if (eta)
            tx.exec("UPDATE bids SET eta_days = ? WHERE id = ?", {sqlInt(*eta), sqlText(id)});
        if (approach)
            tx.exec("UPDATE bids SET approach = ? WHERE id = ?", {sqlText(*approach), sqlText(id)});
        tx.exec("UPDATE bids SET updated_at = ? WHERE id = ?", {sqlText(now), sqlText(id)});
        Notifier::notify(tx, m_p.clock, t.ownerId, "bid.amended", "bid", id,
                         "A bid on " + t.title + " was amended" + (reason ? ": " + *reason : ""));
    }
    json::object out;
    out["bid"] = bidJson(tx, id);
    AuditLog::record(tx, &a, "bid", id, "bid." + action, nullptr, out["bid"], now);
    return out;
}

json::object BidService::listCounterOffers(store::Transaction& tx, const Actor& a, const std::string& bidId)
{
    loadForParty(tx, bidId, a);
    requireScope(a, "bids:read");
    auto r = tx.query(
        (std::string("SELECT ") + kCoCols + " FROM counter_offers WHERE bid_id = ? ORDER BY id DESC").c_str(),
        {sqlText(bidId)});
    json::array items;
    while (r.next())
        items.push_back(counterOfferJson(r));
    json::object out;
    out["counterOffers"] = std::move(items);
    out["nextCursor"] = nullptr;
    return out;
}

json::object BidService::createCounterOffer(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                            const json::object& body)
{
    lockTaskOfBid(tx, bidId);
    auto [b, t] = loadForParty(tx, bidId, a);
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner makes counter-offers");
    requireScope(a, "bids:write");
    Input in(body);
    const auto price = readPrice(in, t, true);
    const auto eta = in.optInt("etaDays", 0, 3650);
    const auto approach = in.optStr("approach", 0, 20000);
    const auto message = in.optStr("message", 0, 5000);
    in.finish();
    if (b.status != "active" || t.status != "open")
        throw DomainError::conflict("BID_NOT_ACTIVE", "This bid is no longer active");
    if (tx.scalarInt("SELECT 1 FROM counter_offers WHERE bid_id = ? AND status = 'pending'",
                     {sqlText(bidId)}))
        throw DomainError::conflict("COUNTER_OFFER_PENDING",
                                    "A counter-offer is already pending on this bid");
    const std::string id = newId("cof_");
    const std::string now = m_p.clock.nowIso();
    tx.exec("INSERT INTO counter_offers(id, bid_id, price_text, proposed_cents, eta_days, approach, message, "
            "status,"
            " created_at, updated_at) VALUES (?,?,?,?,?,?,?,'pending',?,?)",
            {sqlText(id), sqlText(bidId), sqlText(price.text), price.cents ? sqlInt(*price.cents) : sqlNull(),
             eta ? sqlInt(*eta) : sqlNull(), sqlOptText(approach), sqlOptText(message), sqlText(now),
             sqlText(now)});
    Notifier::notify(tx, m_p.clock, b.bidder, "bid.counter_offer", "bid", bidId,
                     "Counter-offer on your bid for " + t.title + ": " + price.text);
    auto r = tx.query((std::string("SELECT ") + kCoCols + " FROM counter_offers WHERE id = ?").c_str(),
                      {sqlText(id)});
    r.next();
    json::object out;
    out["counterOffer"] = counterOfferJson(r);
    return out;
}

json::object BidService::withdrawCounterOffer(store::Transaction& tx, const Actor& a,
                                              const std::string& bidId, const std::string& coId,
                                              const json::object& body)
{
    lockTaskOfBid(tx, bidId);
    auto [b, t] = loadForParty(tx, bidId, a);
    auto status = tx.scalarText("SELECT status FROM counter_offers WHERE id = ? AND bid_id = ?",
                                {sqlText(coId), sqlText(bidId)});
    if (!status)
        throw DomainError::notFound("Counter-offer");
    if (t.ownerId != a.profileId)
        throw DomainError::forbidden("Only the task's owner withdraws counter-offers");
    requireScope(a, "bids:write");
    Input in(body);
    in.requiredEnum("action", {"withdraw"});
    in.finish();
    if (*status != "pending")
        throw DomainError::conflict("STATE_CONFLICT", "This counter-offer is no longer pending");
    tx.exec("UPDATE counter_offers SET status = 'withdrawn', updated_at = ? WHERE id = ?",
            {sqlText(m_p.clock.nowIso()), sqlText(coId)});
    auto r = tx.query((std::string("SELECT ") + kCoCols + " FROM counter_offers WHERE id = ?").c_str(),
                      {sqlText(coId)});
    r.next();
    json::object out;
    out["counterOffer"] = counterOfferJson(r);
    return out;
}

json::object BidService::respondCounterOffer(store::Transaction& tx, const Actor& a, const std::string& bidId,
                                             const std::string& coId, bool accept, const json::object& body)
{
    lockTaskOfBid(tx, bidId);
    auto [b, t] = loadForParty(tx, bidId, a);
    auto r0 = tx.query("SELECT status, price_text, proposed_cents, eta_days, approach FROM counter_offers "
                       "WHERE id = ? AND bid_id = ?",
                       {sqlText(coId), sqlText(bidId)});
    if (!r0.next())
        throw DomainError::notFound("Counter-offer");
    const std::string status = r0.str(0), priceText = r0.str(1);
    const auto cents = r0.optI64(2);
    const auto eta = r0.optI64(3);
    const auto approach = r0.optStr(4);
    if (b.bidder != a.profileId)
        throw DomainError::forbidden("Only the bidder answers counter-offers");
    requireScope(a, "bids:write");
    Input in(body);
    const auto reason = in.optStr("reason", 0, 2000);
    in.finish();
    if (status != "pending")
        throw DomainError::conflict("STATE_CONFLICT", "This counter-offer is no longer pending");
    if (b.status != "active")
        throw DomainError::conflict("BID_NOT_ACTIVE", "This bid is no longer active");
    const std::string now = m_p.clock.nowIso();
    if (accept) {
        tx.exec("UPDATE counter_offers SET status = 'accepted', updated_at = ? WHERE id = ?",
                {sqlText(now), sqlText(coId)});
        tx.exec("UPDATE bids SET price_text = ?, proposed_cents = ?, eta_days = COALESCE(?, eta_days),"
                " approach = COALESCE(?, approach), updated_at = ? WHERE id = ?",
                {sqlText(priceText), cents ? sqlInt(*cents) : sqlNull(), eta ? sqlInt(*eta) : sqlNull(),
                 sqlOptText(approach), sqlText(now), sqlText(bidId)});
        Notifier::notify(tx, m_p.clock, t.ownerId, "bid.counter_offer_accepted", "bid", bidId,
                         "Your counter-offer on " + t.title + " was accepted");
    } else {
        tx.exec("UPDATE counter_offers SET status = 'rejected', reason = ?, updated_at = ? WHERE id = ?",
                {sqlOptText(reason), sqlText(now), sqlText(coId)});
        Notifier::notify(tx, m_p.clock, t.ownerId, "bid.counter_offer_rejected", "bid", bidId,
                         "Your counter-offer on " + t.title + " was rejected");
    }
    auto r = tx.query((std::string("SELECT ") + kCoCols + " FROM counter_offers WHERE id = ?").c_str(),
                      {sqlText(coId)});
    r.next();
    json::object out;
    out["counterOffer"] = counterOfferJson(r);
    out["bid"] = bidJson(tx, bidId);
    return out;
}

} // namespace taskdesk::domain
