#include "PayloadKeyListModel.h"

#include <QJsonObject>
#include <QLocale>

namespace taskdesk::models {

PayloadKeyListModel::PayloadKeyListModel(KeyVault* vault, QObject* parent)
    : QAbstractTableModel(parent), m_vault(vault)
{
    if (m_vault)
        connect(m_vault, &KeyVault::entriesChanged, this, &PayloadKeyListModel::reload);
    reload();
}

void PayloadKeyListModel::reload()
{
    beginResetModel();
    m_rows = m_vault ? m_vault->payloadKeys() : QList<KeyVault::PayloadKeyInfo>();
    endResetModel();
}

int PayloadKeyListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PayloadKeyListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString PayloadKeyListModel::taskIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).taskId : QString();
}

QVariant PayloadKeyListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const KeyVault::PayloadKeyInfo& k = m_rows.at(index.row());
    if (role == TaskIdRole)
        return k.taskId;
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Task:
        if (role == Qt::ToolTipRole)
            return k.taskId;
        return k.title.isEmpty() ? k.taskId : k.title;
    case Created:
        if (role == Qt::EditRole)
            return k.createdAt;
        return QLocale().toString(k.createdAt.toLocalTime(), QLocale::ShortFormat);
    case Fields:
        return k.fields.join(QStringLiteral(", "));
    case GrantedTo: {
        QStringList agents;
        for (const QJsonValue& g : k.grants) {
            const QJsonObject o = g.toObject();
            const QString label = o.value(QLatin1String("agentLabel")).toString();
            agents << (label.isEmpty() ? o.value(QLatin1String("agentId")).toString() : label);
        }
        if (agents.isEmpty() && role == Qt::DisplayRole)
            return tr("Nobody yet");
        return agents.join(QStringLiteral(", "));
    }
    default:
        return {};
    }
}

QVariant PayloadKeyListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Task:
        return tr("Task");
    case Created:
        return tr("Key made");
    case Fields:
        return tr("Protected fields");
    case GrantedTo:
        return tr("Granted to");
    default:
        return {};
    }
}

} // namespace taskdesk::models
