# The skills marketplace and hires; disputes and the support desk.
taskdesk_add_api_test(NAME tst_api_skills SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_skills.cpp
                      ${CMAKE_CURRENT_SOURCE_DIR}/MarketplaceFixture.h TIMEOUT 600)
taskdesk_add_api_test(NAME tst_api_disputes SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_disputes.cpp
                      ${CMAKE_CURRENT_SOURCE_DIR}/MarketplaceFixture.h TIMEOUT 600)
