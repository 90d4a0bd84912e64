#pragma once

#include "SplitPreview.h"

#include <QDialog>
#include <QPointer>

class QButtonGroup;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;
class QSlider;
class QSpinBox;
class QStackedWidget;

namespace taskdesk::ui {

class ApiCommand;
class CommandRunner;
class ErrorBanner;

// Deciding a dispute: the outcome (release to the worker, refund to the
// owner, or a split with the worker's percent on a slider), a note, and the
// exact credits each side gets, recomputed live as the slider moves. "Review"
// leads to a confirmation page that repeats the figures; only "Confirm"
// sends the resolution (through the console's runner, one Idempotency-Key per
// decision). The dialog closes once the server agreed; on failure it stays
// with the figures and the reason shown.
class ResolveDialog : public QDialog
{
    Q_OBJECT
public:
    ResolveDialog(qint64 escrowCents, int feePercent, bool feeKnown, const QString& currency,
                  QWidget* parent = nullptr);

    models::SplitPreview preview() const;
    QString note() const;

    // The command to run on confirm; the dialog takes it over.
    void setCommand(ApiCommand* command, CommandRunner* runner);

private:
    void updatePreview();
    void review();
    void back();
    void confirm();

    qint64 m_escrowCents;
    int m_feePercent;
    bool m_feeKnown;
    QString m_currency;

    QStackedWidget* m_pages;
    QButtonGroup* m_outcomes;
    QRadioButton* m_release;
    QRadioButton* m_refund;
    QRadioButton* m_split;
    QSlider* m_slider;
    QSpinBox* m_percent;
    QLabel* m_preview;
    QLabel* m_feeNote;
    QPlainTextEdit* m_note;
    QPushButton* m_review;
    QLabel* m_confirmText;
    QPushButton* m_confirm;
    QPushButton* m_back;
    ErrorBanner* m_error;
    QPointer<ApiCommand> m_command;
    QPointer<CommandRunner> m_runner;
};

} // namespace taskdesk::ui
