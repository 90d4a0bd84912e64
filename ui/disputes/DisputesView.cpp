#include "DisputesView.h"

#include "CaseFilePane.h"
#include "DisputeListModel.h"
#include "DisputeQueueProxy.h"
#include "LiveUpdates.h"
#include "Session.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace taskdesk::ui {

using models::ApiListModel;
using models::DisputeListModel;

namespace {
const QString kTargetKey = QStringLiteral("disputes/targetHours");
const QString kHeaderKey = QStringLiteral("disputesView/header");
const QString kSplitterKey = QStringLiteral("disputesView/splitter");
constexpr int kDefaultTargetHours = 24;

enum Filter
{
    OpenCases,
    MineOpen,
    Resolved,
    Everything
};
} // namespace

DisputesView::DisputesView(const ViewContext& context, QWidget* parent) : View(context, parent)
{
    setObjectName(QStringLiteral("disputesView"));
    m_model = new DisputeListModel(context.client, this);
    m_model->setPageSize(100);
    m_proxy = new DisputeQueueProxy(this);
    m_proxy->setSourceModel(m_model);

    m_filter = new QComboBox(this);
    m_filter->setObjectName(QStringLiteral("disputeFilter"));
    m_filter->setAccessibleName(tr("Show"));
    m_filter->addItem(tr("Open cases"), OpenCases);
    m_filter->addItem(tr("Assigned to me"), MineOpen);
    m_filter->addItem(tr("Resolved"), Resolved);
    m_filter->addItem(tr("All cases"), Everything);
    m_targetHours = new QSpinBox(this);
    m_targetHours->setObjectName(QStringLiteral("disputeTargetHours"));
    m_targetHours->setAccessibleName(tr("Target time in hours"));
    m_targetHours->setRange(1, 24 * 14);
    m_targetHours->setSuffix(tr(" h"));
    m_targetHours->setToolTip(tr("Cases open longer than this are marked in amber"));
    const int target = context.settings ? context.settings->value(kTargetKey, kDefaultTargetHours).toInt()
                                        : kDefaultTargetHours;
    m_targetHours->setValue(target);
    m_proxy->setTargetHours(m_targetHours->value());
    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Show:"), this));
    filters->addWidget(m_filter);
    filters->addStretch(1);
    filters->addWidget(new QLabel(tr("Target time:"), this));
    filters->addWidget(m_targetHours);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("disputeQueue"));
    m_table->setAccessibleName(tr("Dispute queue"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    // The queue is worked oldest first.
    m_table->sortByColumn(DisputeListModel::Opened, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(DisputeListModel::Contract, 170);
    m_table->horizontalHeader()->resizeSection(DisputeListModel::Parties, 140);
    m_table->horizontalHeader()->setSectionHidden(DisputeListModel::Reason, true);
    m_listState = new QLabel(this);
    m_listState->setObjectName(QStringLiteral("disputeListState"));
    m_listState->setWordWrap(true);
    auto* left = new QWidget(this);
    auto* ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    ll->addWidget(m_table, 1);
    ll->addWidget(m_listState);

    m_case = new CaseFilePane(context, this);
    auto* empty = new QLabel(tr("Select a case to see everything about it on one screen."), this);
    empty->setObjectName(QStringLiteral("disputeEmpty"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setEnabled(false);
    m_detailStack = new QStackedWidget(this);
    m_detailStack->addWidget(empty);
    m_detailStack->addWidget(m_case);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_detailStack);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({330, 800});
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(splitter, 1);

    if (QSettings* s = context.settings) {
        m_table->horizontalHeader()->restoreState(s->value(kHeaderKey).toByteArray());
        splitter->restoreState(s->value(kSplitterKey).toByteArray());
        connect(splitter, &QSplitter::splitterMoved, this,
                [s, splitter] { s->setValue(kSplitterKey, splitter->saveState()); });
    }

    connect(m_filter, &QComboBox::currentIndexChanged, this, &DisputesView::applyFilter);
    connect(m_targetHours, &QSpinBox::valueChanged, this, [this](int hours) {
        m_proxy->setTargetHours(hours);
        if (QSettings* s = this->context().settings)
            s->setValue(kTargetKey, hours);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &DisputesView::onCurrentChanged);
    connect(m_model, &ApiListModel::pageLoaded, this, [this] {
        m_listState->setText(m_model->rowCount() == 0 ? tr("No disputes here.") : QString());
        selectPending();
    });
    connect(m_model, &ApiListModel::refreshed, this, &DisputesView::selectPending);
    connect(m_model, &ApiListModel::loadFailed, this, [this](const models::ApiError& error) {
        m_listState->setText(tr("Could not load the queue: %1").arg(error.message()));
    });
    connect(m_case, &CaseFilePane::caseChanged, this, [this](const QString& id) {
        m_pendingSelect = id;
        m_model->refresh();
    });
    connect(context.live, &models::LiveUpdates::eventsArrived, this, [this] {
        if (m_loaded && isVisible()) {
            m_pendingSelect = currentDisputeId();
            m_model->refresh();
        }
    });
}

DisputesView::~DisputesView()
{
    if (QSettings* s = context().settings)
        s->setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

QIcon DisputesView::icon() const
{
    return QIcon(QStringLiteral(":/icons/disputes.svg"));
}

QString DisputesView::currentDisputeId() const
{
    const QModelIndex idx = m_table->selectionModel()->currentIndex();
    return idx.isValid() ? idx.data(ApiListModel::IdRole).toString() : QString();
}

void DisputesView::activate()
{
    const QString select = property("taskdesk.selectId").toString();
    setProperty("taskdesk.selectId", QVariant());
    if (!select.isEmpty())
        m_pendingSelect = select;
    else
        m_pendingSelect = currentDisputeId();
    if (!m_loaded) {
        m_loaded = true;
        applyFilter();
    } else {
        m_model->refresh();
        m_case->reload();
    }
}

void DisputesView::reset()
{
    m_loaded = false;
    m_pendingSelect.clear();
    m_model->clear();
    m_case->load({});
    m_detailStack->setCurrentIndex(0);
    m_listState->clear();
}

void DisputesView::applyFilter()
{
    const int f = m_filter->currentData().toInt();
    m_model->setStatusFilter(f == Resolved     ? QStringLiteral("resolved")
                             : f == Everything ? QStringLiteral("all")
                                               : QStringLiteral("open"));
    m_model->setAssigneeFilter(f == MineOpen ? QStringLiteral("me") : QString());
    m_model->refresh();
}

void DisputesView::selectPending()
{
    if (m_pendingSelect.isEmpty())
        return;
    const QModelIndex source = m_model->indexOfId(m_pendingSelect);
    if (!source.isValid())
        return;
    const QModelIndex idx = m_proxy->mapFromSource(source);
    m_pendingSelect.clear();
    if (idx.row() == m_table->selectionModel()->currentIndex().row() &&
        m_case->disputeId() == source.data(ApiListModel::IdRole).toString())
        return;
    m_table->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect |
                                                        QItemSelectionModel::Rows);
    m_table->scrollTo(idx);
}

void DisputesView::onCurrentChanged()
{
    const QString id = currentDisputeId();
    if (id.isEmpty()) {
        m_detailStack->setCurrentIndex(0);
        return;
    }
    m_detailStack->setCurrentIndex(1);
    if (id != m_case->disputeId())
        m_case->load(id);
}

} // namespace taskdesk::ui
