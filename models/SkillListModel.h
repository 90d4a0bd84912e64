#pragma once

#include "ApiListModel.h"

namespace taskdesk::models {

// Skills for hire: the public catalogue (GET /api/skills, filtered by a
// search text and a tag on the server) or my own (GET /api/agent/skills/my,
// retired ones included).
class SkillListModel : public ApiListModel
{
    Q_OBJECT
public:
    enum class Source
    {
        Catalogue,
        Mine
    };
    enum Column
    {
        Title,
        Seller,
        Price,
        Delivery,
        Tags,
        Active,
        ColumnCount
    };
    Q_ENUM(Column)

    explicit SkillListModel(ApiClient* client, Source source = Source::Catalogue, QObject* parent = nullptr);

    // Server-side filters; refresh() applies them.
    void setSource(Source source) { m_source = source; }
    Source source() const { return m_source; }
    void setQuery(const QString& query) { m_query = query; }
    void setTag(const QString& tag) { m_tag = tag; }

    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    PagedListJob* createPageJob(const QString& cursor, int limit) override;
    QVariant cellData(const QJsonObject& item, int column, int role) const override;
    QString statusOf(const QJsonObject& item) const override;
    QString extraSearchText(const QJsonObject& item) const override;

private:
    Source m_source;
    QString m_query;
    QString m_tag;
};

} // namespace taskdesk::models
