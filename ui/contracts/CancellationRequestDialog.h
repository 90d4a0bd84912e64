#pragma once

#include "ContractActionDialog.h"

class QPlainTextEdit;

namespace taskdesk::ui {

// Ask the other party to cancel a running contract, with the reason they will
// read, and what a confirmed cancellation does with the money.
class CancellationRequestDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    // asBuyer: the one asking pays the penalty rule (a buyer's request gives the seller half).
    CancellationRequestDialog(bool asBuyer, const QString& price, QWidget* parent = nullptr);

    QString reason() const;

protected:
    QString validate() const override;

private:
    QPlainTextEdit* m_reason;
};

} // namespace taskdesk::ui
