# Model-layer files for the Skills and Disputes views (see ui/skills/, ui/disputes/).
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/SkillJobs.h ${CMAKE_CURRENT_LIST_DIR}/SkillJobs.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DisputeJobs.h ${CMAKE_CURRENT_LIST_DIR}/DisputeJobs.cpp
)
target_sources(taskdesk_models PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/SkillListModel.h ${CMAKE_CURRENT_LIST_DIR}/SkillListModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/HireListModel.h ${CMAKE_CURRENT_LIST_DIR}/HireListModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/DisputeListModel.h ${CMAKE_CURRENT_LIST_DIR}/DisputeListModel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/CaseFile.h ${CMAKE_CURRENT_LIST_DIR}/CaseFile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/SplitPreview.h ${CMAKE_CURRENT_LIST_DIR}/SplitPreview.cpp
)
