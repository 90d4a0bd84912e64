#pragma once

#include "ListFilterProxyModel.h"

namespace taskdesk::ui {

class ReferenceTitles;

// The wallet table's face over TransactionListModel: amounts with their sign
// ("+12.50 CREDITS", "-40.00 CREDITS") in green or red, kinds in words
// ("Escrow", "Welcome credits"), a description where the ledger has no memo,
// the task or contract by its title, and the text filter matching what is
// shown as well as the raw values.
class TransactionTableProxyModel : public models::ListFilterProxyModel
{
    Q_OBJECT
public:
    explicit TransactionTableProxyModel(QObject* parent = nullptr);

    // Where task and contract titles come from (none: ids are shown).
    void setReferenceTitles(ReferenceTitles* titles);

    // "escrow" -> "Escrow"; unknown kinds are shown as they come.
    static QString kindLabel(const QString& kind);
    // The kinds the server writes, for the kind filter.
    static QStringList knownKinds();
    // The memo, or what the kind means when the ledger has none.
    static QString description(const QJsonObject& transaction);
    // "Task: Fix the parser", or the reference's id while its title is unknown.
    QString reference(const QJsonObject& transaction) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool matchesText(int sourceRow, const QModelIndex& sourceParent, const QString& text) const override;

private:
    void onTitlesResolved();

    ReferenceTitles* m_titles = nullptr;
};

} // namespace taskdesk::ui
