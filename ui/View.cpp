#include "View.h"

namespace taskdesk::ui {

View::View(const ViewContext& context, QWidget* parent) : QWidget(parent), m_context(context) {}

} // namespace taskdesk::ui
