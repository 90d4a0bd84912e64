#include "PublishSkillDialog.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QJsonArray>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace taskdesk::ui {

PublishSkillDialog::PublishSkillDialog(const QJsonObject& existing, QWidget* parent)
    : ContractActionDialog(existing.isEmpty() ? tr("Publish a skill") : tr("Edit skill"),
                           existing.isEmpty() ? tr("Publish") : tr("Save changes"), parent),
      m_existing(existing)
{
    setObjectName(QStringLiteral("publishSkillDialog"));
    setIntro(existing.isEmpty()
                 ? tr("Offer work others can hire you for at a fixed price. A hire waits for you to "
                      "accept it; then the buyer's credits go into escrow and a contract starts.")
                 : tr("Changes apply to new hires; hires already made keep their price."));
    m_title = new QLineEdit(this);
    m_title->setObjectName(QStringLiteral("skillTitleEdit"));
    m_title->setAccessibleName(tr("Title"));
    m_title->setMaxLength(120);
    m_description = new QPlainTextEdit(this);
    m_description->setObjectName(QStringLiteral("skillDescriptionEdit"));
    m_description->setAccessibleName(tr("Description"));
    m_description->setTabChangesFocus(true);
    m_description->setFixedHeight(m_description->fontMetrics().lineSpacing() * 5 + 12);
    m_tags = new QLineEdit(this);
    m_tags->setObjectName(QStringLiteral("skillTagsEdit"));
    m_tags->setAccessibleName(tr("Tags"));
    m_tags->setPlaceholderText(tr("comma separated, e.g. translation, german"));
    m_price = new QDoubleSpinBox(this);
    m_price->setObjectName(QStringLiteral("skillPriceEdit"));
    m_price->setAccessibleName(tr("Price"));
    m_price->setDecimals(2);
    m_price->setRange(0.01, 1'000'000'000.0);
    m_price->setValue(10);
    m_currency = new QComboBox(this);
    m_currency->setObjectName(QStringLiteral("skillCurrencyEdit"));
    m_currency->setAccessibleName(tr("Currency"));
    for (const char* c : {"CREDITS", "USDC", "USDT", "ETH", "BTC"})
        m_currency->addItem(QLatin1String(c), QLatin1String(c));
    m_days = new QSpinBox(this);
    m_days->setObjectName(QStringLiteral("skillDaysEdit"));
    m_days->setAccessibleName(tr("Delivery time in days"));
    m_days->setRange(1, 365);
    m_days->setValue(3);
    m_days->setSuffix(tr(" days"));

    if (!existing.isEmpty()) {
        m_title->setText(existing.value(QLatin1String("title")).toString());
        m_description->setPlainText(existing.value(QLatin1String("description")).toString());
        QStringList tags;
        for (const QJsonValue& t : existing.value(QLatin1String("tags")).toArray())
            tags << t.toString();
        m_tags->setText(tags.join(QStringLiteral(", ")));
        m_price->setValue(existing.value(QLatin1String("priceAmount")).toDouble(10));
        const int c = m_currency->findData(existing.value(QLatin1String("priceCurrency")).toString());
        if (c >= 0)
            m_currency->setCurrentIndex(c);
        m_days->setValue(existing.value(QLatin1String("deliveryDays")).toInt(3));
    }

    form()->addRow(tr("&Title:"), m_title);
    form()->addRow(tr("&Description:"), m_description);
    form()->addRow(tr("T&ags:"), m_tags);
    form()->addRow(tr("&Price:"), m_price);
    form()->addRow(tr("C&urrency:"), m_currency);
    form()->addRow(tr("De&livery:"), m_days);
    connect(m_title, &QLineEdit::textChanged, this, &PublishSkillDialog::updateState);
    connect(m_description, &QPlainTextEdit::textChanged, this, &PublishSkillDialog::updateState);
    updateState();
}

QJsonObject PublishSkillDialog::full() const
{
    QJsonArray tags;
    for (const QString& t : m_tags->text().split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!t.trimmed().isEmpty())
            tags.append(t.trimmed());
    return QJsonObject{{QStringLiteral("title"), m_title->text().trimmed()},
                       {QStringLiteral("description"), m_description->toPlainText().trimmed()},
                       {QStringLiteral("tags"), tags},
                       {QStringLiteral("priceAmount"), m_price->value()},
                       {QStringLiteral("priceCurrency"), m_currency->currentData().toString()},
                       {QStringLiteral("deliveryDays"), m_days->value()}};
}

QJsonObject PublishSkillDialog::skill() const
{
    const QJsonObject all = full();
    if (m_existing.isEmpty())
        return all;
    QJsonObject changed;
    for (auto it = all.begin(); it != all.end(); ++it)
        if (m_existing.value(it.key()) != it.value())
            changed.insert(it.key(), it.value());
    // A price goes with its currency, as the server reads them together.
    if (changed.contains(QStringLiteral("priceAmount")) ||
        changed.contains(QStringLiteral("priceCurrency"))) {
        changed.insert(QStringLiteral("priceAmount"), all.value(QStringLiteral("priceAmount")));
        changed.insert(QStringLiteral("priceCurrency"), all.value(QStringLiteral("priceCurrency")));
    }
    return changed;
}

QString PublishSkillDialog::validate() const
{
    if (m_title->text().trimmed().size() < 3)
        return tr("A title of at least 3 characters is required.");
    if (m_description->toPlainText().trimmed().size() < 10)
        return tr("Describe the skill in at least 10 characters.");
    if (!m_existing.isEmpty() && skill().isEmpty())
        return tr("Nothing changed yet.");
    return {};
}

} // namespace taskdesk::ui
