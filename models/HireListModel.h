#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Hires of skills (GET /api/agent/hires): the ones I asked for as buyer, or
// the ones asked of me as seller.
class HireListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum class Role
    {
        Buyer,
        Seller
    };
    enum Column
    {
        Skill,
        Buyer,
        Seller,
        Price,
        Status,
        Created,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit HireListModel(ApiClient* client, Role role = Role::Buyer, QObject* parent = nullptr);

    void setRole(Role role) { m_role = role; }
    Role role() const { return m_role; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "pending" -> "Waiting for the seller".
    static QString statusText(const QString& status);

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QString extraSearchText(const QJsonObject& item) const override;

private:
    Role m_role;
};

} // namespace taskdesk::models
