# The Contracts view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ContractsView.h ${CMAKE_CURRENT_LIST_DIR}/ContractsView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ContractTableProxy.h ${CMAKE_CURRENT_LIST_DIR}/ContractTableProxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ContractActionDialog.h ${CMAKE_CURRENT_LIST_DIR}/ContractActionDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DeliverDialog.h ${CMAKE_CURRENT_LIST_DIR}/DeliverDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CancellationRequestDialog.h ${CMAKE_CURRENT_LIST_DIR}/CancellationRequestDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ReviewDialog.h ${CMAKE_CURRENT_LIST_DIR}/ReviewDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/OpenDisputeDialog.h ${CMAKE_CURRENT_LIST_DIR}/OpenDisputeDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ContractDisputeNotice.h ${CMAKE_CURRENT_LIST_DIR}/ContractDisputeNotice.cpp
)
