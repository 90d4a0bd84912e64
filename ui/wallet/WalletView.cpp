#include "WalletView.h"

#include "ApiClient.h"
#include "BalanceChartView.h"
#include "ErrorBanner.h"
#include "Formatting.h"
#include "LiveUpdates.h"
#include "ReferenceTitles.h"
#include "Session.h"
#include "TransactionHistoryLoader.h"
#include "TransactionListModel.h"
#include "TransactionTableProxyModel.h"
#include "WalletFigure.h"
#include "WalletJob.h"
#include "WalletJobs.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiError;
using models::BalanceHistory;
using models::Formatting;
using models::TransactionHistoryLoader;
using models::TransactionListModel;
using models::WalletBalance;

namespace {
const QString kHeaderKey = QStringLiteral("wallet/transactionsHeader");
const QString kSplitterKey = QStringLiteral("wallet/splitter");
} // namespace

WalletView::WalletView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("walletView"));
    setAccessibleName(tr("Wallet"));

    m_model = new TransactionListModel(context.client, this);
    m_model->setPageSize(50);
    m_proxy = new TransactionTableProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_titles = new ReferenceTitles(
        context.client,
        [session = context.session] { return session ? session->current().handle() : QString(); }, this);
    m_proxy->setReferenceTitles(m_titles);
    m_loader = new TransactionHistoryLoader(context.client, this);
    m_loader->setLimits(kHistoryPageSize, kHistoryMaxPages);

    m_banner = new ErrorBanner(this);
    m_banner->setObjectName(QStringLiteral("walletError"));

    m_available = new WalletFigure(QStringLiteral("walletAvailable"), tr("Available"),
                                   tr("Yours to spend: post tasks, hire, transfer."), this);
    m_pending = new WalletFigure(QStringLiteral("walletPending"), tr("Pending"),
                                 tr("Earned and on hold until released."), this);
    m_escrow = new WalletFigure(QStringLiteral("walletEscrow"), tr("In escrow"),
                                tr("Committed to your tasks and not yet paid out."), this);
    auto* figures = new QHBoxLayout;
    figures->setSpacing(10);
    figures->addWidget(m_available);
    figures->addWidget(m_pending);
    figures->addWidget(m_escrow);

    m_chart = new BalanceChartView(this);
    m_chartNote = new QLabel(this);
    m_chartNote->setObjectName(QStringLiteral("walletChartNote"));
    m_chartNote->setAccessibleName(tr("About the chart"));
    m_chartNote->setWordWrap(true);
    auto* chartTitle = new QLabel(tr("Available balance over time"), this);
    QFont bold = chartTitle->font();
    bold.setBold(true);
    chartTitle->setFont(bold);
    auto* chartPane = new QWidget(this);
    auto* chartLayout = new QVBoxLayout(chartPane);
    chartLayout->setContentsMargins(0, 0, 0, 0);
    chartLayout->setSpacing(2);
    chartLayout->addWidget(chartTitle);
    chartLayout->addWidget(m_chart, 1);
    chartLayout->addWidget(m_chartNote);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("walletKindFilter"));
    m_kind->setAccessibleName(tr("Transaction kind"));
    m_kind->setToolTip(tr("Show only transactions of this kind (asked of the server)"));
    m_kind->addItem(tr("All kinds"), QString());
    for (const QString& kind : TransactionTableProxyModel::knownKinds())
        m_kind->addItem(TransactionTableProxyModel::kindLabel(kind), kind);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("walletSearch"));
    m_search->setAccessibleName(tr("Filter transactions"));
    m_search->setPlaceholderText(tr("Filter by memo, task, amount..."));
    m_search->setClearButtonEnabled(true);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("walletCount"));
    m_count->setAccessibleName(tr("Transactions shown"));
    auto* kindLabel = new QLabel(tr("&Kind:"), this);
    kindLabel->setBuddy(m_kind);
    auto* filters = new QHBoxLayout;
    filters->addWidget(kindLabel);
    filters->addWidget(m_kind);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_count);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("walletTransactions"));
    m_table->setAccessibleName(tr("Transactions"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->setToolTip(tr("Double-click a row to open its task or contract"));
    QHeaderView* header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TransactionListModel::Reference, QHeaderView::Stretch);
    // Read left to right: when, what, why, for which task, how much, where.
    const int order[] = {TransactionListModel::Created, TransactionListModel::Kind,
                         TransactionListModel::Memo,    TransactionListModel::Reference,
                         TransactionListModel::Amount,  TransactionListModel::Account};
    for (int visual = 0; visual < int(std::size(order)); ++visual)
        header->moveSection(header->visualIndex(order[visual]), visual);
    header->resizeSection(TransactionListModel::Created, 150);
    header->resizeSection(TransactionListModel::Kind, 120);
    header->resizeSection(TransactionListModel::Memo, 220);
    header->resizeSection(TransactionListModel::Amount, 150);
    header->resizeSection(TransactionListModel::Account, 90);
    m_table->sortByColumn(TransactionListModel::Created, Qt::DescendingOrder);

    auto* tablePane = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->addLayout(filters);
    tableLayout->addWidget(m_table, 1);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("walletSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(chartPane);
    m_splitter->addWidget(tablePane);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 10, 10, 10);
    layout->setSpacing(8);
    layout->addWidget(m_banner);
    layout->addLayout(figures);
    layout->addWidget(m_splitter, 1);

    connect(m_loader, &TransactionHistoryLoader::loaded, this, &WalletView::onHistory);
    connect(m_loader, &TransactionHistoryLoader::failed, this, &WalletView::onLoadFailed);
    connect(m_model, &TransactionListModel::refreshed, this, &WalletView::onTableRefreshed);
    connect(m_model, &TransactionListModel::pageLoaded, this, &WalletView::updateCount);
    connect(m_model, &TransactionListModel::loadFailed, this, &WalletView::onTableLoadFailed);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &WalletView::updateCount);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &WalletView::updateCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &WalletView::updateCount);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &WalletView::onKindChanged);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &TransactionTableProxyModel::setFilterText);
    connect(m_search, &QLineEdit::textChanged, this, &WalletView::updateCount);
    connect(m_table, &QTableView::doubleClicked, this, &WalletView::onRowActivated);
    connect(m_banner, &ErrorBanner::retryRequested, this, &WalletView::refresh);
    connect(header, &QHeaderView::sectionResized, this, &WalletView::saveState);
    connect(header, &QHeaderView::sectionMoved, this, &WalletView::saveState);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &WalletView::saveState);
    connect(m_splitter, &QSplitter::splitterMoved, this, &WalletView::saveState);

    // Money moves on the server side (a payout, a release, a refund): the
    // live feed says something happened; a burst of events is one reload.
    m_liveDebounce.setSingleShot(true);
    m_liveDebounce.setInterval(400);
    connect(&m_liveDebounce, &QTimer::timeout, this, &WalletView::onLiveChange);
    if (models::LiveUpdates* live = context.live) {
        connect(live, &models::LiveUpdates::eventsArrived, &m_liveDebounce,
                static_cast<void (QTimer::*)()>(&QTimer::start));
        connect(live, &models::LiveUpdates::notificationsChanged, &m_liveDebounce,
                static_cast<void (QTimer::*)()>(&QTimer::start));
    }

    showFigures();
    updateCount();
}

WalletView::~WalletView()
{
    m_loader->cancel();
    if (m_walletJob)
        m_walletJob->abort();
}

void WalletView::activate()
{
    if (!m_stateRestored) {
        restoreState();
        m_stateRestored = true;
    }
    m_loaded = true;
    refresh();
}

void WalletView::reset()
{
    m_liveDebounce.stop();
    m_loader->cancel();
    if (m_walletJob) {
        disconnect(m_walletJob, nullptr, this, nullptr);
        m_walletJob->abort();
    }
    m_walletJob = nullptr;
    m_model->clear();
    m_titles->clear();
    m_balance = {};
    m_history = {};
    m_chart->clear();
    m_chartNote->clear();
    m_banner->hide();
    m_loaded = false;
    m_refreshing = false;
    m_refreshAgain = false;
    m_consistencyRetries = 0;
    {
        const QSignalBlocker blocker(m_kind);
        m_kind->setCurrentIndex(0);
    }
    m_model->setKindFilter({});
    m_search->clear();
    showFigures();
    updateCount();
}

void WalletView::refresh()
{
    if (!context().client)
        return;
    m_banner->hide();
    m_model->refresh();
    if (m_refreshing) {
        // The figures and the chart are one read; a change during it means one more.
        m_refreshAgain = true;
        return;
    }
    m_consistencyRetries = 0;
    startFigures();
}

void WalletView::startFigures()
{
    m_refreshing = true;
    m_refreshAgain = false;
    m_walletJob = context().client->wallet().balance();
    connect(m_walletJob, &models::WalletJob::walletReceived, this, &WalletView::onBalance);
    connect(m_walletJob, &models::WalletJob::failed, this, &WalletView::onLoadFailed);
    m_walletJob->start();
}

void WalletView::onBalance(const WalletBalance& balance)
{
    m_balance = balance;
    showFigures();
    m_loader->load();
}

void WalletView::onHistory(const QJsonArray& transactions, bool complete)
{
    BalanceHistory history(m_balance.availableCents, transactions, QDateTime::currentDateTimeUtc());
    // With every transaction in, the walk back ends at zero. If not, money
    // moved between reading the balance and reading the transactions: read again.
    if (complete && history.startCents() != 0 && m_consistencyRetries < 2) {
        ++m_consistencyRetries;
        startFigures();
        return;
    }
    m_history = history;
    m_chart->setHistory(m_history, currency());
    const int count = int(transactions.size());
    if (complete)
        m_chartNote->setText(
            tr("%n transaction(s) since the wallet was opened; %1 changed the available balance.", nullptr,
               count)
                .arg(m_history.movements()));
    else
        m_chartNote->setText(tr(
            "The chart shows the latest %n transaction(s) only; older ones are not drawn.", nullptr, count));
    finishRefresh();
}

void WalletView::onLoadFailed(const ApiError& error)
{
    if (error.kind() == ApiError::Kind::Aborted)
        return;
    m_banner->showError(tr("Could not load the wallet: %1").arg(error.message()), true);
    finishRefresh();
}

void WalletView::onTableLoadFailed(const ApiError& error)
{
    if (error.kind() != ApiError::Kind::Aborted)
        m_banner->showError(tr("Could not load the transactions: %1").arg(error.message()), true);
}

void WalletView::finishRefresh()
{
    m_refreshing = false;
    if (m_refreshAgain) {
        m_consistencyRetries = 0;
        startFigures();
        return;
    }
    emit refreshed();
}

QString WalletView::currency() const
{
    return m_balance.currency.isEmpty() ? QStringLiteral("CREDITS") : m_balance.currency;
}

void WalletView::showFigures()
{
    if (m_balance.currency.isEmpty()) {
        m_available->setValue(QStringLiteral("-"));
        m_pending->setValue(QStringLiteral("-"));
        m_escrow->setValue(QStringLiteral("-"));
        m_pending->setDetail({});
        return;
    }
    const QString c = currency();
    m_available->setValue(Formatting::cents(m_balance.availableCents, c));
    m_pending->setValue(Formatting::cents(m_balance.pendingCents, c));
    m_escrow->setValue(Formatting::cents(m_balance.escrowCents, c));
    if (m_balance.nextReleaseAt.isValid())
        m_pending->setDetail(
            tr("On hold until released; next release %1")
                .arg(QLocale().toString(m_balance.nextReleaseAt.toLocalTime(), QLocale::ShortFormat)));
    else
        m_pending->setDetail({});
}

void WalletView::onKindChanged(int index)
{
    m_model->setKindFilter(m_kind->itemData(index).toString());
    if (m_loaded)
        m_model->refresh();
}

void WalletView::onLiveChange()
{
    if (m_loaded && isVisible())
        refresh();
}

void WalletView::onTableRefreshed()
{
    updateCount();
    const QString id = property("taskdesk.selectId").toString();
    if (id.isEmpty())
        return;
    const QModelIndex source = m_model->indexOfId(id);
    if (!source.isValid())
        return;
    const QModelIndex row = m_proxy->mapFromSource(source);
    if (!row.isValid())
        return;
    setProperty("taskdesk.selectId", QVariant());
    m_table->selectRow(row.row());
    m_table->scrollTo(row);
}

void WalletView::onRowActivated(const QModelIndex& index)
{
    const QJsonObject t = index.data(models::ApiListModel::RawJsonRole).toJsonObject();
    const QString type = t.value(QLatin1String("refType")).toString();
    const QString id = t.value(QLatin1String("refId")).toString();
    if (id.isEmpty())
        return;
    if (type == QLatin1String("task"))
        emit navigateRequested(QStringLiteral("boardView"), id);
    else if (type == QLatin1String("contract"))
        emit navigateRequested(QStringLiteral("contractsView"), id);
}

void WalletView::updateCount()
{
    const int shown = m_proxy->rowCount();
    QString text = tr("%n transaction(s)", nullptr, shown);
    if (shown != m_model->rowCount())
        text = tr("%1 of %2 match").arg(shown).arg(m_model->rowCount());
    if (m_model->rowCount() > 0 && m_model->hasMore())
        text += tr("; scroll for more");
    m_count->setText(text);
}

void WalletView::saveState()
{
    if (QSettings* s = context().settings; s && m_stateRestored) {
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
        s->setValue(kSplitterKey, m_splitter->saveState());
    }
}

void WalletView::restoreState()
{
    QSettings* s = context().settings;
    if (!s)
        return;
    const QByteArray header = s->value(kHeaderKey).toByteArray();
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    const QByteArray splitter = s->value(kSplitterKey).toByteArray();
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
}

} // namespace taskdesk::ui
