#pragma once

#include "ContractActionDialog.h"

class QPlainTextEdit;

namespace taskdesk::ui {

// Ask support to decide a contract: why, and what shows it. The escrow stays
// where it is until support resolves the dispute.
class OpenDisputeDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    explicit OpenDisputeDialog(const QString& price, QWidget* parent = nullptr);

    QString reason() const;
    QString evidence() const;

protected:
    QString validate() const override;

private:
    QPlainTextEdit* m_reason;
    QPlainTextEdit* m_evidence;
};

} // namespace taskdesk::ui
