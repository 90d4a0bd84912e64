#pragma once

#include <QDialog>

class QRadioButton;

namespace taskdesk::ui {

// First start: use the local sandbox (pre-selected, nothing to set up) or
// connect to a server. The sandbox choice is disabled when this build or
// this run has none.
class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Choice
    {
        Sandbox,
        Connect
    };
    WelcomeDialog(bool sandboxAvailable, const QString& sandboxLocation, QWidget* parent = nullptr);
    Choice choice() const;

private:
    QRadioButton* m_sandbox;
    QRadioButton* m_connect;
};

} // namespace taskdesk::ui
