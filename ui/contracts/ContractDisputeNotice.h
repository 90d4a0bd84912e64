#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>

namespace taskdesk::models {
class ApiClient;
class PagedListJob;
} // namespace taskdesk::models

namespace taskdesk::ui {

// What a party reads on a disputed or resolved contract: "Disputed: waiting
// for support", or the outcome with what came to them ("Resolved: split
// 37%: you received 35.15 CREDITS"). The outcome is on the dispute, not the
// contract: the first ask for a contract loads my disputes and changed()
// says when the text can be asked again.
class ContractDisputeNotice : public QObject
{
    Q_OBJECT
public:
    explicit ContractDisputeNotice(models::ApiClient* client, QObject* parent = nullptr);

    // Empty unless the contract is disputed or resolved.
    QString text(const QJsonObject& contract, bool iAmSeller);
    // Forgets what was loaded (after a change, or a profile switch).
    void clear();

signals:
    void changed();

private:
    void load();

    models::ApiClient* m_client;
    QPointer<models::PagedListJob> m_job;
    QHash<QString, QJsonObject> m_byContract;
    bool m_loaded = false;
};

} // namespace taskdesk::ui
