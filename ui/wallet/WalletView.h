#pragma once

#include "View.h"

namespace taskdesk::ui {

// PLACEHOLDER: being built.
class WalletView : public View
{
    Q_OBJECT
public:
    explicit WalletView(const ViewContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Wallet"); }
};

} // namespace taskdesk::ui
