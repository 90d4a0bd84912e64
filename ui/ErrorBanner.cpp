#include "ErrorBanner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace taskdesk::ui {

ErrorBanner::ErrorBanner(QWidget* parent) : QFrame(parent)
{
    setObjectName(QStringLiteral("errorBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 4);
    auto* icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(16, 16));
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("errorMessage"));
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_retry = new QPushButton(tr("Try again"), this);
    m_retry->setObjectName(QStringLiteral("errorRetry"));
    m_dismiss = new QPushButton(tr("Dismiss"), this);
    m_dismiss->setObjectName(QStringLiteral("errorDismiss"));
    layout->addWidget(icon);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_retry);
    layout->addWidget(m_dismiss);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        hide();
        emit retryRequested();
    });
    connect(m_dismiss, &QPushButton::clicked, this, [this] {
        hide();
        emit dismissed();
    });
    setAccessibleName(tr("Error"));
    hide();
}

void ErrorBanner::showError(const QString& message, bool canRetry)
{
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xea));
    p.setColor(QPalette::WindowText, QColor(0x5f, 0x21, 0x20));
    setPalette(p);
    m_label->setText(message);
    m_retry->setVisible(canRetry);
    show();
}

void ErrorBanner::showInfo(const QString& message)
{
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xe8, 0xf1, 0xfb));
    p.setColor(QPalette::WindowText, QColor(0x1d, 0x3a, 0x5f));
    setPalette(p);
    m_label->setText(message);
    m_retry->hide();
    show();
}

QString ErrorBanner::message() const
{
    return m_label->text();
}

bool ErrorBanner::isRetryOffered() const
{
    return !m_retry->isHidden();
}

} // namespace taskdesk::ui
