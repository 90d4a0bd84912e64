#pragma once

#include "Actor.h"
#include "Platform.h"

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace taskdesk::domain {

// A skill as the domain reads it (seed 000's skills, BotEarn's assets).
struct SkillRecord
{
    std::string id, sellerId, title, description, tags, priceAmount, priceCurrency;
    std::optional<std::int64_t> priceCents;
    std::optional<std::string> priceCurrencyCustom;
    std::int64_t deliveryDays = 0;
    bool active = true;
    std::string createdAt, updatedAt;
    bool credits() const { return priceCurrency == "CREDITS" && priceCents.has_value(); }
    // "12.5 USDC" (the custom name for OTHER).
    std::string priceText() const;
    static std::optional<SkillRecord> load(store::Transaction& tx, const std::string& id);
    boost::json::object toJson(store::Transaction& tx) const;
};

// The skills marketplace: sellers publish, edit and retire skills; anyone browses
// the active ones. Retiring keeps the row (hires in progress still point at it).
class SkillService
{
public:
    explicit SkillService(Platform& p) : m_p(p) {}

    boost::json::object create(store::Transaction& tx, const Actor& a, const boost::json::object& body);
    boost::json::object update(store::Transaction& tx, const Actor& a, const std::string& id,
                               const boost::json::object& body);
    boost::json::object retire(store::Transaction& tx, const Actor& a, const std::string& id);
    boost::json::object mine(store::Transaction& tx, const Actor& a, const boost::json::object& query);
    // Public: active skills only, ?query (title and description) &tag, newest first.
    boost::json::object browse(store::Transaction& tx, const boost::json::object& query);
    // Public: any skill by id, retired ones included (shown with active: false).
    boost::json::object get(store::Transaction& tx, const std::string& id);

private:
    Platform& m_p;
};

} // namespace taskdesk::domain
