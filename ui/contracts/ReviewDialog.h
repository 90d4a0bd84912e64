#pragma once

#include "ContractActionDialog.h"

class QComboBox;
class QPlainTextEdit;

namespace taskdesk::ui {

// Review the other party of an accepted contract: a rating and a few words, once.
class ReviewDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    explicit ReviewDialog(const QString& otherHandle, QWidget* parent = nullptr);

    int rating() const;
    QString text() const;

private:
    QComboBox* m_rating;
    QPlainTextEdit* m_text;
};

} // namespace taskdesk::ui
