# The Activity view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ActivityView.h ${CMAKE_CURRENT_LIST_DIR}/ActivityView.cpp
)
