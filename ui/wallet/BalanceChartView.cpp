#include "BalanceChartView.h"

#include "Formatting.h"

#include <QChart>
#include <QDateTimeAxis>
#include <QLineSeries>
#include <QLocale>
#include <QToolTip>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace taskdesk::ui {

using models::BalanceHistory;
using models::Formatting;

BalanceChartView::BalanceChartView(QWidget* parent) : QChartView(parent)
{
    setObjectName(QStringLiteral("walletChart"));
    setAccessibleName(tr("Available balance over time"));
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);

    auto* chart = new QChart();
    chart->legend()->hide();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    m_series = new QLineSeries(chart);
    m_series->setObjectName(QStringLiteral("walletBalanceSeries"));
    m_series->setName(tr("Available"));
    QPen pen(QColor(0x2a, 0x6f, 0xb8));
    pen.setWidthF(2.0);
    m_series->setPen(pen);
    chart->addSeries(m_series);

    m_time = new QDateTimeAxis(chart);
    m_time->setTickCount(5);
    m_time->setFormat(QStringLiteral("d MMM hh:mm"));
    m_value = new QValueAxis(chart);
    m_value->setLabelFormat(QStringLiteral("%.0f"));
    m_value->setTitleText(QStringLiteral("CREDITS"));
    m_value->setMinorTickCount(0);
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_value, Qt::AlignLeft);
    m_series->attachAxis(m_time);
    m_series->attachAxis(m_value);
    setChart(chart);

    connect(m_series, &QLineSeries::hovered, this, &BalanceChartView::onHovered);
    clear();
}

void BalanceChartView::clear()
{
    m_history = {};
    m_series->clear();
    const QDateTime now = QDateTime::currentDateTime();
    m_time->setRange(now.addDays(-1), now);
    m_value->setRange(0, 100);
    chart()->setTitle(tr("No balance history yet"));
}

void BalanceChartView::setHistory(const BalanceHistory& history, const QString& currency)
{
    m_currency = currency.isEmpty() ? QStringLiteral("CREDITS") : currency;
    const auto& points = history.points();
    QList<QPointF> line;
    line.reserve(points.size() * 2 + 1);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const double x = double(points[i].at.toMSecsSinceEpoch());
        const double y = double(points[i].balanceCents) / 100.0;
        if (line.isEmpty()) {
            line.append(QPointF(x, y));
            continue;
        }
        if (line.last().x() == x) {
            // Changes at one instant (escrowed and refunded at once) are one
            // vertical to where they ended, not a spike.
            if (line.size() >= 2 && line.at(line.size() - 2).x() == x)
                line.last().setY(y);
            else
                line.append(QPointF(x, y));
            continue;
        }
        // The step: the old balance runs up to this time, then the new one starts.
        line.append(QPointF(x, line.last().y()));
        line.append(QPointF(x, y));
    }
    chart()->setTitle(QString());
    m_value->setTitleText(m_currency);
    if (points.isEmpty()) {
        clear();
        return;
    }
    m_history = history;

    QDateTime first = points.first().at.toLocalTime();
    QDateTime last = points.last().at.toLocalTime();
    const qint64 span = first.secsTo(last);
    if (span < 3600) {
        // A few minutes of history (a new member's welcome credits): an hour
        // wide, the change near the left, so the line has room to run.
        first = first.addSecs(-300);
        last = std::max(last.addSecs(60), first.addSecs(3600));
    } else {
        first = first.addSecs(-span / 40);
        last = last.addSecs(span / 40);
    }
    // The current balance holds up to the right edge.
    line.append(QPointF(double(last.toMSecsSinceEpoch()), double(points.last().balanceCents) / 100.0));
    m_series->replace(line);
    m_time->setRange(first, last);
    m_time->setFormat(first.secsTo(last) > 3 * 24 * 3600 ? QStringLiteral("d MMM")
                                                         : QStringLiteral("d MMM hh:mm"));

    const double lo = std::min(0.0, double(history.minCents()) / 100.0);
    double hi = double(history.maxCents()) / 100.0;
    if (hi <= lo)
        hi = lo + 1.0;
    m_value->setRange(lo, hi + (hi - lo) * 0.08);
    m_value->applyNiceNumbers();
}

void BalanceChartView::onHovered(const QPointF& point, bool state)
{
    if (!state || m_history.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    // The balance in force at the hovered time: the last point at or before it.
    const auto& points = m_history.points();
    const qint64 at = qint64(std::llround(point.x()));
    const BalanceHistory::Point* found = &points.first();
    for (const auto& p : points)
        if (p.at.toMSecsSinceEpoch() <= at)
            found = &p;
    const QString when =
        QLocale().toString(QDateTime::fromMSecsSinceEpoch(at).toLocalTime(), QLocale::ShortFormat);
    QToolTip::showText(QCursor::pos(),
                       tr("%1\nAvailable: %2").arg(when, Formatting::cents(found->balanceCents, m_currency)),
                       this);
}

} // namespace taskdesk::ui
