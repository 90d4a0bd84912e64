#pragma once

#include "ContractActionDialog.h"

#include <QJsonObject>

class QLineEdit;
class QPlainTextEdit;

namespace taskdesk::ui {

// Deliver: a summary, the output (JSON when it parses as an object or array,
// else text; machine-verified tasks check it), a link and notes for the buyer.
class DeliverDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    explicit DeliverDialog(const QString& taskTitle, QWidget* parent = nullptr);

    // The submission body as the API takes it.
    QJsonObject submission() const;

protected:
    QString validate() const override;

private:
    QPlainTextEdit* m_summary;
    QPlainTextEdit* m_output;
    QLineEdit* m_link;
    QPlainTextEdit* m_notes;
};

} // namespace taskdesk::ui
