#include "ActivityView.h"

namespace taskdesk::ui {

ActivityView::ActivityView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("activityView"));
}

} // namespace taskdesk::ui
