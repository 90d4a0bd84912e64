#pragma once

#include "View.h"

namespace taskdesk::ui {

// PLACEHOLDER: being built.
class BoardView : public View
{
    Q_OBJECT
public:
    explicit BoardView(const ViewContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Board"); }
};

} // namespace taskdesk::ui
