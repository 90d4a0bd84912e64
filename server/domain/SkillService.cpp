#include "SkillService.h"

#include "Access.h"
#include "AccountService.h"
#include "AuditLog.h"
#include "DomainError.h"
#include "Ids.h"
#include "Input.h"
#include "Ledger.h"
#include "Reputation.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlInt;
using store::sqlNull;
using store::sqlOptText;
using store::sqlText;

namespace {

// The same currencies a task budget may name.
const std::vector<std::string> kCurrencies = {"CREDITS", "USDC", "USDT", "ETH", "SOL",
                                              "BTC",     "BNB",  "MOLT", "USD", "OTHER"};

constexpr const char* kCols = "id, seller_id, title, description, tags, price_amount, price_cents, "
                              "price_currency, price_currency_custom, delivery_days, active, created_at, "
                              "updated_at";

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::vector<std::string> normaliseTags(std::vector<std::string> tags)
{
    for (auto& t : tags)
        t = lower(t);
    std::sort(tags.begin(), tags.end());
    tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
    return tags;
}

json::array toArray(const std::vector<std::string>& v)
{
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

SkillRecord fromRow(store::Rows& r)
{
    SkillRecord s;
    s.id = r.str(0);
    s.sellerId = r.str(1);
    s.title = r.str(2);
    s.description = r.str(3);
    s.tags = r.str(4);
    s.priceAmount = r.str(5);
    s.priceCents = r.optI64(6);
    s.priceCurrency = r.str(7);
    s.priceCurrencyCustom = r.optStr(8);
    s.deliveryDays = r.i64(9);
    s.active = r.i64(10) != 0;
    s.createdAt = r.str(11);
    s.updatedAt = r.str(12);
    return s;
}

// Read the price fields. required: on create (a PATCH may leave them out).
struct Price
{
    std::optional<std::string> amountText, currency, custom;
    std::optional<std::int64_t> cents;
};

Price readPrice(Input& in, const SkillRecord* current)
{
    Price p;
    p.currency = in.optEnum("priceCurrency", kCurrencies);
    p.custom = in.optStr("priceCurrencyCustom", 1, 10);
    const std::string currency = p.currency.value_or(current ? current->priceCurrency : "CREDITS");
    if (!current && !p.currency)
        p.currency = "CREDITS";
    const bool credits = currency == "CREDITS";
    if (in.has("priceAmount") && !in.isNull("priceAmount")) {
        if (auto a = in.optAmount("priceAmount", credits)) {
            p.amountText = a->text;
            if (credits)
                p.cents = a->cents;
        }
    } else if (!current || p.currency) {
        // A new skill needs a price; a change of currency needs the amount in it.
        in.fail("priceAmount", current ? "is required when priceCurrency changes" : "is required");
    }
    const std::string custom = p.custom.value_or(current ? current->priceCurrencyCustom.value_or("") : "");
    if (currency == "OTHER" && custom.empty())
        in.fail("priceCurrencyCustom", "is required when priceCurrency is OTHER");
    if (p.custom && currency != "OTHER")
        in.fail("priceCurrencyCustom", "is only allowed with priceCurrency OTHER");
    return p;
}

std::string searchText(const std::string& title, const std::string& description)
{
    return lower(title + "\n" + description);
}

std::string likePattern(const std::string& text)
{
    std::string like;
    for (char c : text) {
        if (c == '%' || c == '_' || c == '\\')
            like.push_back('\\');
        like.push_back(c);
    }
    return "%" + like + "%";
}

} // namespace

std::string SkillRecord::priceText() const
{
    return priceAmount + " " +
           (priceCurrency == "OTHER" && priceCurrencyCustom ? *priceCurrencyCustom : priceCurrency);
}

std::optional<SkillRecord> SkillRecord::load(store::Transaction& tx, const std::string& id)
{
    auto r = tx.query((std::string("SELECT ") + kCols + " FROM skills WHERE id = ?").c_str(), {sqlText(id)});
    if (!r.next())
        return std::nullopt;
    return fromRow(r);
}

json::object SkillRecord::toJson(store::Transaction& tx) const
{
    json::object o;
    o["id"] = id;
    o["seller"] = AccountService::profileSummary(tx, sellerId);
    o["title"] = title;
    o["description"] = description;
    o["tags"] = parseStoredJson(tags);
    o["priceAmount"] =
        priceCents ? money(*priceCents) : json::value(std::strtod(priceAmount.c_str(), nullptr));
    o["priceCurrency"] = priceCurrency;
    if (priceCurrencyCustom)
        o["priceCurrencyCustom"] = *priceCurrencyCustom;
    o["priceText"] = priceText();
    o["deliveryDays"] = deliveryDays;
    o["active"] = active;
    o["createdAt"] = createdAt;
    o["updatedAt"] = updatedAt;
    return o;
}

json::object SkillService::create(store::Transaction& tx, const Actor& a, const json::object& body)
{
    requireScope(a, "skills:write");
    Input in(body);
    const std::string title = in.str("title", 3, 120);
    const std::string description = in.str("description", 10, 20000);
    const auto tags = normaliseTags(in.strList("tags", 20, 40));
    const auto price = readPrice(in, nullptr);
    const auto days = in.optInt("deliveryDays", 1, 365);
    if (!days && !in.has("deliveryDays"))
        in.fail("deliveryDays", "is required (1-365)");
    in.finish();

    const std::string id = newId("skl_");
    const std::string now = m_p.clock.nowIso();
    tx.exec(
        "INSERT INTO skills(id, seller_id, title, description, tags, price_amount, price_cents, "
        "price_currency, price_currency_custom, delivery_days, active, search_text, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?)",
        {sqlText(id), sqlText(a.profileId), sqlText(title), sqlText(description),
         sqlText(storeJson(toArray(tags))), sqlText(*price.amountText),
         price.cents ? sqlInt(*price.cents) : sqlNull(), sqlText(*price.currency), sqlOptText(price.custom),
         sqlInt(*days), sqlText(searchText(title, description)), sqlText(now), sqlText(now)});
    for (const auto& t : tags)
        tx.exec("INSERT INTO skill_tags(skill_id, tag) VALUES (?, ?)", {sqlText(id), sqlText(t)});
    Reputation::award(tx, a.profileId, Reputation::PublishSkill);
    const auto skill = SkillRecord::load(tx, id)->toJson(tx);
    AuditLog::record(tx, &a, "skill", id, "skill.published", nullptr, skill, now);
    json::object out;
    out["skill"] = skill;
    return out;
}

json::object SkillService::update(store::Transaction& tx, const Actor& a, const std::string& id,
                                  const json::object& body)
{
    const auto s = SkillRecord::load(tx, id);
    if (!s)
        throw DomainError::notFound("Skill");
    if (s->sellerId != a.profileId)
        throw DomainError::forbidden("Only the skill's seller can change it");
    requireScope(a, "skills:write");
    Input in(body);
    const auto title = in.optStr("title", 3, 120);
    const auto description = in.optStr("description", 10, 20000);
    std::optional<std::vector<std::string>> tags;
    if (in.has("tags"))
        tags = normaliseTags(in.strList("tags", 20, 40));
    Price price;
    if (in.has("priceAmount") || in.has("priceCurrency") || in.has("priceCurrencyCustom"))
        price = readPrice(in, &*s);
    const auto days = in.optInt("deliveryDays", 1, 365);
    for (const char* fixed : {"active", "sellerId", "id"})
        if (in.has(fixed))
            in.fail(fixed,
                    std::string(fixed) == "active" ? "use DELETE to retire a skill" : "cannot be changed");
    in.finish();
    if (!s->active)
        throw DomainError::conflict("SKILL_INACTIVE", "A retired skill cannot be changed");
    const auto before = s->toJson(tx);
    const std::string now = m_p.clock.nowIso();
    const std::string newTitle = title.value_or(s->title);
    const std::string newDescription = description.value_or(s->description);
    const bool priceChanged = price.amountText.has_value();
    const std::string currency = price.currency.value_or(s->priceCurrency);
    const std::optional<std::string> custom =
        currency == "OTHER" ? (price.custom ? price.custom : s->priceCurrencyCustom) : std::nullopt;
    tx.exec(
        "UPDATE skills SET title = ?, description = ?, tags = ?, price_amount = ?, price_cents = ?, "
        "price_currency = ?, price_currency_custom = ?, delivery_days = ?, search_text = ?, updated_at = ? "
        "WHERE id = ?",
        {sqlText(newTitle), sqlText(newDescription),
         tags ? sqlText(storeJson(toArray(*tags))) : sqlText(s->tags),
         sqlText(priceChanged ? *price.amountText : s->priceAmount),
         priceChanged ? (price.cents ? sqlInt(*price.cents) : sqlNull())
                      : (s->priceCents ? sqlInt(*s->priceCents) : sqlNull()),
         sqlText(currency), sqlOptText(custom), sqlInt(days.value_or(s->deliveryDays)),
         sqlText(searchText(newTitle, newDescription)), sqlText(now), sqlText(id)});
    if (tags) {
        tx.exec("DELETE FROM skill_tags WHERE skill_id = ?", {sqlText(id)});
        for (const auto& t : *tags)
            tx.exec("INSERT INTO skill_tags(skill_id, tag) VALUES (?, ?)", {sqlText(id), sqlText(t)});
    }
    const auto after = SkillRecord::load(tx, id)->toJson(tx);
    AuditLog::record(tx, &a, "skill", id, "skill.updated", before, after, now);
    json::object out;
    out["skill"] = after;
    return out;
}

json::object SkillService::retire(store::Transaction& tx, const Actor& a, const std::string& id)
{
    const auto s = SkillRecord::load(tx, id);
    if (!s)
        throw DomainError::notFound("Skill");
    if (s->sellerId != a.profileId)
        throw DomainError::forbidden("Only the skill's seller can retire it");
    requireScope(a, "skills:write");
    const std::string now = m_p.clock.nowIso();
    // Retiring twice is harmless: DELETE is idempotent and the answer is the same.
    if (s->active) {
        const auto before = s->toJson(tx);
        tx.exec("UPDATE skills SET active = 0, retired_at = ?, updated_at = ? WHERE id = ? AND active = 1",
                {sqlText(now), sqlText(now), sqlText(id)});
        AuditLog::record(tx, &a, "skill", id, "skill.retired", before, SkillRecord::load(tx, id)->toJson(tx),
                         now);
    }
    json::object out;
    out["skill"] = SkillRecord::load(tx, id)->toJson(tx);
    return out;
}

json::object SkillService::mine(store::Transaction& tx, const Actor& a, const json::object& query)
{
    requireScope(a, "skills:read");
    const auto page = pageFrom(query);
    auto r =
        tx.query((std::string("SELECT ") + kCols +
                  " FROM skills WHERE seller_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?")
                     .c_str(),
                 {sqlText(a.profileId), sqlText(page.cursor), sqlText(page.cursor), sqlInt(page.limit + 1)});
    std::vector<SkillRecord> rows;
    while (r.next())
        rows.push_back(fromRow(r));
    json::array items;
    for (const auto& s : rows)
        items.push_back(s.toJson(tx));
    json::object out;
    finishPage(out, "skills", std::move(items), page.limit);
    return out;
}

json::object SkillService::browse(store::Transaction& tx, const json::object& query)
{
    const std::string text = lower(queryText(query, "query"));
    if (Input::codePoints(text) > 200)
        throw DomainError::invalid("query", "must be at most 200 characters");
    for (unsigned char c : text)
        if (c < 0x20)
            throw DomainError::invalid("query", "must not contain control characters");
    const std::string tag = lower(queryText(query, "tag"));
    if (tag.size() > 40)
        throw DomainError::invalid("tag", "must be at most 40 characters");
    const auto page = pageFrom(query);
    std::string sql = std::string("SELECT ") + kCols + " FROM skills s WHERE s.active = 1";
    store::SqlArgs args;
    if (!tag.empty()) {
        sql += " AND EXISTS (SELECT 1 FROM skill_tags g WHERE g.skill_id = s.id AND g.tag = ?)";
        args.push_back(sqlText(tag));
    }
    if (!text.empty()) {
        sql += " AND s.search_text LIKE ? ESCAPE '\\'";
        args.push_back(sqlText(likePattern(text)));
    }
    if (!page.cursor.empty()) {
        sql += " AND s.id < ?";
        args.push_back(sqlText(page.cursor));
    }
    sql += " ORDER BY s.id DESC LIMIT ?";
    args.push_back(sqlInt(page.limit + 1));
    auto r = tx.query(sql.c_str(), args);
    std::vector<SkillRecord> rows;
    while (r.next())
        rows.push_back(fromRow(r));
    json::array items;
    for (const auto& s : rows)
        items.push_back(s.toJson(tx));
    json::object out;
    finishPage(out, "skills", std::move(items), page.limit);
    return out;
}

json::object SkillService::get(store::Transaction& tx, const std::string& id)
{
    const auto s = SkillRecord::load(tx, id);
    if (!s)
        throw DomainError::notFound("Skill");
    json::object out;
    out["skill"] = s->toJson(tx);
    return out;
}

} // namespace taskdesk::domain
