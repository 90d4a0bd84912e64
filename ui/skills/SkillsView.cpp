#include "SkillsView.h"

#include "ApiClient.h"
#include "EntityJob.h"
#include "Formatting.h"
#include "HireDialog.h"
#include "HireListModel.h"
#include "JsonJob.h"
#include "ListFilterProxyModel.h"
#include "LiveUpdates.h"
#include "PublishSkillDialog.h"
#include "Session.h"
#include "SkillJobs.h"
#include "SkillListModel.h"
#include "commands/ApiCommand.h"
#include "commands/CommandRunner.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::Formatting;
using models::HireListModel;
using models::SkillListModel;

namespace {

QString str(const QJsonObject& o, const char* key)
{
    return o.value(QLatin1String(key)).toString();
}

QString partyId(const QJsonObject& o, const char* key)
{
    return str(o.value(QLatin1String(key)).toObject(), "id");
}

QString priceOf(const QJsonObject& o)
{
    return Formatting::amount(o.value(QLatin1String("priceAmount")), str(o, "priceCurrency"));
}

QTableView* table(QWidget* parent, const QString& name, const QString& accessible, QAbstractItemModel* model)
{
    auto* t = new QTableView(parent);
    t->setObjectName(name);
    t->setAccessibleName(accessible);
    t->setModel(model);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setSortingEnabled(true);
    t->verticalHeader()->hide();
    t->verticalHeader()->setDefaultSectionSize(t->fontMetrics().height() + 8);
    t->setAlternatingRowColors(true);
    t->setWordWrap(false);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QPushButton* button(QWidget* parent, const QString& name, const QString& text, const QString& tip)
{
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAccessibleName(text);
    b->setToolTip(tip);
    b->setEnabled(false);
    return b;
}

} // namespace

SkillsView::SkillsView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("skillsView"));
    m_skills = new SkillListModel(context.client, SkillListModel::Source::Catalogue, this);
    m_skills->setPageSize(50);
    m_hires = new HireListModel(context.client, HireListModel::Role::Buyer, this);
    m_hires->setPageSize(50);
    m_skillProxy = new models::ListFilterProxyModel(this);
    m_skillProxy->setSourceModel(m_skills);
    m_hireProxy = new models::ListFilterProxyModel(this);
    m_hireProxy->setSourceModel(m_hires);

    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("skillsMode"));
    m_mode->setAccessibleName(tr("Show"));
    m_mode->addItem(tr("Browse skills"), int(Mode::Catalogue));
    m_mode->addItem(tr("My skills"), int(Mode::MySkills));
    m_mode->addItem(tr("My hires (as buyer)"), int(Mode::HiresAsBuyer));
    m_mode->addItem(tr("Hires of my skills (as seller)"), int(Mode::HiresAsSeller));
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("skillSearch"));
    m_search->setAccessibleName(tr("Search skills"));
    m_search->setPlaceholderText(tr("Search skills by title, description or tag"));
    m_search->setClearButtonEnabled(true);
    m_searchDebounce = new QTimer(this);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(300);
    m_publish = new QPushButton(tr("Publish a skill..."), this);
    m_publish->setObjectName(QStringLiteral("publishSkillButton"));
    m_publish->setToolTip(tr("Offer work others can hire you for"));
    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_mode);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_publish);

    m_skillTable = table(this, QStringLiteral("skillTable"), tr("Skills"), m_skillProxy);
    m_skillTable->sortByColumn(SkillListModel::Title, Qt::AscendingOrder);
    m_skillTable->horizontalHeader()->resizeSection(SkillListModel::Title, 220);
    m_hireTable = table(this, QStringLiteral("hireTable"), tr("Hires"), m_hireProxy);
    m_hireTable->sortByColumn(HireListModel::Created, Qt::DescendingOrder);
    m_hireTable->horizontalHeader()->resizeSection(HireListModel::Skill, 200);
    m_tables = new QStackedWidget(this);
    m_tables->addWidget(m_skillTable);
    m_tables->addWidget(m_hireTable);
    m_listState = new QLabel(this);
    m_listState->setObjectName(QStringLiteral("skillListState"));
    m_listState->setWordWrap(true);
    auto* left = new QWidget(this);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_tables, 1);
    ll->addWidget(m_listState);

    m_detail = new QLabel(this);
    m_detail->setObjectName(QStringLiteral("skillDetail"));
    m_detail->setAccessibleName(tr("Details"));
    m_detail->setWordWrap(true);
    m_detail->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hire = button(this, QStringLiteral("hireSkillButton"), tr("Hire..."),
                    tr("Ask the seller to do this for you"));
    m_edit = button(this, QStringLiteral("editSkillButton"), tr("Edit..."), tr("Change your skill"));
    m_retire = button(this, QStringLiteral("retireSkillButton"), tr("Retire"),
                      tr("Take the skill off the market; running hires go on"));
    m_accept = button(this, QStringLiteral("acceptHireButton"), tr("Accept"),
                      tr("Take the job: the buyer's credits go into escrow and a contract starts"));
    m_decline = button(this, QStringLiteral("declineHireButton"), tr("Decline"), tr("Turn the request down"));
    m_withdraw = button(this, QStringLiteral("withdrawHireButton"), tr("Withdraw"),
                        tr("Take back your request while the seller has not answered"));
    m_openContract = button(this, QStringLiteral("openHireContractButton"), tr("Open contract"),
                            tr("The contract this hire started, in Contracts"));
    auto* actions = new QHBoxLayout;
    for (QPushButton* b : {m_hire, m_edit, m_retire, m_accept, m_decline, m_withdraw, m_openContract})
        actions->addWidget(b);
    actions->addStretch(1);
    auto* detail = new QWidget(this);
    auto* dl = new QVBoxLayout(detail);
    dl->setContentsMargins(0, 0, 0, 0);
    dl->addWidget(m_detail, 1);
    dl->addLayout(actions);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({640, 460});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    connect(m_mode, &QComboBox::currentIndexChanged, this, &SkillsView::applyMode);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        // The catalogue is searched on the server; my own lists are filtered here.
        m_skillProxy->setFilterText(mode() == Mode::MySkills ? text : QString());
        m_hireProxy->setFilterText(text);
        if (mode() == Mode::Catalogue)
            m_searchDebounce->start();
    });
    connect(m_searchDebounce, &QTimer::timeout, this, &SkillsView::reload);
    for (QTableView* t : {m_skillTable, m_hireTable})
        connect(t->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
                &SkillsView::onCurrentChanged);
    for (ApiListModel* m : std::initializer_list<ApiListModel*>{m_skills, m_hires}) {
        connect(m, &ApiListModel::pageLoaded, this, [this, m] {
            if ((m == m_hires) == showsHires())
                m_listState->setText(m->rowCount() == 0 ? tr("Nothing here yet.") : QString());
            updateDetail();
        });
        connect(m, &ApiListModel::refreshed, this, &SkillsView::reselect);
        connect(m, &ApiListModel::loadFailed, this, [this](const models::ApiError& error) {
            m_listState->setText(tr("Could not load: %1").arg(error.message()));
        });
    }
    connect(m_publish, &QPushButton::clicked, this, &SkillsView::publish);
    connect(m_edit, &QPushButton::clicked, this, &SkillsView::edit);
    connect(m_retire, &QPushButton::clicked, this, &SkillsView::retire);
    connect(m_hire, &QPushButton::clicked, this, &SkillsView::hire);
    connect(m_accept, &QPushButton::clicked, this,
            [this] { hireAction(QStringLiteral("accept"), tr("Accept hire")); });
    connect(m_decline, &QPushButton::clicked, this,
            [this] { hireAction(QStringLiteral("decline"), tr("Decline hire")); });
    connect(m_withdraw, &QPushButton::clicked, this,
            [this] { hireAction(QStringLiteral("withdraw"), tr("Withdraw hire")); });
    connect(m_openContract, &QPushButton::clicked, this, &SkillsView::openContract);
    connect(context.live, &models::LiveUpdates::eventsArrived, this, [this] {
        if (m_loaded && showsHires())
            reload();
    });
    updateDetail();
}

QIcon SkillsView::icon() const
{
    return QIcon(QStringLiteral(":/icons/skills.svg"));
}

SkillsView::Mode SkillsView::mode() const
{
    return Mode(m_mode->currentData().toInt());
}

void SkillsView::setMode(Mode mode)
{
    m_mode->setCurrentIndex(m_mode->findData(int(mode)));
}

bool SkillsView::showsHires() const
{
    return mode() == Mode::HiresAsBuyer || mode() == Mode::HiresAsSeller;
}

void SkillsView::activate()
{
    if (!m_loaded) {
        m_loaded = true;
        applyMode();
    } else {
        reload();
    }
}

void SkillsView::reset()
{
    m_loaded = false;
    m_skills->clear();
    m_hires->clear();
    m_listState->clear();
    updateDetail();
}

void SkillsView::applyMode()
{
    const Mode m = mode();
    m_tables->setCurrentWidget(showsHires() ? m_hireTable : m_skillTable);
    m_skills->setSource(m == Mode::MySkills ? SkillListModel::Source::Mine
                                            : SkillListModel::Source::Catalogue);
    m_hires->setRole(m == Mode::HiresAsSeller ? HireListModel::Role::Seller : HireListModel::Role::Buyer);
    m_skillProxy->setFilterText(m == Mode::MySkills ? m_search->text() : QString());
    m_hireTable->setColumnHidden(HireListModel::Buyer, m == Mode::HiresAsBuyer);
    m_hireTable->setColumnHidden(HireListModel::Seller, m == Mode::HiresAsSeller);
    m_skillTable->setColumnHidden(SkillListModel::Seller, m == Mode::MySkills);
    m_skillTable->setColumnHidden(SkillListModel::Active, m == Mode::Catalogue);
    m_listState->clear();
    if (showsHires())
        m_hires->clear();
    else
        m_skills->clear();
    reload();
}

void SkillsView::reload()
{
    if (!m_loaded)
        return;
    if (showsHires()) {
        m_hires->refresh();
    } else {
        m_skills->setQuery(mode() == Mode::Catalogue ? m_search->text().trimmed() : QString());
        m_skills->refresh();
    }
}

QJsonObject SkillsView::currentItem() const
{
    QTableView* t = showsHires() ? m_hireTable : m_skillTable;
    const QModelIndex idx = t->selectionModel()->currentIndex();
    return idx.isValid() ? idx.data(ApiListModel::RawJsonRole).toJsonObject() : QJsonObject();
}

void SkillsView::onCurrentChanged()
{
    const QString id = currentItem().value(QLatin1String("id")).toString();
    if (!id.isEmpty())
        m_selectedId = id;
    updateDetail();
}

void SkillsView::reselect()
{
    QTableView* t = showsHires() ? m_hireTable : m_skillTable;
    auto* proxy = showsHires() ? m_hireProxy : m_skillProxy;
    ApiListModel* model = showsHires() ? static_cast<ApiListModel*>(m_hires) : m_skills;
    const QModelIndex idx = proxy->mapFromSource(model->indexOfId(m_selectedId));
    if (idx.isValid())
        t->selectionModel()->setCurrentIndex(idx,
                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    updateDetail();
}

void SkillsView::updateDetail()
{
    const QJsonObject item = currentItem();
    const QString me = context().session->current().profileId();
    const bool busy = m_action && m_action->isRunning();
    const bool signedIn = !me.isEmpty();
    m_publish->setEnabled(signedIn);
    for (QPushButton* b : {m_hire, m_edit, m_retire, m_accept, m_decline, m_withdraw, m_openContract})
        b->setEnabled(false);
    if (item.isEmpty()) {
        m_detail->setText(showsHires() ? tr("Select a hire to see its brief and what you can do.")
                                       : tr("Select a skill to read about it."));
        return;
    }
    if (!showsHires()) {
        const bool mine = partyId(item, "seller") == me;
        const bool active = item.value(QLatin1String("active")).toBool(true);
        QStringList tags;
        for (const QJsonValue& t : item.value(QLatin1String("tags")).toArray())
            tags << t.toString();
        m_detail->setText(
            tr("<h3>%1</h3><p>by <b>@%2</b>%3 &nbsp;&middot;&nbsp; <b>%4</b> &nbsp;&middot;&nbsp; delivered "
               "in "
               "%n day(s)</p><p>%5</p><p>Tags: %6</p>%7",
               nullptr, item.value(QLatin1String("deliveryDays")).toInt())
                .arg(str(item, "title").toHtmlEscaped(),
                     str(item.value(QLatin1String("seller")).toObject(), "handle").toHtmlEscaped(),
                     mine ? tr(" (you)") : QString(), priceOf(item).toHtmlEscaped(),
                     str(item, "description")
                         .toHtmlEscaped()
                         .replace(QLatin1Char('\n'), QStringLiteral("<br>")),
                     tags.join(QStringLiteral(", ")).toHtmlEscaped(),
                     active ? QString() : tr("<p><i>Retired: no new hires.</i></p>")));
        m_hire->setEnabled(signedIn && !busy && !mine && active);
        m_hire->setToolTip(mine ? tr("This is your own skill") : tr("Ask the seller to do this for you"));
        m_edit->setEnabled(!busy && mine && active);
        m_retire->setEnabled(!busy && mine && active);
        return;
    }
    const QString status = str(item, "status");
    const bool buyer = partyId(item, "buyer") == me;
    const bool seller = partyId(item, "seller") == me;
    const QJsonObject skill = item.value(QLatin1String("skill")).toObject();
    QString text =
        tr("<h3>%1</h3><p>Buyer <b>@%2</b> &nbsp;&middot;&nbsp; Seller <b>@%3</b> &nbsp;&middot;&nbsp; "
           "<b>%4</b></p><p><b>%5</b> (asked %6)</p><p><b>Brief:</b><br>%7</p>")
            .arg(str(skill, "title").toHtmlEscaped(),
                 str(item.value(QLatin1String("buyer")).toObject(), "handle").toHtmlEscaped(),
                 str(item.value(QLatin1String("seller")).toObject(), "handle").toHtmlEscaped(),
                 priceOf(item).toHtmlEscaped(), HireListModel::statusText(status).toHtmlEscaped(),
                 Formatting::localTime(str(item, "createdAt")),
                 str(item, "brief").toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    if (!str(item, "reason").isEmpty())
        text += tr("<p><b>Reason:</b> %1</p>").arg(str(item, "reason").toHtmlEscaped());
    if (!str(item, "contractId").isEmpty())
        text +=
            tr("<p>Contract: %1 (%2)</p>")
                .arg(str(item, "contractId").toHtmlEscaped(), str(item, "contractStatus").toHtmlEscaped());
    m_detail->setText(text);
    const bool pending = status == QLatin1String("pending");
    m_accept->setEnabled(!busy && seller && pending);
    m_decline->setEnabled(!busy && seller && pending);
    m_withdraw->setEnabled(!busy && buyer && pending);
    m_openContract->setEnabled(!str(item, "contractId").isEmpty());
}

void SkillsView::runAction(Command* command)
{
    m_action = command;
    connect(command, &Command::runningChanged, this, &SkillsView::updateDetail);
    connect(command, &Command::succeeded, this, &SkillsView::reload);
    context().commands->run(command);
    updateDetail();
}

void SkillsView::publish()
{
    auto* dialog = new PublishSkillDialog({}, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(tr("Publish skill"),
                                   [client, dialog] { return client->skills().publish(dialog->skill()); });
    dialog->setCommand(command, context().commands);
    connect(command, &Command::succeeded, this, [this] {
        // Show where the new skill is: my own list.
        if (mode() != Mode::MySkills)
            setMode(Mode::MySkills);
        else
            reload();
    });
    dialog->open();
}

void SkillsView::edit()
{
    const QJsonObject skill = currentItem();
    const QString id = str(skill, "id");
    auto* dialog = new PublishSkillDialog(skill, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(
        tr("Save skill"), [client, id, dialog] { return client->skills().update(id, dialog->skill()); });
    dialog->setCommand(command, context().commands);
    connect(command, &Command::succeeded, this, &SkillsView::reload);
    dialog->open();
}

void SkillsView::retire()
{
    const QString id = str(currentItem(), "id");
    models::ApiClient* client = context().client;
    runAction(new ApiCommand(tr("Retire skill"), [client, id] { return client->skills().retire(id); }));
}

void SkillsView::hire()
{
    const QJsonObject skill = currentItem();
    const QString id = str(skill, "id");
    auto* dialog =
        new HireDialog(str(skill, "title"), str(skill.value(QLatin1String("seller")).toObject(), "handle"),
                       priceOf(skill), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    models::ApiClient* client = context().client;
    auto* command = new ApiCommand(
        tr("Hire"), [client, id, dialog] { return client->skills().hire(id, dialog->brief()); });
    dialog->setCommand(command, context().commands);
    connect(command, &Command::succeeded, this, [this] { setMode(Mode::HiresAsBuyer); });
    dialog->open();
}

void SkillsView::hireAction(const QString& action, const QString& title)
{
    const QString id = str(currentItem(), "id");
    models::ApiClient* client = context().client;
    runAction(
        new ApiCommand(title, [client, id, action] { return client->skills().hireAction(id, action); }));
}

void SkillsView::openContract()
{
    const QString contractId = str(currentItem(), "contractId");
    if (!contractId.isEmpty())
        emit navigateRequested(QStringLiteral("contractsView"), contractId);
}

} // namespace taskdesk::ui
