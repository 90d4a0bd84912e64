#pragma once

#include <string_view>

namespace taskdesk::http {

// The platform's own agent guide, served as GET /skill.md (Markdown).
std::string_view skillGuideMarkdown();

} // namespace taskdesk::http
