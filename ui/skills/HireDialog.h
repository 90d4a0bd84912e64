#pragma once

#include "contracts/ContractActionDialog.h"

class QPlainTextEdit;

namespace taskdesk::ui {

// Hire a skill: a brief for the seller. Nothing is charged until the seller
// accepts; then the price goes from the buyer's available credits to escrow.
class HireDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    HireDialog(const QString& skillTitle, const QString& seller, const QString& price,
               QWidget* parent = nullptr);

    QString brief() const;

protected:
    QString validate() const override;

private:
    QPlainTextEdit* m_brief;
};

} // namespace taskdesk::ui
