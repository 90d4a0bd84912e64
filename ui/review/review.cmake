# The Review view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ReviewView.h ${CMAKE_CURRENT_LIST_DIR}/ReviewView.cpp
)
