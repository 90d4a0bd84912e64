# The Wallet view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/WalletView.h ${CMAKE_CURRENT_LIST_DIR}/WalletView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/WalletFigure.h ${CMAKE_CURRENT_LIST_DIR}/WalletFigure.cpp
  ${CMAKE_CURRENT_LIST_DIR}/BalanceChartView.h ${CMAKE_CURRENT_LIST_DIR}/BalanceChartView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TransactionTableProxyModel.h ${CMAKE_CURRENT_LIST_DIR}/TransactionTableProxyModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ReferenceTitles.h ${CMAKE_CURRENT_LIST_DIR}/ReferenceTitles.cpp
)
