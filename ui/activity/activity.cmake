# The Activity view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ActivityView.h ${CMAKE_CURRENT_LIST_DIR}/ActivityView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ActivityNotifier.h ${CMAKE_CURRENT_LIST_DIR}/ActivityNotifier.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NotificationTableProxy.h ${CMAKE_CURRENT_LIST_DIR}/NotificationTableProxy.cpp
)
