# Model-layer files added for the board view (see ui/board/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/CommentListModel.h ${CMAKE_CURRENT_LIST_DIR}/CommentListModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ApplicationListModel.h ${CMAKE_CURRENT_LIST_DIR}/ApplicationListModel.cpp
)
