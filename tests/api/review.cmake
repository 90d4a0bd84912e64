# GET /api/agent/review-queue: the publisher's pending decisions in one list.
taskdesk_add_api_test(NAME tst_api_review SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_api_review.cpp)
