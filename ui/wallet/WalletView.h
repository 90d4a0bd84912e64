#pragma once

#include "BalanceHistory.h"
#include "View.h"
#include "WalletBalance.h"

#include <QPointer>
#include <QTimer>

class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;

namespace taskdesk::models {
class ApiError;
class TransactionHistoryLoader;
class TransactionListModel;
class WalletJob;
} // namespace taskdesk::models

namespace taskdesk::ui {

class BalanceChartView;
class ErrorBanner;
class ReferenceTitles;
class TransactionTableProxyModel;
class WalletFigure;

// The member's money: available, pending and in-escrow figures, the available
// balance over time, and every ledger transfer touching the wallet.
class WalletView : public View
{
    Q_OBJECT
public:
    // The chart reads at most this many pages of this size; the table pages on scroll.
    static constexpr int kHistoryPageSize = 100;
    static constexpr int kHistoryMaxPages = 20;

    explicit WalletView(const ViewContext& context, QWidget* parent = nullptr);
    ~WalletView() override;

    QString title() const override { return tr("Wallet"); }
    void activate() override;
    void reset() override;

    // Reloads the figures, the chart and the table.
    void refresh();

    // What the figures show (after the last successful load).
    const models::WalletBalance& balance() const { return m_balance; }
    const models::BalanceHistory& history() const { return m_history; }
    models::TransactionListModel* transactions() const { return m_model; }
    TransactionTableProxyModel* transactionsProxy() const { return m_proxy; }
    BalanceChartView* chart() const { return m_chart; }
    bool isRefreshing() const { return m_refreshing; }

signals:
    // The figures and the chart are up to date with the server.
    void refreshed();

private:
    void startFigures();
    void onBalance(const models::WalletBalance& balance);
    void onHistory(const QJsonArray& transactions, bool complete);
    void onLoadFailed(const models::ApiError& error);
    void onTableLoadFailed(const models::ApiError& error);
    void finishRefresh();
    void showFigures();
    void onKindChanged(int index);
    void onLiveChange();
    void onTableRefreshed();
    void onRowActivated(const QModelIndex& index);
    void updateCount();
    void saveState();
    void restoreState();

    QString currency() const;

    models::TransactionListModel* m_model;
    TransactionTableProxyModel* m_proxy;
    ReferenceTitles* m_titles;
    models::TransactionHistoryLoader* m_loader;
    QPointer<models::WalletJob> m_walletJob;
    models::WalletBalance m_balance;
    models::BalanceHistory m_history;

    ErrorBanner* m_banner;
    WalletFigure* m_available;
    WalletFigure* m_pending;
    WalletFigure* m_escrow;
    BalanceChartView* m_chart;
    QLabel* m_chartNote;
    QComboBox* m_kind;
    QLineEdit* m_search;
    QLabel* m_count;
    QTableView* m_table;
    QSplitter* m_splitter;
    QTimer m_liveDebounce;

    bool m_loaded = false;
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    bool m_stateRestored = false;
    int m_consistencyRetries = 0;
};

} // namespace taskdesk::ui
