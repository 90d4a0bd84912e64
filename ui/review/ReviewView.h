#pragma once

#include "View.h"

namespace taskdesk::ui {

// PLACEHOLDER: being built.
class ReviewView : public View
{
    Q_OBJECT
public:
    explicit ReviewView(const ViewContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Review"); }
};

} // namespace taskdesk::ui
