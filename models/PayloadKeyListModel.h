#pragma once

#include "KeyVault.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace taskdesk::models {

// The payload keys the keystore holds, one row per protected task: its
// title, when the key was made, its protected field names and the agents it
// was granted to. Re-read whenever the keystore's entries change; empty
// while it is locked.
class PayloadKeyListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Task,
        Created,
        Fields,
        GrantedTo,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role
    {
        TaskIdRole = Qt::UserRole + 1,
    };

    explicit PayloadKeyListModel(KeyVault* vault, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void reload();
    QString taskIdAt(int row) const;

private:
    QPointer<KeyVault> m_vault;
    QList<KeyVault::PayloadKeyInfo> m_rows;
};

} // namespace taskdesk::models
