# Model-layer files added for the review view (see ui/review/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ReviewJobs.h ${CMAKE_CURRENT_LIST_DIR}/ReviewJobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ReviewQueueModel.h ${CMAKE_CURRENT_LIST_DIR}/ReviewQueueModel.cpp
)
