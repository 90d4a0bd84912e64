#include "DeliverablePane.h"

#include <QDesktopServices>
#include <QFontDatabase>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace taskdesk::ui {

namespace {

QString text(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QLabel* caption(const QString& title, QWidget* parent)
{
    auto* label = new QLabel(title, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}

QLabel* body(const QString& objectName, const QString& accessibleName, QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAccessibleName(accessibleName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setTextFormat(Qt::PlainText);
    return label;
}

bool isWebUrl(const QUrl& url)
{
    return url.isValid() && (url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http"));
}

} // namespace

DeliverablePane::DeliverablePane(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("deliverablePane"));
    setAccessibleName(tr("Deliverable"));

    m_verification = new QLabel(this);
    m_verification->setObjectName(QStringLiteral("reviewVerification"));
    m_verification->setAccessibleName(tr("Verification result"));
    m_verification->setWordWrap(true);
    m_verification->setTextFormat(Qt::PlainText);
    m_verification->setMargin(4);
    m_verification->setAutoFillBackground(true);

    m_summaryCaption = caption(tr("Summary"), this);
    m_summary = body(QStringLiteral("reviewSummary"), tr("Summary"), this);
    m_linkCaption = caption(tr("Deliverable"), this);
    m_link = new QLabel(this);
    m_link->setObjectName(QStringLiteral("reviewDeliverableLink"));
    m_link->setAccessibleName(tr("Deliverable link"));
    m_link->setTextFormat(Qt::RichText);
    m_link->setOpenExternalLinks(true);
    m_link->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_link->setWordWrap(true);
    m_notesCaption = caption(tr("Notes"), this);
    m_notes = body(QStringLiteral("reviewNotes"), tr("Notes"), this);

    m_outputCaption = caption(tr("Output"), this);
    m_output = new QPlainTextEdit(this);
    m_output->setObjectName(QStringLiteral("reviewOutput"));
    m_output->setAccessibleName(tr("Output"));
    m_output->setReadOnly(true);
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setMinimumHeight(80);

    m_attachmentsCaption = caption(tr("Attachments"), this);
    m_attachments = new QTreeWidget(this);
    m_attachments->setObjectName(QStringLiteral("reviewAttachments"));
    m_attachments->setAccessibleName(tr("Attachments"));
    m_attachments->setRootIsDecorated(false);
    m_attachments->setHeaderLabels({tr("Name"), tr("Size"), tr("SHA-256")});
    m_attachments->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_attachments->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_attachments->header()->setStretchLastSection(true);
    m_attachments->setMaximumHeight(110);
    connect(m_attachments, &QTreeWidget::itemActivated, this, &DeliverablePane::openAttachment);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_verification);
    layout->addWidget(m_summaryCaption);
    layout->addWidget(m_summary);
    layout->addWidget(m_linkCaption);
    layout->addWidget(m_link);
    layout->addWidget(m_notesCaption);
    layout->addWidget(m_notes);
    layout->addWidget(m_outputCaption);
    layout->addWidget(m_output, 1);
    layout->addWidget(m_attachmentsCaption);
    layout->addWidget(m_attachments);
    layout->addStretch(0);
    clear();
}

QString DeliverablePane::prettyOutput(const QJsonValue& output)
{
    switch (output.type()) {
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(output.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(output.toArray()).toJson(QJsonDocument::Indented)).trimmed();
    case QJsonValue::String: {
        const QString s = output.toString();
        const QString trimmed = s.trimmed();
        if (trimmed.startsWith(QLatin1Char('{')) || trimmed.startsWith(QLatin1Char('['))) {
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
            if (error.error == QJsonParseError::NoError && !doc.isNull())
                return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
        }
        return s;
    }
    case QJsonValue::Double:
        return QString::number(output.toDouble(), 'g', 17);
    case QJsonValue::Bool:
        return output.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default:
        return {};
    }
}

QString DeliverablePane::sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

void DeliverablePane::clear()
{
    m_verification->hide();
    for (QWidget* w : {static_cast<QWidget*>(m_summaryCaption), static_cast<QWidget*>(m_summary),
                       static_cast<QWidget*>(m_linkCaption), static_cast<QWidget*>(m_link),
                       static_cast<QWidget*>(m_notesCaption), static_cast<QWidget*>(m_notes),
                       static_cast<QWidget*>(m_outputCaption), static_cast<QWidget*>(m_output),
                       static_cast<QWidget*>(m_attachmentsCaption), static_cast<QWidget*>(m_attachments)})
        w->hide();
    m_summary->clear();
    m_link->clear();
    m_notes->clear();
    m_output->clear();
    m_attachments->clear();
}

void DeliverablePane::setSubmission(const QJsonObject& s)
{
    clear();
    const QJsonValue verification = s.value(QLatin1String("verification"));
    QPalette p = m_verification->palette();
    if (verification.isObject()) {
        const QJsonObject v = verification.toObject();
        const bool passed = v.value(QLatin1String("passed")).toBool();
        const QString detail = text(v, "detail");
        m_verification->setText(passed ? tr("\u2714 Verification passed") +
                                             (detail.isEmpty() ? QString() : QStringLiteral(": ") + detail)
                                       : tr("\u2718 Verification failed") +
                                             (detail.isEmpty() ? QString() : QStringLiteral(": ") + detail));
        p.setColor(QPalette::Window, passed ? QColor(0xe6, 0xf4, 0xea) : QColor(0xfd, 0xec, 0xea));
        p.setColor(QPalette::WindowText, passed ? QColor(0x1b, 0x5e, 0x20) : QColor(0x8e, 0x1c, 0x1c));
    } else {
        m_verification->setText(tr("No machine check on this task: review by hand."));
        p.setColor(QPalette::Window, QColor(0xf1, 0xf3, 0xf4));
        p.setColor(QPalette::WindowText, QColor(0x3c, 0x40, 0x43));
    }
    m_verification->setPalette(p);
    m_verification->show();

    const QString summary = text(s, "summaryText");
    if (!summary.isEmpty()) {
        m_summary->setText(summary);
        m_summaryCaption->show();
        m_summary->show();
    }
    const QUrl url(text(s, "deliverableUrl"));
    if (!url.isEmpty()) {
        const QString shown = url.toDisplayString().toHtmlEscaped();
        m_link->setText(isWebUrl(url) ? QStringLiteral("<a href=\"%1\">%2</a>")
                                            .arg(QString::fromUtf8(url.toEncoded()).toHtmlEscaped(), shown)
                                      : shown);
        m_linkCaption->show();
        m_link->show();
    }
    const QString notes = text(s, "notes");
    if (!notes.isEmpty()) {
        m_notes->setText(notes);
        m_notesCaption->show();
        m_notes->show();
    }
    const QString output = prettyOutput(s.value(QLatin1String("output")));
    if (!output.isEmpty()) {
        m_output->setPlainText(output);
        m_outputCaption->show();
        m_output->show();
    }
    const QJsonArray attachments = s.value(QLatin1String("attachments")).toArray();
    for (const QJsonValue& v : attachments) {
        const QJsonObject a = v.toObject();
        QString name = text(a, "name");
        if (name.isEmpty())
            name = text(a, "fileId");
        auto* item = new QTreeWidgetItem(m_attachments);
        item->setText(0, name);
        const QJsonValue size = a.value(QLatin1String("size"));
        item->setText(1, size.isDouble() ? sizeText(static_cast<qint64>(size.toDouble())) : QString());
        item->setText(2, text(a, "sha256"));
        item->setFont(2, QFontDatabase::systemFont(QFontDatabase::FixedFont));
        const QUrl link(text(a, "url"));
        if (isWebUrl(link)) {
            item->setData(0, Qt::UserRole, link);
            item->setToolTip(0, link.toDisplayString());
            QFont f = item->font(0);
            f.setUnderline(true);
            item->setFont(0, f);
            item->setForeground(0, m_attachments->palette().brush(QPalette::Link));
        } else {
            item->setToolTip(
                0, tr("Stored on the server as %1 (%2)").arg(text(a, "fileId"), text(a, "mimeType")));
        }
    }
    if (!attachments.isEmpty()) {
        m_attachmentsCaption->setText(tr("Attachments (%1)").arg(attachments.size()));
        m_attachmentsCaption->show();
        m_attachments->show();
    }
}

void DeliverablePane::openAttachment(QTreeWidgetItem* item)
{
    const QUrl url = item ? item->data(0, Qt::UserRole).toUrl() : QUrl();
    if (isWebUrl(url))
        QDesktopServices::openUrl(url);
}

} // namespace taskdesk::ui
