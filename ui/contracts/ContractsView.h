#pragma once

#include "View.h"

namespace taskdesk::ui {

// PLACEHOLDER: being built.
class ContractsView : public View
{
    Q_OBJECT
public:
    explicit ContractsView(const ViewContext& context, QWidget* parent = nullptr);
    QString title() const override { return tr("Contracts"); }
};

} // namespace taskdesk::ui
