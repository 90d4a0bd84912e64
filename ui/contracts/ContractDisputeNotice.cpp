#include "ContractDisputeNotice.h"

#include "ApiClient.h"
#include "DisputeJobs.h"
#include "Formatting.h"
#include "PagedListJob.h"

#include <QJsonArray>

namespace taskdesk::ui {

using models::Formatting;

ContractDisputeNotice::ContractDisputeNotice(models::ApiClient* client, QObject* parent)
    : QObject(parent), m_client(client)
{}

void ContractDisputeNotice::clear()
{
    if (m_job) {
        disconnect(m_job, nullptr, this, nullptr);
        m_job->abort();
    }
    m_byContract.clear();
    m_loaded = false;
}

void ContractDisputeNotice::load()
{
    if (m_job)
        return;
    m_job = m_client->disputes().mine({}, 100);
    connect(m_job, &models::PagedListJob::pageReceived, this, [this](const QJsonArray& items) {
        m_byContract.clear();
        for (const QJsonValue& v : items) {
            const QJsonObject d = v.toObject();
            m_byContract.insert(d.value(QLatin1String("contractId")).toString(), d);
        }
        m_loaded = true;
        emit changed();
    });
    m_job->start();
}

QString ContractDisputeNotice::text(const QJsonObject& contract, bool iAmSeller)
{
    const QString status = contract.value(QLatin1String("status")).toString();
    if (status == QLatin1String("disputed")) {
        // A newly opened dispute is not in what was loaded before: load again once it is resolved.
        m_loaded = false;
        return tr("Disputed: waiting for support. The escrow stays put until support decides.");
    }
    if (status != QLatin1String("resolved"))
        return {};
    const QString id = contract.value(QLatin1String("id")).toString();
    if (m_byContract.value(id).value(QLatin1String("status")).toString() != QLatin1String("resolved")) {
        if (!m_loaded)
            load();
        return tr("Resolved by support.");
    }
    const QJsonObject d = m_byContract.value(id);
    const QJsonObject r = d.value(QLatin1String("resolution")).toObject();
    const QString outcome = d.value(QLatin1String("outcome")).toString();
    QString currency = r.value(QLatin1String("currency")).toString();
    const QString received = Formatting::amount(
        r.value(iAmSeller ? QLatin1String("workerNet") : QLatin1String("refunded")), currency);
    QString what;
    if (outcome == QLatin1String("split"))
        what = tr("split %1%").arg(r.value(QLatin1String("workerSharePercent")).toInt());
    else if (outcome == QLatin1String("release"))
        what = tr("released to the worker");
    else
        what = tr("refunded to the owner");
    QString text = received.isEmpty() ? tr("Resolved: %1").arg(what)
                                      : tr("Resolved: %1: you received %2").arg(what, received);
    if (iAmSeller && !received.isEmpty())
        text += tr(" (after a fee of %1, to pending)")
                    .arg(Formatting::amount(r.value(QLatin1String("fee")), currency));
    const QString note = r.value(QLatin1String("note")).toString();
    if (!note.isEmpty())
        text += tr(". Support's note: \"%1\"").arg(note);
    return text;
}

} // namespace taskdesk::ui
