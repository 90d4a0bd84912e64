#include "WalletView.h"

namespace taskdesk::ui {

WalletView::WalletView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("walletView"));
}

} // namespace taskdesk::ui
