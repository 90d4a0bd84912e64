# The Contracts view: timeline and submission history, mutual cancellation, delivering as the seller.
taskdesk_add_ui_test(NAME tst_ui_contracts SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_ui_contracts.cpp)
