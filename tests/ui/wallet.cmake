# The Wallet view: figures, balance chart, transactions; BalanceHistory exactly in cents.
taskdesk_add_ui_test(NAME tst_ui_wallet SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_wallet.cpp)
