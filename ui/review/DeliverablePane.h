#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace taskdesk::ui {

// One submission as a reviewer reads it: the machine check's verdict, the
// summary, the deliverable link, the notes, the output (JSON indented, in a
// monospace font) and the attachments with sizes and checksums.
class DeliverablePane : public QWidget
{
    Q_OBJECT
public:
    explicit DeliverablePane(QWidget* parent = nullptr);

    void setSubmission(const QJsonObject& submission);
    void clear();

    // The output as shown: JSON (also JSON inside a string) indented, other text as it is.
    static QString prettyOutput(const QJsonValue& output);
    // "12.3 KiB"
    static QString sizeText(qint64 bytes);

private:
    void openAttachment(QTreeWidgetItem* item);

    QLabel* m_verification;
    QLabel* m_summaryCaption;
    QLabel* m_summary;
    QLabel* m_linkCaption;
    QLabel* m_link;
    QLabel* m_notesCaption;
    QLabel* m_notes;
    QLabel* m_outputCaption;
    QPlainTextEdit* m_output;
    QLabel* m_attachmentsCaption;
    QTreeWidget* m_attachments;
};

} // namespace taskdesk::ui
