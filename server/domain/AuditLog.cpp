#include "AuditLog.h"

#include "Access.h"
#include "Ids.h"

namespace taskdesk::domain {

namespace json = boost::json;
using store::sqlText;

namespace {

QVariant stateText(const json::value& v)
{
    if (v.is_null())
        return QVariant(QMetaType(QMetaType::QString));
    return sqlText(json::serialize(v));
}

json::value parsedState(store::Rows& r, int col)
{
    if (r.isNull(col))
        return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(r.str(col), ec);
    return ec ? json::value(nullptr) : v;
}

constexpr const char* kColumns =
    "id, actor_id, credential, delegation_id, entity_type, entity_id, action, before_state, after_state, "
    "created_at";

json::object entryJson(store::Rows& r)
{
    json::object o;
    o["id"] = r.str(0);
    o["actorId"] = r.isNull(1) ? json::value(nullptr) : json::value(r.str(1));
    o["credential"] = r.str(2);
    o["delegationId"] = r.isNull(3) ? json::value(nullptr) : json::value(r.str(3));
    o["entityType"] = r.str(4);
    o["entityId"] = r.str(5);
    o["action"] = r.str(6);
    o["before"] = parsedState(r, 7);
    o["after"] = parsedState(r, 8);
    o["createdAt"] = r.str(9);
    return o;
}

} // namespace

void AuditLog::record(store::Transaction& tx, const Actor* actor, const std::string& entityType,
                      const std::string& entityId, const std::string& action, const json::value& before,
                      const json::value& after, const std::string& atIso)
{
    const QVariant none{QMetaType(QMetaType::QString)}; // braces: clang reads () as a function declaration
    tx.exec("INSERT INTO audit_log(id, actor_id, credential, delegation_id, entity_type, entity_id, action, "
            "before_state, after_state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {sqlText(newId("aud_")), actor ? sqlText(actor->profileId) : none,
             sqlText(actor ? actor->credentialLabel() : std::string("system")),
             actor && !actor->delegationId.empty() ? sqlText(actor->delegationId) : none, sqlText(entityType),
             sqlText(entityId), sqlText(action), stateText(before), stateText(after), sqlText(atIso)});
}

json::object AuditLog::list(store::Transaction& tx, const Filter& filter, const json::object& query)
{
    const Page page = pageFrom(query);
    std::string sql = std::string("SELECT ") + kColumns + " FROM audit_log WHERE 1 = 1";
    store::SqlArgs args;
    auto where = [&](const char* clause, const std::string& value) {
        if (value.empty())
            return;
        sql += clause;
        args.push_back(sqlText(value));
    };
    where(" AND entity_type = ?", filter.entityType);
    where(" AND entity_id = ?", filter.entityId);
    where(" AND actor_id = ?", filter.actorId);
    where(" AND delegation_id = ?", filter.delegationId);
    where(" AND id < ?", page.cursor);
    sql += " ORDER BY id DESC LIMIT ?";
    args.push_back(store::sqlInt(page.limit + 1));
    auto r = tx.query(sql.c_str(), args);
    json::array items;
    while (r.next())
        items.push_back(entryJson(r));
    json::object out;
    finishPage(out, "entries", std::move(items), page.limit);
    return out;
}

json::array AuditLog::forEntity(store::Transaction& tx, const std::string& entityType,
                                const std::string& entityId)
{
    auto r = tx.query((std::string("SELECT ") + kColumns +
                       " FROM audit_log WHERE entity_type = ? AND entity_id = ? ORDER BY id ASC LIMIT 1000")
                          .c_str(),
                      {sqlText(entityType), sqlText(entityId)});
    json::array items;
    while (r.next())
        items.push_back(entryJson(r));
    return items;
}

} // namespace taskdesk::domain
