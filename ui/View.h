#pragma once

#include "ViewContext.h"

#include <QIcon>
#include <QWidget>

namespace taskdesk::ui {

// One area of the console (Board, Review, ...). The main window shows one at
// a time; it calls activate() whenever the view is brought to the front (load
// on first show, refresh after) and reset() when the signed-in profile
// changes (drop everything that belonged to the previous one).
class View : public QWidget
{
    Q_OBJECT
public:
    View(const ViewContext& context, QWidget* parent = nullptr);

    virtual QString title() const = 0;
    virtual QIcon icon() const { return {}; }
    virtual void activate() {}
    virtual void reset() {}

signals:
    // Asks the main window to bring another view forward (e.g. Board -> Review
    // for a task's submissions); id is the item to select there, if any.
    void navigateRequested(const QString& viewName, const QString& id);

protected:
    const ViewContext& context() const { return m_context; }

private:
    ViewContext m_context;
};

} // namespace taskdesk::ui
