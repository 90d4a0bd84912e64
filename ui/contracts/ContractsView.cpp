#include "ContractsView.h"

namespace taskdesk::ui {

ContractsView::ContractsView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("contractsView"));
}

} // namespace taskdesk::ui
