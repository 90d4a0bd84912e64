# The Review view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ReviewView.h ${CMAKE_CURRENT_LIST_DIR}/ReviewView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ReviewQueueProxy.h ${CMAKE_CURRENT_LIST_DIR}/ReviewQueueProxy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DeliverablePane.h ${CMAKE_CURRENT_LIST_DIR}/DeliverablePane.cpp
  ${CMAKE_CURRENT_LIST_DIR}/BulkAcceptCommand.h ${CMAKE_CURRENT_LIST_DIR}/BulkAcceptCommand.cpp
)
