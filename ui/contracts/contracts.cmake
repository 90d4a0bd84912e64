# The Contracts view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ContractsView.h ${CMAKE_CURRENT_LIST_DIR}/ContractsView.cpp
)
