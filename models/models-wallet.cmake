# Model-layer files added for the wallet view (see ui/wallet/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/BalanceHistory.h ${CMAKE_CURRENT_LIST_DIR}/BalanceHistory.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TransactionHistoryLoader.h ${CMAKE_CURRENT_LIST_DIR}/TransactionHistoryLoader.cpp
)
