#include "Formatting.h"

#include <QtMath>

namespace taskdesk::models {

qint64 Formatting::toCents(const QJsonValue& amount)
{
    return qRound64(amount.toDouble() * 100.0);
}

QString Formatting::amount(const QJsonValue& amount, const QString& currency, const QLocale& locale)
{
    if (!amount.isDouble())
        return {};
    const QString number = locale.toString(amount.toDouble(), 'f', 2);
    return currency.isEmpty() ? number : number + QLatin1Char(' ') + currency;
}

QString Formatting::cents(qint64 cents, const QString& currency, const QLocale& locale)
{
    return amount(QJsonValue(double(cents) / 100.0), currency, locale);
}

QDateTime Formatting::parseTime(const QString& iso)
{
    if (iso.isEmpty())
        return {};
    QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(iso, Qt::ISODate);
    return t.isValid() ? t.toUTC() : QDateTime();
}

QString Formatting::localTime(const QString& iso, const QLocale& locale)
{
    const QDateTime t = parseTime(iso);
    return t.isValid() ? locale.toString(t.toLocalTime(), QLocale::ShortFormat) : QString();
}

QString Formatting::timeToolTip(const QString& iso, const QLocale& locale)
{
    const QDateTime t = parseTime(iso);
    if (!t.isValid())
        return {};
    return locale.toString(t.toLocalTime(), QLocale::LongFormat) + QStringLiteral(" (") + iso +
           QLatin1Char(')');
}

} // namespace taskdesk::models
