#include "WalletFigure.h"

#include <QLabel>
#include <QVBoxLayout>

namespace taskdesk::ui {

WalletFigure::WalletFigure(const QString& name, const QString& title, const QString& explanation,
                           QWidget* parent)
    : QFrame(parent), m_explanation(explanation)
{
    setObjectName(name + QStringLiteral("Figure"));
    setFrameShape(QFrame::StyledPanel);
    setToolTip(explanation);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_title = new QLabel(title, this);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);

    m_value = new QLabel(QStringLiteral("-"), this);
    m_value->setObjectName(name);
    m_value->setAccessibleName(title);
    m_value->setAccessibleDescription(explanation);
    m_value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont valueFont = m_value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.9);
    valueFont.setBold(true);
    m_value->setFont(valueFont);

    m_detail = new QLabel(explanation, this);
    m_detail->setObjectName(name + QStringLiteral("Detail"));
    m_detail->setAccessibleName(tr("%1 details").arg(title));
    m_detail->setWordWrap(true);
    QPalette p = m_detail->palette();
    p.setColor(QPalette::WindowText, p.color(QPalette::PlaceholderText));
    m_detail->setPalette(p);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_value);
    layout->addWidget(m_detail);
    // Side by side, the amounts line up whatever the length of the detail.
    layout->addStretch(1);
}

void WalletFigure::setValue(const QString& text)
{
    m_value->setText(text);
    setAccessibleName(m_title->text() + QStringLiteral(": ") + text);
}

QString WalletFigure::value() const
{
    return m_value->text();
}

void WalletFigure::setDetail(const QString& text)
{
    m_detail->setText(text.isEmpty() ? m_explanation : text);
}

QString WalletFigure::detail() const
{
    return m_detail->text();
}

} // namespace taskdesk::ui
