#include "ReviewView.h"

namespace taskdesk::ui {

ReviewView::ReviewView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("reviewView"));
}

} // namespace taskdesk::ui
