# The Board view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/BoardView.h ${CMAKE_CURRENT_LIST_DIR}/BoardView.cpp
)
