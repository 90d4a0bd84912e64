#include "BoardView.h"

namespace taskdesk::ui {

BoardView::BoardView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("boardView"));
}

} // namespace taskdesk::ui
