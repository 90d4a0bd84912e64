#include "ReviewDialog.h"

#include <QComboBox>
#include <QFormLayout>
#include <QPlainTextEdit>

namespace taskdesk::ui {

ReviewDialog::ReviewDialog(const QString& otherHandle, QWidget* parent)
    : ContractActionDialog(tr("Leave a review"), tr("Post review"), parent)
{
    setObjectName(QStringLiteral("reviewDialog"));
    setIntro(tr("How was working with @%1? A review can be left once and is public on their profile.")
                 .arg(otherHandle));
    m_rating = new QComboBox(this);
    m_rating->setObjectName(QStringLiteral("reviewRating"));
    m_rating->setAccessibleName(tr("Rating"));
    for (int stars = 5; stars >= 1; --stars)
        m_rating->addItem(QString(stars, QChar(0x2605)) + QString(5 - stars, QChar(0x2606)) +
                              QStringLiteral("  ") + (stars == 1 ? tr("1 star") : tr("%1 stars").arg(stars)),
                          stars);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("reviewText"));
    m_text->setAccessibleName(tr("Review"));
    m_text->setTabChangesFocus(true);
    m_text->setFixedHeight(m_text->fontMetrics().lineSpacing() * 4 + 12);
    form()->addRow(tr("&Rating:"), m_rating);
    form()->addRow(tr("R&eview:"), m_text);
    updateState();
}

int ReviewDialog::rating() const
{
    return m_rating->currentData().toInt();
}

QString ReviewDialog::text() const
{
    return m_text->toPlainText().trimmed();
}

} // namespace taskdesk::ui
