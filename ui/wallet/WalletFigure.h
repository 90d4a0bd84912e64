#pragma once

#include <QFrame>

class QLabel;

namespace taskdesk::ui {

// One of the wallet's headline figures: a caption, the amount in large type
// and a line saying what it means (or, for pending, when it is released).
class WalletFigure : public QFrame
{
    Q_OBJECT
public:
    // name: the objectName of the amount label ("walletAvailable"); the detail
    // line is name + "Detail".
    WalletFigure(const QString& name, const QString& title, const QString& explanation,
                 QWidget* parent = nullptr);

    void setValue(const QString& text);
    QString value() const;
    void setDetail(const QString& text);
    QString detail() const;
    QLabel* valueLabel() const { return m_value; }
    QLabel* detailLabel() const { return m_detail; }

private:
    QString m_explanation;
    QLabel* m_title;
    QLabel* m_value;
    QLabel* m_detail;
};

} // namespace taskdesk::ui
