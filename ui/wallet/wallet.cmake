# The Wallet view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/WalletView.h ${CMAKE_CURRENT_LIST_DIR}/WalletView.cpp
)
