# The Board view's files.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/BoardView.h ${CMAKE_CURRENT_LIST_DIR}/BoardView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TaskDetailPane.h ${CMAKE_CURRENT_LIST_DIR}/TaskDetailPane.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PostTaskDialog.h ${CMAKE_CURRENT_LIST_DIR}/PostTaskDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ActionFormDialog.h ${CMAKE_CURRENT_LIST_DIR}/ActionFormDialog.cpp
)
