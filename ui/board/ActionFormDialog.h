#pragma once

#include "ViewContext.h"

#include <QDialog>
#include <QJsonObject>
#include <functional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace taskdesk::models {
class JsonJob;
}

namespace taskdesk::ui {

class ApiCommand;
class ErrorBanner;

// A small form for one action on the board that needs a few words or an
// amount from the user (bid, counter-offer, reject with a reason, cancel with
// a confirmation). The action runs as one ApiCommand through the runner; the
// dialog stays open with everything typed and the server's reason shown when
// it fails, and a retry of the same request reuses its Idempotency-Key.
class ActionFormDialog : public QDialog
{
    Q_OBJECT
public:
    struct Fields
    {
        // Amount: empty label = no amount field. A CREDITS amount must be > 0
        // with at most 2 decimals; any other currency is free text.
        QString amountLabel;
        QString currency = QStringLiteral("CREDITS");
        bool amountRequired = false;
        bool eta = false;
        // Text: empty label = no text field.
        QString textLabel;
        bool textRequired = false;
        bool multiline = false;
    };
    using Factory = std::function<models::JsonJob*(const ActionFormDialog& form)>;

    ActionFormDialog(const ViewContext& context, const QString& title, const QString& prompt,
                     const QString& actionText, const Fields& fields, Factory factory,
                     QWidget* parent = nullptr);

    // What the form holds now.
    QString amountText() const;
    bool isCreditsAmount() const { return m_fields.currency == QLatin1String("CREDITS"); }
    // The amount as an API number (CREDITS only); call when the form is valid.
    double amountValue() const;
    int etaDays() const;
    QString text() const;
    // The first thing that keeps the action from being sent; empty when none.
    QString problem() const;

signals:
    // The action went through; json is the server's whole answer.
    void succeeded(const QJsonObject& json);

private:
    void updateState();
    void submit();
    void onFailed();

    ViewContext m_context;
    Fields m_fields;
    Factory m_factory;
    ApiCommand* m_command = nullptr;
    ErrorBanner* m_banner;
    QLineEdit* m_amount = nullptr;
    QSpinBox* m_eta = nullptr;
    QLineEdit* m_line = nullptr;
    QPlainTextEdit* m_multi = nullptr;
    QLabel* m_hint;
    QPushButton* m_submit;
};

} // namespace taskdesk::ui
