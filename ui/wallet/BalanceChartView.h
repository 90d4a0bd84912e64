#pragma once

#include "BalanceHistory.h"

#include <QChartView>

class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace taskdesk::ui {

// The available balance over time as a step line: the balance holds until
// the next transaction changes it, so each change is drawn as a vertical step
// at its time, and the current balance runs on to the right edge. Hovering
// shows the balance at that time.
class BalanceChartView : public QChartView
{
    Q_OBJECT
public:
    explicit BalanceChartView(QWidget* parent = nullptr);

    void setHistory(const models::BalanceHistory& history, const QString& currency);
    void clear();
    const models::BalanceHistory& history() const { return m_history; }
    QLineSeries* series() const { return m_series; }
    QDateTimeAxis* timeAxis() const { return m_time; }
    QValueAxis* valueAxis() const { return m_value; }

private:
    void onHovered(const QPointF& point, bool state);

    models::BalanceHistory m_history;
    QString m_currency;
    QLineSeries* m_series;
    QDateTimeAxis* m_time;
    QValueAxis* m_value;
};

} // namespace taskdesk::ui
