#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

namespace taskdesk::ui {

// A strip that says what went wrong and what to do, with "Try again" when a
// retry can help. Hidden until showError(). Used at the top of the main window
// for commands started from views and inside dialogs for their own forms.
class ErrorBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget* parent = nullptr);

    void showError(const QString& message, bool canRetry);
    void showInfo(const QString& message);
    QString message() const;
    bool isRetryOffered() const;

signals:
    void retryRequested();
    void dismissed();

private:
    QLabel* m_label;
    QPushButton* m_retry;
    QPushButton* m_dismiss;
};

} // namespace taskdesk::ui
