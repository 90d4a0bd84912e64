#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QLocale>
#include <QString>

namespace taskdesk::models {

// How the model layer turns API values into what a person reads: amounts with
// two decimals in the user's locale, ISO-8601 UTC times in local time.
class Formatting
{
public:
    // An API amount (a number with at most 2 decimals) as integer cents.
    static qint64 toCents(const QJsonValue& amount);
    // "1,234.50 CREDITS"; empty for a null amount.
    static QString amount(const QJsonValue& amount, const QString& currency,
                          const QLocale& locale = QLocale());
    static QString cents(qint64 cents, const QString& currency, const QLocale& locale = QLocale());
    // An ISO-8601 string as a UTC QDateTime; invalid for an empty or bad string.
    static QDateTime parseTime(const QString& iso);
    // Local time, the locale's short format; empty for an empty string.
    static QString localTime(const QString& iso, const QLocale& locale = QLocale());
    // Local time in the long format plus the UTC original, for tooltips.
    static QString timeToolTip(const QString& iso, const QLocale& locale = QLocale());
};

} // namespace taskdesk::models
