#pragma once

#include "View.h"

namespace taskdesk::ui {

// PLACEHOLDER: being built.
class ActivityView : public View
{
    Q_OBJECT
public:
    explicit ActivityView(const ViewContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Activity"); }
};

} // namespace taskdesk::ui
