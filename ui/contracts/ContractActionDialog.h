#pragma once

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace taskdesk::ui {

class ApiCommand;
class CommandRunner;
class ErrorBanner;

// The frame of the contract actions that need a few words from the user
// (deliver, ask to cancel, review): a form, an inline error strip and a submit
// button. The command runs through the console's runner (progress in the
// status bar); on failure the dialog stays open with everything typed and the
// server's reason shown inline; on success it closes.
class ContractActionDialog : public QDialog
{
    Q_OBJECT
public:
    ContractActionDialog(const QString& title, const QString& submitText, QWidget* parent = nullptr);

    // The command to run on submit; the dialog takes it over.
    void setCommand(ApiCommand* command, CommandRunner* runner);
    ApiCommand* command() const;
    ErrorBanner* errorBanner() const { return m_error; }

protected:
    QFormLayout* form() const { return m_form; }
    void setIntro(const QString& text);
    // What is missing before the form can be sent; empty when it can.
    virtual QString validate() const { return {}; }
    // Subclasses call this when a field changes.
    void updateState();

private:
    void submit();

    QLabel* m_intro;
    QFormLayout* m_form;
    ErrorBanner* m_error;
    QLabel* m_hint;
    QDialogButtonBox* m_buttons;
    QPushButton* m_submit;
    QPointer<ApiCommand> m_command;
    QPointer<CommandRunner> m_runner;
};

} // namespace taskdesk::ui
