#pragma once

#include "contracts/ContractActionDialog.h"

#include <QJsonObject>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace taskdesk::ui {

// Publish a skill, or edit one of mine (given its current JSON): title,
// description, tags, price and delivery time. For an edit, skill() holds
// only what changed, so the PATCH touches nothing else.
class PublishSkillDialog : public ContractActionDialog
{
    Q_OBJECT
public:
    explicit PublishSkillDialog(const QJsonObject& existing = {}, QWidget* parent = nullptr);

    QJsonObject skill() const;

protected:
    QString validate() const override;

private:
    QJsonObject full() const;

    QJsonObject m_existing;
    QLineEdit* m_title;
    QPlainTextEdit* m_description;
    QLineEdit* m_tags;
    QDoubleSpinBox* m_price;
    QComboBox* m_currency;
    QSpinBox* m_days;
};

} // namespace taskdesk::ui
