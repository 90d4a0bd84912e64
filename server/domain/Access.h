#pragma once

#include "Actor.h"
#include "DomainError.h"
#include "Database.h"

#include <boost/json.hpp>

#include <string>
#include <utility>

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
