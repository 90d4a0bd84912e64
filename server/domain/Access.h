#pragma once

#include "Actor.h"
#include "Database.h"
#include "DomainError.h"

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace taskdesk::domain {

// 403 MISSING_SCOPE unless the credential carries scope. Called after the
// object has been found visible, so that a hidden object stays a 404.
inline void requireScope(const Actor& a, const std::string& scope)
{
    if (!a.hasScope(scope))
        throw DomainError(ErrorKind::Forbidden, "MISSING_SCOPE", "This credential lacks the scope " + scope,
                          {{"scope", scope}});
}

// Cursor paging over id-ordered lists (ids sort by creation): newest first.
struct Page
{
    std::string cursor; // the last id of the previous page, empty for the first
    int limit = 20;
};

Page pageFrom(const boost::json::object& query);

// A query parameter as text ("" when absent).
inline std::string queryText(const boost::json::object& query, const char* key)
{
    const auto* v = query.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Maps the ids of a finished query to JSON, after every row was read (on
// PostgreSQL a second query inside a row loop would cut the first one short).
// "a, b, c" as "t.a, t.b, t.c": a column list for a query that joins tables.
std::string qualifiedColumns(const std::string& columns, const std::string& alias);

template <class ToJson> boost::json::array mapIds(store::Rows& rows, ToJson&& toJson)
{
    std::vector<std::string> ids;
    while (rows.next())
        ids.push_back(rows.str(0));
    boost::json::array items;
    for (const auto& id : ids)
        items.push_back(toJson(id));
    return items;
}

// Appends "nextCursor" for a list whose query fetched limit+1 rows.
inline void finishPage(boost::json::object& out, const char* listName, boost::json::array items, int limit)
{
    boost::json::value next = nullptr;
    if (static_cast<int>(items.size()) > limit) {
        items.resize(static_cast<std::size_t>(limit));
        next = items.back().as_object().at("id");
    }
    out[listName] = std::move(items);
    out["nextCursor"] = std::move(next);
}

boost::json::value parseStoredJson(const std::string& text);
std::string storeJson(const boost::json::value& v);

} // namespace taskdesk::domain
