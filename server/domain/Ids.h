#pragma once

#include <string>
#include <string_view>

namespace taskdesk::domain {

// Opaque ids with a type prefix ("tsk_", "bid_", ...). The body is the creation
// time in milliseconds followed by randomness, so ids of one kind sort by
// creation (lists and event cursors rely on that) and cannot be guessed.
std::string newId(std::string_view prefix);
bool looksLikeId(std::string_view id, std::string_view prefix);

} // namespace taskdesk::domain
