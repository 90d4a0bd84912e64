# The Skills view: the marketplace of skills for hire, my skills, and hires as buyer and seller.
target_sources(taskdesk_ui PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/SkillsView.h ${CMAKE_CURRENT_LIST_DIR}/SkillsView.cpp
  ${CMAKE_CURRENT_LIST_DIR}/PublishSkillDialog.h ${CMAKE_CURRENT_LIST_DIR}/PublishSkillDialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/HireDialog.h ${CMAKE_CURRENT_LIST_DIR}/HireDialog.cpp
)
